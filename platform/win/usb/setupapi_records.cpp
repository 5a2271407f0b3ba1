// Present USB devices and their disks from SetupAPI and CfgMgr32, as PnpDeviceRecords for the
// portable assembly (collectors/usb/windows_pnp). Only property reads and query IOCTLs (no
// access rights to the medium): listing devices never touches a stick's data.
//
// Disks are matched to their device node through the disk interface's SP_DEVINFO_DATA; volumes
// to partitions through IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS (disk number + starting offset).
//
// Not sorted: <windows.h> first (the others use its types), then <initguid.h> so that
// <devpkey.h> defines the DEVPKEY_* constants here instead of only declaring them.
// clang-format off
#include <windows.h>
#include <initguid.h>
#include <cfgmgr32.h>
#include <devpkey.h>
#include <setupapi.h>
#include <winioctl.h>
// clang-format on

#include <map>

#include "shouwei/platform/win/handle.hpp"
#include "shouwei/platform/win/usb_win.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::platform::win_usb {
namespace {

namespace usb = collectors::usb;

// GUID_DEVINTERFACE_DISK {53f56307-b6bf-11d0-94f2-00a0c91efb8b} (ntddstor.h), spelled out so
// this file does not depend on which header mingw defines it in.
constexpr GUID kDiskInterface = {
    0x53f56307, 0xb6bf, 0x11d0, {0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b}};
// IOCTL_DISK_GET_DISK_ATTRIBUTES (winioctl.h of the Windows SDK; not in mingw's headers).
constexpr DWORD kIoctlGetDiskAttributes = 0x000700F0;
constexpr std::uint64_t kDiskAttributeReadOnly = 0x2;
struct GetDiskAttributes {
  DWORD Version;
  DWORD Reserved1;
  DWORDLONG Attributes;
};

class DevInfoSet {
 public:
  explicit DevInfoSet(HDEVINFO set) : set_(set) {}
  DevInfoSet(const DevInfoSet&) = delete;
  DevInfoSet& operator=(const DevInfoSet&) = delete;
  ~DevInfoSet() {
    if (valid()) ::SetupDiDestroyDeviceInfoList(set_);
  }
  bool valid() const { return set_ != INVALID_HANDLE_VALUE; }
  HDEVINFO get() const { return set_; }

