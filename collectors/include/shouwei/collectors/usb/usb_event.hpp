// A recorded USB event: a USB device or one of its disks/partitions was added, removed or
// changed. What UsbEventStore keeps until acknowledged and what `usb.events` carries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shouwei/collectors/usb/usb_device.hpp"
#include "shouwei/common/clock.hpp"

namespace shouwei::collectors::usb {

enum class UsbAction { add, remove, change };
// usb_device: SUBSYSTEM=usb DEVTYPE=usb_device; disk / partition: SUBSYSTEM=block under a USB
// device.
enum class UsbEventKind { usb_device, disk, partition };

std::string_view to_string(UsbAction action);
std::string_view to_string(UsbEventKind kind);
std::optional<UsbAction> parse_usb_action(std::string_view text);
std::optional<UsbEventKind> parse_usb_event_kind(std::string_view text);

struct UsbEvent {
  std::int64_t id = 0;  // assigned by UsbEventStore::record; increasing, never reused
  TimePoint time;       // when the agent received it (uevents carry no time of their own)
  UsbAction action = UsbAction::add;
  UsbEventKind kind = UsbEventKind::usb_device;
  std::string devpath;  // of the device, disk or partition the event is about
  // The USB device concerned (for a disk: the device it belongs to). bus_path is empty when
  // not known.
  std::string bus_path;
  UsbIdentity identity;
  std::optional<std::string> block_name;  // "sdb" / "sdb1" for disk and partition events
  std::optional<std::uint64_t> seqnum;    // the kernel's SEQNUM, to order and spot gaps
};

}  // namespace shouwei::collectors::usb
