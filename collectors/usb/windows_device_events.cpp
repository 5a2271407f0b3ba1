#include "shouwei/collectors/usb/windows_device_events.hpp"

#include <algorithm>

#include "shouwei/collectors/usb/windows_pnp.hpp"

namespace shouwei::collectors::usb {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; });
  return out;
}

bool has_interface_class(std::string_view path, std::string_view guid) {
  return path.size() > guid.size() && upper(path.substr(path.size() - guid.size())) == upper(guid);
}

bool is_usb_device(std::string_view instance_id) {
  auto id = parse_instance_id(instance_id);
  return id && upper(id->enumerator) == "USB" &&
         upper(id->hardware).find("&MI_") == std::string::npos;
}

}  // namespace

std::optional<Uevent> WindowsDeviceEvents::on_interface(UsbAction action,
                                                        std::string_view interface_path) {
  auto instance_id = instance_id_from_interface_path(interface_path);
  if (!instance_id) return std::nullopt;
  if (has_interface_class(interface_path, kUsbDeviceInterfaceGuid)) {
    if (!is_usb_device(*instance_id)) return std::nullopt;
    return uevent_for_usb_device(action, *instance_id);
  }
  if (!has_interface_class(interface_path, kDiskInterfaceGuid)) return std::nullopt;

  const std::string key = upper(*instance_id);
  if (action == UsbAction::remove) {
    auto it = disks_.find(key);
    if (it == disks_.end()) return std::nullopt;  // arrived before we listened, or not USB
    DiskOwner owner = std::move(it->second);
    disks_.erase(it);
    return uevent_for_disk(action, owner.usb_instance_id, *instance_id, owner.disk_name);
  }
  // Walk up a few levels: a UASP disk sits below a SCSI adapter node below the USB device.
  std::optional<std::string> parent =
      lookups_.parent_of ? lookups_.parent_of(*instance_id) : std::nullopt;
  for (int hops = 0; parent && !is_usb_device(*parent) && hops < 3; ++hops) {
    parent = lookups_.parent_of(*parent);
  }
  if (!parent || !is_usb_device(*parent)) return std::nullopt;
  DiskOwner owner{*parent, lookups_.disk_name_of
                               ? lookups_.disk_name_of(std::string(interface_path))
                               : std::nullopt};
  disks_[key] = owner;
  return uevent_for_disk(action, owner.usb_instance_id, *instance_id, owner.disk_name);
}

}  // namespace shouwei::collectors::usb