 private:
  HDEVINFO set_;
};

std::optional<std::string> device_id_of(DEVINST node) {
  wchar_t buffer[MAX_DEVICE_ID_LEN + 1] = {};
  if (::CM_Get_Device_IDW(node, buffer, MAX_DEVICE_ID_LEN, 0) != CR_SUCCESS) return std::nullopt;
  return win::to_utf8_lossy(buffer);
}

// A DEVPROP_TYPE_STRING or DEVPROP_TYPE_STRING_LIST property as UTF-16 (lists NUL-separated).
std::optional<std::wstring> raw_property(HDEVINFO set, SP_DEVINFO_DATA& data, const DEVPROPKEY& key,
                                         DEVPROPTYPE expected) {
  DEVPROPTYPE type = 0;
  DWORD required = 0;
  ::SetupDiGetDevicePropertyW(set, &data, &key, &type, nullptr, 0, &required, 0);
  if (required == 0 || required > 64 * 1024 || type != expected) return std::nullopt;
  std::wstring buffer(required / sizeof(wchar_t) + 1, L'\0');
  if (!::SetupDiGetDevicePropertyW(set, &data, &key, &type, reinterpret_cast<PBYTE>(buffer.data()),
                                   required, nullptr, 0)) {
    return std::nullopt;
  }
  return buffer;
}

std::optional<std::string> string_property(HDEVINFO set, SP_DEVINFO_DATA& data,
                                           const DEVPROPKEY& key) {
  auto raw = raw_property(set, data, key, DEVPROP_TYPE_STRING);
  if (!raw) return std::nullopt;
  return win::to_utf8_lossy(raw->c_str());
}

std::vector<std::string> string_list_property(HDEVINFO set, SP_DEVINFO_DATA& data,
                                              const DEVPROPKEY& key) {
  std::vector<std::string> out;
  auto raw = raw_property(set, data, key, DEVPROP_TYPE_STRING_LIST);
  if (!raw) return out;
  for (std::size_t at = 0; at < raw->size() && (*raw)[at] != L'\0';) {
    const std::size_t end = raw->find(L'\0', at);
    out.push_back(win::to_utf8_lossy(std::wstring_view(*raw).substr(at, end - at)));
    if (end == std::wstring::npos) break;
    at = end + 1;
  }
  return out;
}

bool wanted_enumerator(std::string_view id) {
  for (std::string_view e : {"USB\\", "USBSTOR\\", "SCSI\\"}) {
    if (id.size() >= e.size() && ::_strnicmp(id.data(), e.data(), e.size()) == 0) return true;
  }
  return false;
}

usb::PnpDeviceRecord record_of(HDEVINFO set, SP_DEVINFO_DATA& data, std::string id) {
  usb::PnpDeviceRecord r;
  r.instance_id = std::move(id);
  DEVINST parent = 0;
  if (::CM_Get_Parent(&parent, data.DevInst, 0) == CR_SUCCESS) {
    r.parent_id = device_id_of(parent).value_or("");
  }
  r.manufacturer = string_property(set, data, DEVPKEY_Device_Manufacturer);
  r.bus_reported_description = string_property(set, data, DEVPKEY_Device_BusReportedDeviceDesc);
  r.friendly_name = string_property(set, data, DEVPKEY_Device_FriendlyName);
  r.device_description = string_property(set, data, DEVPKEY_Device_DeviceDesc);
  r.location_info = string_property(set, data, DEVPKEY_Device_LocationInfo);
  r.service = string_property(set, data, DEVPKEY_Device_Service);
  r.compatible_ids = string_list_property(set, data, DEVPKEY_Device_CompatibleIds);
  ULONG status = 0;
  ULONG problem = 0;
  if (::CM_Get_DevNode_Status(&status, &problem, data.DevInst, 0) == CR_SUCCESS &&
      (status & DN_HAS_PROBLEM) != 0) {
    r.problem_code = problem;
  }
  return r;
}

template <typename T>
std::optional<T> query(HANDLE device, DWORD code) {
  T out{};
  DWORD bytes = 0;
  if (!::DeviceIoControl(device, code, nullptr, 0, &out, sizeof out, &bytes, nullptr) ||
      bytes < sizeof out) {
    return std::nullopt;
  }
  return out;
}

// Volume facts keyed by (disk number, starting offset) of their single extent.
struct VolumeFacts {
  std::optional<std::string> fs_type;
  std::optional<std::string> label;
  std::optional<std::string> serial;
};
using VolumeMap = std::map<std::pair<DWORD, std::uint64_t>, VolumeFacts>;

VolumeMap read_volumes() {
  VolumeMap out;
  for (const VolumeOnDisk& v : single_extent_volumes()) {
    VolumeFacts facts;
    wchar_t label[MAX_PATH + 1] = {};
    wchar_t fs[MAX_PATH + 1] = {};
    DWORD serial = 0;
    const std::wstring root = v.device_path + L"\\";
    if (::GetVolumeInformationW(root.c_str(), label, MAX_PATH, &serial, nullptr, nullptr, fs,
                                MAX_PATH)) {
      if (fs[0] != L'\0') facts.fs_type = win::to_utf8_lossy(fs);
      if (label[0] != L'\0') facts.label = win::to_utf8_lossy(label);
      char text[16];
      std::snprintf(text, sizeof text, "%04lX-%04lX", static_cast<unsigned long>(serial >> 16),
                    static_cast<unsigned long>(serial & 0xffff));
      facts.serial = text;
    }
    out[{v.disk_number, v.start_bytes}] = facts;
  }
  return out;
}

void fill_disk(usb::PnpDeviceRecord& r, const std::wstring& interface_path,
               const VolumeMap& volumes) {
  win::UniqueHandle disk(::CreateFileW(interface_path.c_str(), GENERIC_READ,
                                       FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                       0, nullptr));
  if (!disk.valid()) return;
  auto number = query<STORAGE_DEVICE_NUMBER>(disk.get(), IOCTL_STORAGE_GET_DEVICE_NUMBER);
  if (!number) return;
  r.disk_number = number->DeviceNumber;
  if (auto length = query<GET_LENGTH_INFORMATION>(disk.get(), IOCTL_DISK_GET_LENGTH_INFO)) {
    r.disk_size_bytes = static_cast<std::uint64_t>(length->Length.QuadPart);
  }
  if (auto attributes = query<GetDiskAttributes>(disk.get(), kIoctlGetDiskAttributes)) {
    r.read_only = (attributes->Attributes & kDiskAttributeReadOnly) != 0;
  }
  STORAGE_PROPERTY_QUERY ask{};
  ask.PropertyId = StorageDeviceProperty;
  ask.QueryType = PropertyStandardQuery;
  STORAGE_DEVICE_DESCRIPTOR descriptor{};
  DWORD bytes = 0;
  if (::DeviceIoControl(disk.get(), IOCTL_STORAGE_QUERY_PROPERTY, &ask, sizeof ask, &descriptor,
                        sizeof descriptor, &bytes, nullptr) &&
      bytes >= offsetof(STORAGE_DEVICE_DESCRIPTOR, RemovableMedia) + 1) {
    r.removable = descriptor.RemovableMedia != FALSE;
  }
  // Room for 128 partitions (a GPT's usual maximum).
  std::vector<std::byte> layout_buffer(sizeof(DRIVE_LAYOUT_INFORMATION_EX) +
                                       128 * sizeof(PARTITION_INFORMATION_EX));
  if (!::DeviceIoControl(disk.get(), IOCTL_DISK_GET_DRIVE_LAYOUT_EX, nullptr, 0,
                         layout_buffer.data(), static_cast<DWORD>(layout_buffer.size()), &bytes,
                         nullptr)) {
    return;
  }
  const auto* layout = reinterpret_cast<const DRIVE_LAYOUT_INFORMATION_EX*>(layout_buffer.data());
  const DWORD count = std::min<DWORD>(layout->PartitionCount, 128);
  for (DWORD i = 0; i < count; ++i) {
    const PARTITION_INFORMATION_EX& p = layout->PartitionEntry[i];
    if (p.PartitionNumber == 0 || p.PartitionLength.QuadPart == 0) continue;  // unused MBR slot
    usb::PnpPartition part;
    part.number = p.PartitionNumber;
    part.start_bytes = static_cast<std::uint64_t>(p.StartingOffset.QuadPart);
    part.size_bytes = static_cast<std::uint64_t>(p.PartitionLength.QuadPart);
    if (auto it = volumes.find({number->DeviceNumber, *part.start_bytes}); it != volumes.end()) {
      part.fs_type = it->second.fs_type;
      part.label = it->second.label;
      part.volume_serial = it->second.serial;
    }
    r.partitions.push_back(std::move(part));
  }
  // A superfloppy: no table, Windows reports one partition 0 spanning the disk with the volume
  // at offset 0.
  if (r.partitions.empty()) {
    if (auto it = volumes.find({number->DeviceNumber, 0}); it != volumes.end()) {
      r.whole_disk_volume = usb::PnpPartition{
          0, 0, r.disk_size_bytes, it->second.fs_type, it->second.label, it->second.serial};
    }
  }
}

std::optional<std::wstring> interface_path(HDEVINFO set, SP_DEVICE_INTERFACE_DATA& iface,
                                           SP_DEVINFO_DATA& data) {
  DWORD required = 0;
  ::SetupDiGetDeviceInterfaceDetailW(set, &iface, nullptr, 0, &required, nullptr);
  if (required < sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W) || required > 64 * 1024)
    return std::nullopt;
  std::vector<std::byte> buffer(required);
  auto* detail = reinterpret_cast<SP_DEVICE_INTERFACE_DETAIL_DATA_W*>(buffer.data());
  detail->cbSize = sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W);
  if (!::SetupDiGetDeviceInterfaceDetailW(set, &iface, detail, required, nullptr, &data))
    return std::nullopt;
  return std::wstring(detail->DevicePath);
}

