// UsbBus: the port through which portable code sees the USB devices of the machine. Linux
// implements it over sysfs (platform/linux/usb, make_linux_usb_bus); tests use in-memory fakes
// or the Linux implementation on a fixture root.
#pragma once

#include <string_view>
#include <vector>

#include "shouwei/collectors/usb/usb_device.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::usb {

class UsbBus {
 public:
  virtual ~UsbBus() = default;

  // Every USB device present (root hubs included), sorted by bus path, each mass-storage device
  // with its block devices. A device whose attributes are partly unreadable is still listed
  // with those attributes null. Fails only when the bus itself cannot be listed (sysfs missing
  // or unreadable); a machine without a USB controller yields an empty list.
  virtual Result<std::vector<UsbDevice>> devices() = 0;

  // The device at a kernel devpath ("/devices/pci0000:00/.../1-1", as uevents name it).
  // Errc::not_found when nothing is there or it is not a USB device (an interface, a hub port,
  // a block device): that is how callers tell USB devices from the rest of a devpath's
  // ancestors.
  virtual Result<UsbDevice> device_at(std::string_view devpath) = 0;
};

}  // namespace shouwei::collectors::usb
