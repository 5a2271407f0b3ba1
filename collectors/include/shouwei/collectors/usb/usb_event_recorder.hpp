// UsbEventRecorder: the glue between the uevent listener and UsbEventStore. It keeps only the
// events that concern USB devices (SUBSYSTEM=usb, DEVTYPE=usb_device) and their disks and
// partitions (SUBSYSTEM=block below a USB device), with the device's identity.
//
// The identity is read from the bus when a device is added, because by the time "remove"
// arrives the sysfs directory is gone; identities are cached by devpath for that. prime() fills
// the cache with the devices present at agent start, so unplugging one of those is recorded
// with its identity too. When the bus cannot tell (the device vanished between the uevent and
// the read), vendor and product id come from the uevent's PRODUCT property.
//
// Not thread-safe: call it from the thread that runs the listener's io_context.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "shouwei/collectors/usb/uevent.hpp"
#include "shouwei/collectors/usb/usb_bus.hpp"
#include "shouwei/collectors/usb/usb_event.hpp"
#include "shouwei/collectors/usb/usb_event_store.hpp"
#include "shouwei/common/clock.hpp"

namespace shouwei::collectors::usb {

class UsbEventRecorder {
 public:
  // REQUIRES: bus, store and clock outlive the recorder.
  UsbEventRecorder(UsbBus& bus, UsbEventStore& store, const Clock& clock)
      : bus_(bus), store_(store), clock_(clock) {}

  // Remembers the identities of devices already present.
  void prime(const std::vector<UsbDevice>& devices);

  // Turns the uevent into a stored event. Returns the stored event (with its id), nullopt when
  // the uevent is not about USB devices or their disks. Fails only when the store fails.
  Result<std::optional<UsbEvent>> handle(const Uevent& uevent);

  // Number of devpaths whose identity is remembered (bounded by what is plugged in: entries
  // are dropped on remove).
  std::size_t cached() const { return cache_.size(); }

 private:
  struct CacheEntry {
    std::string bus_path;
    UsbIdentity identity;
  };
  std::optional<UsbEvent> usb_device_event(const Uevent& uevent, UsbAction action);
  std::optional<UsbEvent> block_event(const Uevent& uevent, UsbAction action, UsbEventKind kind);
  // The cache entry of the USB device devpath belongs to (itself or nearest ancestor), looking
  // the bus up and caching when not yet known; nullptr when none is a USB device.
  const CacheEntry* owner_of(const std::string& devpath, bool may_look_up);

  UsbBus& bus_;
  UsbEventStore& store_;
  const Clock& clock_;
  std::map<std::string, CacheEntry, std::less<>> cache_;  // by devpath
};

// Vendor and product id from a usb_device uevent's PRODUCT property ("781/5567/100": hex
// without leading zeros, the last part bcdDevice); nullopt fields when absent or malformed.
UsbIdentity identity_from_product_property(const Uevent& uevent);

}  // namespace shouwei::collectors::usb