class SetupApiRecordSource final : public usb::PnpRecordSource {
 public:
  Result<std::vector<usb::PnpDeviceRecord>> present() override {
    DevInfoSet all(
        ::SetupDiGetClassDevsW(nullptr, nullptr, nullptr, DIGCF_ALLCLASSES | DIGCF_PRESENT));
    if (!all.valid()) return fail(win::last_error("SetupDiGetClassDevsW(DIGCF_ALLCLASSES)"));
    std::vector<usb::PnpDeviceRecord> records;
    std::map<std::string, std::size_t> index;  // instance id -> records position
    SP_DEVINFO_DATA data{};
    data.cbSize = sizeof data;
    for (DWORD i = 0; ::SetupDiEnumDeviceInfo(all.get(), i, &data) && i < 100000; ++i) {
      auto id = device_id_of(data.DevInst);
      if (!id || !wanted_enumerator(*id)) continue;
      index[*id] = records.size();
      records.push_back(record_of(all.get(), data, std::move(*id)));
    }

    DevInfoSet disks(::SetupDiGetClassDevsW(&kDiskInterface, nullptr, nullptr,
                                            DIGCF_PRESENT | DIGCF_DEVICEINTERFACE));
    if (!disks.valid()) return records;  // devices without disk facts are still devices
    const VolumeMap volumes = read_volumes();
    SP_DEVICE_INTERFACE_DATA iface{};
    iface.cbSize = sizeof iface;
    for (DWORD i = 0;
         ::SetupDiEnumDeviceInterfaces(disks.get(), nullptr, &kDiskInterface, i, &iface) &&
         i < 4096;
         ++i) {
      SP_DEVINFO_DATA disk_data{};
      disk_data.cbSize = sizeof disk_data;
      auto path = interface_path(disks.get(), iface, disk_data);
      if (!path) continue;
      auto id = device_id_of(disk_data.DevInst);
      if (!id) continue;
      auto it = index.find(*id);
      if (it == index.end()) continue;  // an internal disk: not below a USB device
      fill_disk(records[it->second], *path, volumes);
    }
    return records;
  }
};

}  // namespace

