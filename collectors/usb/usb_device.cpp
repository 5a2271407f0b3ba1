#include "shouwei/collectors/usb/usb_device.hpp"

#include <string_view>

namespace shouwei::collectors::usb {

bool UsbDevice::is_mass_storage() const {
  for (const auto& i : interfaces) {
    if (i.interface_class == kMassStorageClass) return true;
  }
  return false;
}

std::string devpath_of(const UsbDevice& device) {
  constexpr std::string_view kSys = "/sys/";
  std::string_view path = device.sysfs_path;
  // Windows: sysfs_path holds the PnP device instance id ("USB\VID_0781&PID_5567\...", see
  // windows_pnp.hpp), and events name the device by "/" + that id.
  if (!path.empty() && path.front() != '/' && path.find('\\') != std::string_view::npos)
    return "/" + std::string(path);
  if (!path.starts_with(kSys)) return {};
  path.remove_prefix(kSys.size() - 1);
  return std::string(path);
}

}  // namespace shouwei::collectors::usb
