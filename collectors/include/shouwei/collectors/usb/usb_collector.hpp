// The "usb" snapshot section: the USB devices present and the USB events not yet acknowledged.
//
//   usb.devices[]            one object per device (root hubs included), sorted by bus_path:
//     bus_path               "1-1.2" (kernel port chain; "usb1" for a root hub)
//     sysfs_path             "/sys/devices/.../1-1.2"
//     vendor_id, product_id  "0781", "5567" (4 lowercase hex digits) | null
//     manufacturer, product  strings as the device reports them | null
//     serial                 string | null; "" and duplicates are kept as reported: a serial
//                            is not an identity (cheap sticks share one, many have none)
//     device_class, device_subclass, device_protocol   "00".."ff" | null
//     speed_mbps             1.5 | 12 | 480 | 5000 | ... | null
//     authorized             bool | null (false: de-authorized, drivers kept off)
//     busnum, devnum         integers | null
//     mass_storage           bool: some interface has class "08"
//     interfaces[]           {name, class, subclass, protocol ("08"), description, driver}
//     block_devices[]        {name "sdb", size_bytes, removable, read_only, fs_type, label, uuid,
//                             partitions[] {name "sdb1", start_bytes, size_bytes, fs_type,
//                             label, uuid}}; fs_* null when the medium could not be read
//   usb.events[]             events not yet acknowledged, oldest first (at most 1000):
//     id                     store id; the caller acknowledges through the largest one shipped
//     time                   RFC 3339 UTC, when the agent received the uevent
//     action                 "add" | "remove" | "change"
//     kind                   "usb_device" | "disk" | "partition"
//     devpath, bus_path, vendor_id, product_id, manufacturer, product, serial, block_name,
//     seqnum                 as above; null when unknown
//   usb.events_dropped       events not stored because the queue was full (normally 0)
//
// Text is made valid UTF-8 (invalid bytes become U+FFFD) so a hostile descriptor cannot make
// the snapshot unsignable.
#pragma once

#include <memory>

#include <boost/json/object.hpp>

#include "shouwei/collectors/collector.hpp"
#include "shouwei/collectors/usb/usb_bus.hpp"
#include "shouwei/collectors/usb/usb_event.hpp"
#include "shouwei/collectors/usb/usb_event_store.hpp"

namespace shouwei::collectors::usb {

inline constexpr std::size_t kMaxEventsPerSnapshot = 1000;

// REQUIRES: bus and store outlive the collector. collect() fails when the bus cannot be listed
// or the store cannot be read.
std::unique_ptr<Collector> make_usb_collector(UsbBus& bus, UsbEventStore& store);

// The renderings the section is made of (pure; also for `media scan` output and tests).
boost::json::object to_json(const UsbDevice& device);
boost::json::object to_json(const UsbEvent& event);

}  // namespace shouwei::collectors::usb