std::vector<VolumeOnDisk> single_extent_volumes() {
  std::vector<VolumeOnDisk> out;
  wchar_t name[MAX_PATH + 1] = {};
  HANDLE find = ::FindFirstVolumeW(name, MAX_PATH);
  if (find == INVALID_HANDLE_VALUE) return out;
  do {
    std::wstring volume = name;  // "\\?\Volume{guid}\"
    if (volume.empty() || volume.back() != L'\\') continue;
    volume.pop_back();  // the volume device itself, without the trailing backslash
    // No access rights: the extents query needs none, and the volume is not touched.
    win::UniqueHandle handle(::CreateFileW(volume.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                           nullptr, OPEN_EXISTING, 0, nullptr));
    if (!handle.valid()) continue;
    VOLUME_DISK_EXTENTS extents{};
    DWORD bytes = 0;
    if (::DeviceIoControl(handle.get(), IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS, nullptr, 0, &extents,
                          sizeof extents, &bytes, nullptr) &&
        extents.NumberOfDiskExtents == 1) {
      const auto& e = extents.Extents[0];
      out.push_back({volume, static_cast<std::uint32_t>(e.DiskNumber),
                     static_cast<std::uint64_t>(e.StartingOffset.QuadPart)});
    }
  } while (::FindNextVolumeW(find, name, MAX_PATH));
  ::FindVolumeClose(find);
  return out;
}

std::unique_ptr<usb::PnpRecordSource> make_setupapi_record_source() {
  return std::make_unique<SetupApiRecordSource>();
}

std::unique_ptr<usb::UsbBus> make_windows_usb_bus() {
  return usb::make_pnp_usb_bus(make_setupapi_record_source());
}

}  // namespace shouwei::platform::win_usb
