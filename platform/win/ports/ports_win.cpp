// The bundle of Windows ports (see collectors/platform_ports.hpp).
#include "shouwei/collectors/platform_ports.hpp"
#include "shouwei/platform/win/media_win.hpp"
#include "shouwei/platform/win/pending_ports.hpp"
#include "shouwei/platform/win/usb_win.hpp"

namespace shouwei::collectors {

PlatformPorts make_platform_ports(const RootFs& root) {
  PlatformPorts ports;
  ports.inventory = make_inventory_source(root);
  ports.packages = platform::win::make_pending_package_source();  // h7: platform/win/patches
  ports.antivirus = platform::win::make_pending_av_products();    // h7: platform/win/antivirus
  ports.usb = platform::win_usb::make_windows_usb_bus();
  return ports;
}

int run_media_scan(const RootFs& root, Zone zone, const PublicKey* media_key,
                   const media::MediaRules& rules, bool apply, std::ostream& out) {
  return platform::win_media::run_media_scan(root, zone, media_key, rules, apply, out);
}

}  // namespace shouwei::collectors
