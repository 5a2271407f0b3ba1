#include "shouwei/collectors/usb/usb_event_recorder.hpp"

#include <charconv>

namespace shouwei::collectors::usb {
namespace {

template <typename T>
std::optional<T> parse_number(std::string_view text, int base) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::string_view last_component(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view parent_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos || slash == 0 ? std::string_view() : path.substr(0, slash);
}

// Fills the vendor/product ids the bus could not provide from the uevent itself.
void complete_from_uevent(UsbIdentity& identity, const Uevent& uevent) {
  const UsbIdentity from_uevent = identity_from_product_property(uevent);
  if (!identity.vendor_id) identity.vendor_id = from_uevent.vendor_id;
  if (!identity.product_id) identity.product_id = from_uevent.product_id;
}

}  // namespace

UsbIdentity identity_from_product_property(const Uevent& uevent) {
  UsbIdentity identity;
  auto product = uevent.get("PRODUCT");
  if (!product) return identity;
  const std::size_t first = product->find('/');
  if (first == std::string_view::npos) return identity;
  const std::size_t second = product->find('/', first + 1);
  if (second == std::string_view::npos) return identity;
  identity.vendor_id = parse_number<std::uint16_t>(product->substr(0, first), 16);
  identity.product_id =
      parse_number<std::uint16_t>(product->substr(first + 1, second - first - 1), 16);
  return identity;
}

void UsbEventRecorder::prime(const std::vector<UsbDevice>& devices) {
  for (const auto& d : devices) {
    const std::string devpath = devpath_of(d);
    if (!devpath.empty()) cache_[devpath] = CacheEntry{d.bus_path, d.identity};
  }
}

Result<std::optional<UsbEvent>> UsbEventRecorder::handle(const Uevent& uevent) {
  const auto action = parse_usb_action(uevent.action);
  if (!action) return std::optional<UsbEvent>();  // bind/unbind/move/online/offline
  const auto subsystem = uevent.get("SUBSYSTEM");
  const auto devtype = uevent.get("DEVTYPE");
  std::optional<UsbEvent> event;
  if (subsystem == "usb" && devtype == "usb_device") {
    event = usb_device_event(uevent, *action);
  } else if (subsystem == "block" && devtype == "disk") {
    event = block_event(uevent, *action, UsbEventKind::disk);
  } else if (subsystem == "block" && devtype == "partition") {
    event = block_event(uevent, *action, UsbEventKind::partition);
  }
  if (!event) return event;
  event->time = clock_.now();
  if (auto seqnum = uevent.get("SEQNUM")) event->seqnum = parse_number<std::uint64_t>(*seqnum, 10);
  SHOUWEI_TRY(const std::int64_t id, store_.record(*event));
  event->id = id;
  return event;
}

std::optional<UsbEvent> UsbEventRecorder::usb_device_event(const Uevent& uevent, UsbAction action) {
  UsbEvent event;
  event.action = action;
  event.kind = UsbEventKind::usb_device;
  event.devpath = uevent.devpath;
  event.bus_path = std::string(last_component(uevent.devpath));
  if (action != UsbAction::remove) {
    if (auto device = bus_.device_at(uevent.devpath); device.ok()) {
      cache_[uevent.devpath] = CacheEntry{device->bus_path, device->identity};
    }
  }
  if (auto it = cache_.find(uevent.devpath); it != cache_.end()) {
    event.bus_path = it->second.bus_path;
    event.identity = it->second.identity;
    // The devpath is free again once the device is gone; the next device there is another one.
    if (action == UsbAction::remove) cache_.erase(it);
  }
  complete_from_uevent(event.identity, uevent);
  return event;
}

std::optional<UsbEvent> UsbEventRecorder::block_event(const Uevent& uevent, UsbAction action,
                                                      UsbEventKind kind) {
  // On remove the USB device may already be gone from sysfs: only the cache can tell.
  const CacheEntry* owner = owner_of(uevent.devpath, action != UsbAction::remove);
  if (owner == nullptr) return std::nullopt;  // not below a USB device (vda, loop0, nvme0n1)
  UsbEvent event;
  event.action = action;
  event.kind = kind;
  event.devpath = uevent.devpath;
  event.bus_path = owner->bus_path;
  event.identity = owner->identity;
  auto devname = uevent.get("DEVNAME");
  event.block_name =
      std::string(devname ? last_component(*devname) : last_component(uevent.devpath));
  return event;
}

const UsbEventRecorder::CacheEntry* UsbEventRecorder::owner_of(const std::string& devpath,
                                                               bool may_look_up) {
  // Nearest ancestor first, so a stick behind a hub is attributed to the stick, not the hub.
  for (std::string_view p = parent_of(devpath); !p.empty(); p = parent_of(p)) {
    if (auto it = cache_.find(p); it != cache_.end()) return &it->second;
    if (!may_look_up) continue;
    if (auto device = bus_.device_at(p); device.ok()) {
      auto it =
          cache_.insert_or_assign(std::string(p), CacheEntry{device->bus_path, device->identity})
              .first;
      return &it->second;
    }
  }
  return nullptr;
}

}  // namespace shouwei::collectors::usb
