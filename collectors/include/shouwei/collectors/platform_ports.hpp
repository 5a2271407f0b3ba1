// Every port the agent's collectors read through, made by the platform directory the build
// picked (platform/linux/ports, platform/win/ports). The agent asks for this one bundle and
// never names a platform.
#pragma once

#include <memory>

#include "shouwei/collectors/antivirus/av_products.hpp"
#include "shouwei/collectors/antivirus/windows_security.hpp"
#include "shouwei/collectors/inventory/inventory_source.hpp"
#include "shouwei/collectors/media/media_rules.hpp"
#include "shouwei/collectors/patches/package_source.hpp"
#include "shouwei/collectors/patches/windows_update_source.hpp"
#include "shouwei/collectors/usb/usb_bus.hpp"
#include "shouwei/collectors/usb/usb_history.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/root_fs.hpp"
#include "shouwei/common/zone.hpp"

#include <ostream>

namespace shouwei::collectors {

struct PlatformPorts {
  std::unique_ptr<InventorySource> inventory;
  std::unique_ptr<patches::PackageSource> packages;
  std::unique_ptr<antivirus::AvProducts> antivirus;
  std::unique_ptr<usb::UsbBus> usb;
  // Windows only (null elsewhere): with windows_update the patches section comes from Windows
  // servicing instead of `packages`; windows_security adds Security Center and Defender to the
  // antivirus section.
  std::unique_ptr<patches::WindowsUpdateSource> windows_update;
  std::unique_ptr<antivirus::WindowsSecuritySource> windows_security;
  // Windows only (null elsewhere): the USB devices the registry remembers (usb_history section).
  std::unique_ptr<usb::UsbHistorySource> usb_history;
};

// REQUIRES: root outlives the returned ports.
PlatformPorts make_platform_ports(const RootFs& root);

// `shouwei-agent media scan [--apply]`: one JSON line per USB storage device present (identity,
// tag, decision, reason); only with apply (and rules in enforce mode) is anything done.
// Returns an exit code. media_key may be null (tags are then reported unverified).
int run_media_scan(const RootFs& root, Zone zone, const PublicKey* media_key,
                   const media::MediaRules& rules, bool apply, std::ostream& out);

}  // namespace shouwei::collectors
