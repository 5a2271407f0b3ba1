#include "shouwei/collectors/media/media_scan.hpp"

#include <boost/json/serialize.hpp>

#include "shouwei/collectors/media/media_event_store.hpp"
#include "shouwei/common/clock.hpp"
#include "shouwei/common/exit_codes.hpp"

namespace shouwei::collectors::media {

int scan_media(usb::UsbBus& bus, RawDeviceOpener& opener, DeviceGate& gate, GateSettings settings,
               bool apply, std::ostream& out) {
  auto devices = bus.devices();
  if (!devices) {
    out << boost::json::serialize(boost::json::object{{"error", devices.error().message}}) << '\n';
    return exit_code_for(devices.error().code);
  }
  const bool enforce = settings.rules.mode == EnforcementMode::enforce;
  const SystemClock clock;
  MediaGate media_gate(opener, gate, clock, std::move(settings), nullptr);
  int rc = kExitOk;
  for (const auto& device : *devices) {
    auto outcome = media_gate.handle(device, apply);
    if (!outcome || !*outcome) continue;  // without a store handle() cannot fail
    const auto& event = (*outcome)->event;
    if (apply && enforce && !event.applied) rc = kExitFailure;
    out << boost::json::serialize(to_json(event)) << '\n';
  }
  return rc;
}

}  // namespace shouwei::collectors::media
