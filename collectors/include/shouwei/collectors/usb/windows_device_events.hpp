// Windows device-interface notifications (CM_Register_Notification or WM_DEVICECHANGE name an
// interface path, "\\?\USB#VID_0781&PID_5567#serial#{a5dcbf10-...}") turned into the uevents
// UsbEventRecorder understands (windows_pnp.hpp), so Windows records USB events through the
// same recorder and store as Linux. Portable; the OS lookups are passed in.
//
// USB devices (GUID_DEVINTERFACE_USB_DEVICE) become usb_device events. Disks
// (GUID_DEVINTERFACE_DISK) become disk events below their USB device: the parent is asked at
// arrival and remembered, since on removal the device node is gone. A disk whose parent is not
// a USB device (an internal disk, a VHD) is ignored.
//
// Not thread-safe: call on_interface from one thread (the listener serializes its callbacks).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "shouwei/collectors/usb/uevent.hpp"
#include "shouwei/collectors/usb/usb_event.hpp"

namespace shouwei::collectors::usb {

inline constexpr std::string_view kUsbDeviceInterfaceGuid =
    "{a5dcbf10-6530-11d2-901f-00c04fb951ed}";
inline constexpr std::string_view kDiskInterfaceGuid = "{53f56307-b6bf-11d0-94f2-00a0c91efb8b}";

class WindowsDeviceEvents {
 public:
  struct Lookups {
    // Instance id of the parent of a present device node (CM_Locate_DevNode + CM_Get_Parent).
    std::function<std::optional<std::string>(const std::string& instance_id)> parent_of;
    // "PhysicalDrive1" for a present disk interface (IOCTL_STORAGE_GET_DEVICE_NUMBER).
    std::function<std::optional<std::string>(const std::string& interface_path)> disk_name_of;
  };

  explicit WindowsDeviceEvents(Lookups lookups) : lookups_(std::move(lookups)) {}

  // The uevent for an interface arriving (add) or leaving (remove); nullopt for interfaces of
  // other classes, malformed paths and disks not below a USB device.
  std::optional<Uevent> on_interface(UsbAction action, std::string_view interface_path);

  // Disks remembered (bounded by the disks present: entries go on removal).
  std::size_t remembered() const { return disks_.size(); }

 private:
  struct DiskOwner {
    std::string usb_instance_id;
    std::optional<std::string> disk_name;
  };
  Lookups lookups_;
  std::map<std::string, DiskOwner> disks_;  // by disk instance id, upper case
};

}  // namespace shouwei::collectors::usb
