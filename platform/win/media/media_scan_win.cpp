// `shouwei-agent media scan [--apply]` on Windows: the SetupAPI usb bus, the raw disk opener
// and the CfgMgr32 / disk-IOCTL gate around the portable MediaGate.
#include <boost/json/serialize.hpp>

#include "shouwei/collectors/media/media_gate.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/platform/win/media_win.hpp"
#include "shouwei/platform/win/usb_win.hpp"

namespace shouwei::platform::win_media {

int run_media_scan(const RootFs&, Zone zone, const PublicKey* media_key,
                   const collectors::media::MediaRules& rules, bool apply, std::ostream& out) {
  auto bus = win_usb::make_windows_usb_bus();
  auto devices = bus->devices();
  if (!devices) {
    out << boost::json::serialize(boost::json::object{{"error", devices.error().message}}) << '\n';
    return exit_code_for(devices.error().code);
  }
  auto opener = make_physical_drive_opener();
  auto gate = make_windows_device_gate();
  const SystemClock clock;
  collectors::media::MediaGate media_gate(*opener, *gate, clock, {zone, media_key, rules}, nullptr);
  int rc = kExitOk;
  for (const auto& device : *devices) {
    auto outcome = media_gate.handle(device, apply);
    if (!outcome || !*outcome) continue;  // without a store handle() cannot fail
    const auto& event = (*outcome)->event;
    if (apply && rules.mode == collectors::media::EnforcementMode::enforce && !event.applied) {
      rc = kExitFailure;
    }
    out << boost::json::serialize(collectors::media::to_json(event)) << '\n';
  }
  return rc;
}

}  // namespace shouwei::platform::win_media
