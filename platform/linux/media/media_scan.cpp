#include "shouwei/platform/linux/media_scan.hpp"

#include <boost/json/serialize.hpp>

#include "shouwei/collectors/media/media_gate.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/platform/linux/media_linux.hpp"
#include "shouwei/platform/linux/usb_bus_linux.hpp"

namespace shouwei::platform::linux_media {

int run_media_scan(const RootFs& root, Zone zone, const PublicKey* media_key,
                   const collectors::media::MediaRules& rules, bool apply, std::ostream& out) {
  auto bus = linux_usb::make_linux_usb_bus(root);
  auto devices = bus->devices();
  if (!devices) {
    out << boost::json::serialize(boost::json::object{{"error", devices.error().message}}) << '\n';
    return exit_code_for(devices.error().code);
  }
  auto opener = make_root_device_opener(root);
  auto gate = make_linux_device_gate(root);
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

}  // namespace shouwei::platform::linux_media
