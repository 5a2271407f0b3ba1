#include "shouwei/collectors/usb/windows_pnp.hpp"

#include <algorithm>
#include <charconv>
#include <map>

namespace shouwei::collectors::usb {
namespace {

// Matching of PnP ids is case-insensitive: Windows itself upper-cases some and not others
// ("Disk&Ven_" under USBSTOR, "VID_" under USB).
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

bool equals_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && starts_with_ci(a, b);
}

template <typename T>
std::optional<T> parse_hex(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, 16);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

// The value of "KEY_value" among '&'-separated fields ("VID_0781&PID_5567", key "PID_").
std::optional<std::string_view> field(std::string_view hardware, std::string_view key) {
  for (std::string_view part : split(hardware, '&')) {
    if (starts_with_ci(part, key)) return part.substr(key.size());
  }
  return std::nullopt;
}

std::optional<std::string> underscores_to_spaces(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  std::string out(*text);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f');
}

bool is_usb_device_id(const PnpInstanceId& id) {
  return equals_ci(id.enumerator, "USB") && field(id.hardware, "VID_") &&
         field(id.hardware, "PID_");
}

std::optional<PnpInstanceId> parsed(std::string_view id) {
  auto result = parse_instance_id(id);
  if (!result) return std::nullopt;
  return std::move(*result);
}

Partition partition_from(const PnpPartition& p, const std::string& disk_name) {
  Partition out;
  out.name = disk_name + "-Partition" + std::to_string(p.number);
  out.start_bytes = p.start_bytes;
  out.size_bytes = p.size_bytes;
  out.file_system = FileSystemInfo{p.fs_type, p.label, p.volume_serial};
  return out;
}

BlockDevice block_device_from(const PnpDeviceRecord& disk) {
  BlockDevice out;
  out.name = physical_drive_name(*disk.disk_number);
  out.sysfs_path = disk.instance_id;
  out.size_bytes = disk.disk_size_bytes;
  out.removable = disk.removable;
  out.read_only = disk.read_only;
  if (disk.whole_disk_volume) {
    const auto& v = *disk.whole_disk_volume;
    out.file_system = FileSystemInfo{v.fs_type, v.label, v.volume_serial};
  }
  for (const auto& p : disk.partitions) out.partitions.push_back(partition_from(p, out.name));
  return out;
}

UsbInterface interface_from(const PnpDeviceRecord& node, std::uint8_t number) {
  UsbInterface out;
  out.name = node.instance_id + ":" + std::to_string(number);
  const UsbClassTriple triple = class_from_compatible_ids(node.compatible_ids);
  out.interface_class = triple.cls;
  out.interface_subclass = triple.subclass;
  out.interface_protocol = triple.protocol;
  out.description = node.bus_reported_description;
  out.driver = node.service;
  return out;
}

}  // namespace

Result<PnpInstanceId> parse_instance_id(std::string_view id) {
  if (id.size() > kMaxDeviceIdChars) {
    return fail(Errc::limit_exceeded, "device instance id longer than " +
                                          std::to_string(kMaxDeviceIdChars) + " characters");
  }
  auto parts = split(id, '\\');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    return fail(Errc::parse, "device instance id '" + std::string(id) +
                                 "' is not ENUMERATOR\\HARDWARE\\INSTANCE");
  }
  return PnpInstanceId{std::string(parts[0]), std::string(parts[1]), std::string(parts[2])};
}

std::optional<std::string> instance_id_from_interface_path(std::string_view path) {
  constexpr std::string_view kPrefix = "\\\\?\\";
  if (!path.starts_with(kPrefix) || path.size() > kMaxDeviceIdChars + 100) return std::nullopt;
  path.remove_prefix(kPrefix.size());
  const std::size_t guid = path.rfind("#{");
  if (guid == std::string_view::npos || !path.ends_with('}')) return std::nullopt;
  std::string id(path.substr(0, guid));
  std::replace(id.begin(), id.end(), '#', '\\');
  if (!parse_instance_id(id)) return std::nullopt;
  return id;
}

