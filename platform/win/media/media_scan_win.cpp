// `shouwei-agent media scan [--apply]` on Windows: the SetupAPI usb bus, the raw disk opener
// and the CfgMgr32 / disk-IOCTL gate around the portable MediaGate.
#include "shouwei/collectors/media/media_scan.hpp"
#include "shouwei/platform/win/media_win.hpp"
#include "shouwei/platform/win/usb_win.hpp"

namespace shouwei::platform::win_media {

int run_media_scan(const RootFs&, Zone zone, const PublicKey* media_key,
                   const collectors::media::MediaRules& rules, bool apply, std::ostream& out) {
  auto bus = win_usb::make_windows_usb_bus();
  auto opener = make_physical_drive_opener();
  auto gate = make_windows_device_gate();
  return collectors::media::scan_media(*bus, *opener, *gate, {zone, media_key, rules}, apply, out);
}

}  // namespace shouwei::platform::win_media
