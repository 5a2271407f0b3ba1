// The bundle of Windows ports (see collectors/platform_ports.hpp).
#include "shouwei/collectors/platform_ports.hpp"
#include "shouwei/platform/win/antivirus_ports.hpp"
#include "shouwei/platform/win/media_win.hpp"
#include "shouwei/platform/win/pending_ports.hpp"
#include "shouwei/platform/win/usb_win.hpp"
#include "shouwei/platform/win/windows_update_source.hpp"

namespace shouwei::collectors {

PlatformPorts make_platform_ports(const RootFs& root) {
  PlatformPorts ports;
  ports.inventory = make_inventory_source(root);
  ports.packages = platform::win::make_pending_package_source();  // unused: windows_update
  ports.antivirus = platform::win::make_windows_av_products();
  ports.windows_update = platform::win::make_windows_update_source();
  ports.windows_security = platform::win::make_windows_security_source();
  ports.usb = platform::win_usb::make_windows_usb_bus();
  ports.usb_history = platform::win_usb::make_registry_usb_history();
  return ports;
}

int run_media_scan(const RootFs& root, Zone zone, const PublicKey* media_key,
                   const media::MediaRules& rules, bool apply, std::ostream& out) {
  return platform::win_media::run_media_scan(root, zone, media_key, rules, apply, out);
}

}  // namespace shouwei::collectors