bool is_generated_instance(std::string_view instance) {
  // "<digits>&<hex>&<digits>..." : the parent's generation, a hash, then port/interface numbers.
  auto parts = split(instance, '&');
  if (parts.size() < 3 || parts[0].empty() || parts[1].empty()) return false;
  if (!std::all_of(parts[0].begin(), parts[0].end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  return std::all_of(parts[1].begin(), parts[1].end(), is_hex_digit);
}

UsbIdentity identity_from_usb_id(const PnpInstanceId& id) {
  UsbIdentity identity;
  if (auto vid = field(id.hardware, "VID_")) identity.vendor_id = parse_hex<std::uint16_t>(*vid);
  if (auto pid = field(id.hardware, "PID_")) identity.product_id = parse_hex<std::uint16_t>(*pid);
  if (!interface_number(id) && !is_generated_instance(id.instance)) identity.serial = id.instance;
  return identity;
}

std::optional<std::uint8_t> interface_number(const PnpInstanceId& id) {
  auto mi = field(id.hardware, "MI_");
  if (!mi) return std::nullopt;
  return parse_hex<std::uint8_t>(*mi);
}

StorageHardwareId parse_storage_hardware_id(std::string_view hardware) {
  StorageHardwareId out;
  auto parts = split(hardware, '&');
  if (!parts.empty() && !parts[0].empty() && parts[0].find('_') == std::string_view::npos) {
    out.type = std::string(parts[0]);
  }
  out.vendor = underscores_to_spaces(field(hardware, "Ven_"));
  out.product = underscores_to_spaces(field(hardware, "Prod_"));
  if (auto rev = field(hardware, "Rev_"); rev && !rev->empty()) out.revision = std::string(*rev);
  return out;
}

std::optional<std::string> storage_instance_serial(std::string_view instance) {
  if (instance.empty() || is_generated_instance(instance)) return std::nullopt;
  // The last "&<digits>" is the logical unit number USBSTOR appends.
  const std::size_t amp = instance.rfind('&');
  if (amp != std::string_view::npos && amp + 1 < instance.size() &&
      std::all_of(instance.begin() + static_cast<std::ptrdiff_t>(amp) + 1, instance.end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    instance = instance.substr(0, amp);
  }
  if (instance.empty()) return std::nullopt;
  return std::string(instance);
}

UsbClassTriple class_from_compatible_ids(std::span<const std::string> compatible_ids) {
  UsbClassTriple best;
  int best_fields = 0;
  for (const auto& id : compatible_ids) {
    if (!starts_with_ci(id, "USB\\")) continue;
    const std::string_view rest = std::string_view(id).substr(4);
    UsbClassTriple t;
    if (auto c = field(rest, "Class_")) t.cls = parse_hex<std::uint8_t>(*c);
    if (auto s = field(rest, "SubClass_")) t.subclass = parse_hex<std::uint8_t>(*s);
    if (auto p = field(rest, "Prot_")) t.protocol = parse_hex<std::uint8_t>(*p);
    const int fields =
        int{t.cls.has_value()} + int{t.subclass.has_value()} + int{t.protocol.has_value()};
    if (t.cls && fields > best_fields) {
      best = t;
      best_fields = fields;
    }
  }
  return best;
}

std::optional<TimePoint> time_from_filetime(std::uint64_t ticks) {
  // 100 ns ticks from 1601-01-01 to 1970-01-01.
  constexpr std::uint64_t kUnixEpochTicks = 116'444'736'000'000'000ULL;
  constexpr std::int64_t k1980 = 315'532'800;    // 1980-01-01 UTC
  constexpr std::int64_t k2200 = 7'258'118'400;  // 2200-01-01 UTC
  if (ticks <= kUnixEpochTicks) return std::nullopt;
  const std::uint64_t since_unix = ticks - kUnixEpochTicks;
  const auto seconds = static_cast<std::int64_t>(since_unix / 10'000'000ULL);
  if (seconds < k1980 || seconds >= k2200) return std::nullopt;
  const auto micros = static_cast<std::int64_t>((since_unix % 10'000'000ULL) / 10ULL);
  return TimePoint(std::chrono::seconds(seconds)) +
         std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(micros));
}

std::string physical_drive_name(std::uint32_t disk_number) {
  return "PhysicalDrive" + std::to_string(disk_number);
}

std::vector<UsbDevice> assemble_usb_devices(std::span<const PnpDeviceRecord> records) {
  // Index by upper-cased id: parents are named the way CM_Get_Device_ID spells them, but a
  // fixture or another API may differ in case.
  auto key_of = [](std::string_view id) {
    std::string k(id);
    for (char& c : k) c = static_cast<char>(lower(c));
    return k;
  };
  std::map<std::string, const PnpDeviceRecord*> by_id;
  for (const auto& r : records) by_id.emplace(key_of(r.instance_id), &r);

  // The USB device a node belongs to: itself or its nearest "USB\VID_" ancestor that is not a
  // composite interface. Bounded walk: a malformed parent chain must not loop.
  auto owner_of = [&](const PnpDeviceRecord& node) -> const PnpDeviceRecord* {
    const PnpDeviceRecord* current = &node;
    for (std::size_t hops = 0; current != nullptr && hops < 32; ++hops) {
      if (auto id = parsed(current->instance_id);
          id && is_usb_device_id(*id) && !interface_number(*id))
        return current;
      auto it = by_id.find(key_of(current->parent_id));
      current = it == by_id.end() ? nullptr : it->second;
    }
    return nullptr;
  };

  std::map<const PnpDeviceRecord*, UsbDevice> devices;
  for (const auto& r : records) {
    auto id = parsed(r.instance_id);
    if (!id || !is_usb_device_id(*id) || interface_number(*id)) continue;
    UsbDevice d;
    d.bus_path = r.location_info.value_or("");
    d.sysfs_path = r.instance_id;
    d.identity = identity_from_usb_id(*id);
    d.identity.manufacturer = r.manufacturer;
    d.identity.product = r.bus_reported_description;
    const UsbClassTriple triple = class_from_compatible_ids(r.compatible_ids);
    d.device_class = triple.cls;
    d.device_subclass = triple.subclass;
    d.device_protocol = triple.protocol;
    d.authorized = r.problem_code != kProblemDisabled;
    devices.emplace(&r, std::move(d));
  }

  for (const auto& r : records) {
    auto id = parsed(r.instance_id);
    if (!id) continue;
    const PnpDeviceRecord* owner = owner_of(r);
    if (owner == nullptr) continue;
    auto it = devices.find(owner);
    if (it == devices.end()) continue;
    UsbDevice& device = it->second;
    if (auto mi = interface_number(*id); mi && is_usb_device_id(*id)) {
      device.interfaces.push_back(interface_from(r, *mi));
    } else if (r.disk_number) {
      device.block_devices.push_back(block_device_from(r));
    }
  }

  std::vector<UsbDevice> out;
  for (auto& [record, device] : devices) {
    // A device that is not composite is its own (single) interface: its compatible ids carry
    // the interface class Windows matched the driver on.
    if (device.interfaces.empty()) device.interfaces.push_back(interface_from(*record, 0));
    std::sort(device.interfaces.begin(), device.interfaces.end(),
              [](const UsbInterface& a, const UsbInterface& b) { return a.name < b.name; });
    std::sort(device.block_devices.begin(), device.block_devices.end(),
              [](const BlockDevice& a, const BlockDevice& b) { return a.name < b.name; });
    out.push_back(std::move(device));
  }
  std::sort(out.begin(), out.end(), [](const UsbDevice& a, const UsbDevice& b) {
    return std::tie(a.bus_path, a.sysfs_path) < std::tie(b.bus_path, b.sysfs_path);
  });
  return out;
}

Uevent uevent_for_usb_device(UsbAction action, std::string_view instance_id) {
  Uevent u;
  u.action = std::string(to_string(action));
  u.devpath = "/" + std::string(instance_id);
  u.properties = {{"ACTION", u.action},
                  {"DEVPATH", u.devpath},
                  {"SUBSYSTEM", "usb"},
                  {"DEVTYPE", "usb_device"}};
  if (auto id = parsed(instance_id)) {
    const UsbIdentity identity = identity_from_usb_id(*id);
    if (identity.vendor_id && identity.product_id) {
      // The kernel's PRODUCT format: hex without leading zeros, then bcdDevice (unknown: 0).
      char buffer[32];
      auto hex = [&](std::uint16_t v) {
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v, 16);
        (void)ec;
        return std::string(buffer, end);
      };
      u.properties.emplace_back("PRODUCT",
                                hex(*identity.vendor_id) + "/" + hex(*identity.product_id) + "/0");
    }
  }
  return u;
}

Uevent uevent_for_disk(UsbAction action, std::string_view usb_instance_id,
                       std::string_view disk_instance_id, std::optional<std::string> disk_name) {
  Uevent u;
  u.action = std::string(to_string(action));
  u.devpath = "/" + std::string(usb_instance_id) + "/" + std::string(disk_instance_id);
  u.properties = {
      {"ACTION", u.action}, {"DEVPATH", u.devpath}, {"SUBSYSTEM", "block"}, {"DEVTYPE", "disk"}};
  if (disk_name) u.properties.emplace_back("DEVNAME", std::move(*disk_name));
  return u;
}

std::optional<UsbHistoryEntry> history_entry_from(const EnumKeyValues& key) {
  auto id = parse_instance_id(key.enumerator + "\\" + key.hardware + "\\" + key.instance);
  if (!id) return std::nullopt;
  UsbHistoryEntry e;
  e.instance_id = id->text();
  if (equals_ci(key.enumerator, "USBSTOR")) {
    e.source = "USBSTOR";
    const StorageHardwareId hw = parse_storage_hardware_id(key.hardware);
    e.identity.manufacturer = hw.vendor;
    e.identity.product = hw.product;
    e.identity.serial = storage_instance_serial(key.instance);
    e.revision = hw.revision;
  } else if (equals_ci(key.enumerator, "USB")) {
    if (starts_with_ci(key.hardware, "ROOT_HUB")) return std::nullopt;
    if (!is_usb_device_id(*id)) return std::nullopt;
    e.source = "USB";
    e.identity = identity_from_usb_id(*id);
    e.identity.manufacturer = key.manufacturer;
  } else {
    return std::nullopt;
  }
  e.friendly_name = key.friendly_name;
  e.service = key.service;
  auto time_of = [](const std::optional<std::uint64_t>& ft) -> std::optional<TimePoint> {
    return ft ? time_from_filetime(*ft) : std::nullopt;
  };
  e.first_install = time_of(key.first_install_filetime);
  e.last_arrival = time_of(key.last_arrival_filetime);
  e.last_removal = time_of(key.last_removal_filetime);
  return e;
}

std::optional<std::uint64_t> filetime_from_property_bytes(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  }
  return value;
}

}  // namespace shouwei::collectors::usb
