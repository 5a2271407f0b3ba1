#include "shouwei/platform/linux/media_scan.hpp"

#include "shouwei/collectors/media/media_scan.hpp"
#include "shouwei/platform/linux/media_linux.hpp"
#include "shouwei/platform/linux/usb_bus_linux.hpp"

namespace shouwei::platform::linux_media {

int run_media_scan(const RootFs& root, Zone zone, const PublicKey* media_key,
                   const collectors::media::MediaRules& rules, bool apply, std::ostream& out) {
  auto bus = linux_usb::make_linux_usb_bus(root);
  auto opener = make_root_device_opener(root);
  auto gate = make_linux_device_gate(root);
  return collectors::media::scan_media(*bus, *opener, *gate, {zone, media_key, rules}, apply, out);
}

}  // namespace shouwei::platform::linux_media
