#include "shouwei/collectors/platform_ports.hpp"
#include "shouwei/platform/linux/av_products.hpp"
#include "shouwei/platform/linux/media_scan.hpp"
#include "shouwei/platform/linux/package_source.hpp"
#include "shouwei/platform/linux/usb_bus_linux.hpp"

namespace shouwei::collectors {

PlatformPorts make_platform_ports(const RootFs& root) {
  PlatformPorts ports;
  ports.inventory = make_inventory_source(root);
  ports.packages = platform::make_linux_package_source(root);
  ports.antivirus = platform::make_linux_av_products(root);
  ports.usb = platform::linux_usb::make_linux_usb_bus(root);
  return ports;
}

int run_media_scan(const RootFs& root, Zone zone, const PublicKey* media_key,
                   const media::MediaRules& rules, bool apply, std::ostream& out) {
  return platform::linux_media::run_media_scan(root, zone, media_key, rules, apply, out);
}

}  // namespace shouwei::collectors
