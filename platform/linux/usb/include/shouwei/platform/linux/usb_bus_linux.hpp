// The Linux UsbBus: USB devices from sysfs (/sys/bus/usb/devices), their disks from /sys/block
// (a disk belongs to the USB device its `device` link resolves under) and the file systems on
// them from libblkid. Everything is read under a RootFs, so a fixture tree or a mounted disk
// works like the live system; the raw device of disk or partition X is read at <root>/dev/X
// (with a fixture root: a disk image file). A partition without its own /dev node is probed
// inside the disk's node at the offset sysfs gives (start, size).
//
// Attribute files are read with a 4 KiB cap (sysfs never serves more); unreadable, garbage or
// missing attributes become null; a medium that cannot be opened or probed gives null
// file-system fields. Only an unlistable /sys/bus/usb/devices fails the call.
#pragma once

#include <memory>

#include "shouwei/collectors/usb/usb_bus.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::platform::linux_usb {

// REQUIRES: root outlives the bus. Each call reads sysfs afresh (no caching).
std::unique_ptr<collectors::usb::UsbBus> make_linux_usb_bus(const RootFs& root);

}  // namespace shouwei::platform::linux_usb
