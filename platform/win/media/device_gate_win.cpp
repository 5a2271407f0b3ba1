// The Windows DeviceGate. Blocking disables the USB device's node in the PnP manager (as
// Device Manager's "Disable device" does): its drivers unload, the disk and volumes vanish,
// and with CM_DISABLE_PERSIST the node stays disabled across re-plugs and reboots. Read-only
// is the disk driver's attribute (disk.sys refuses every write to the disk while it is set,
// whatever the file system asks). Release brings a disk online that SAN policy kept offline.
// docs/media-gate-windows.md explains where this stands against Windows mounting the volume.
//
// Not sorted: <windows.h> first (the others use its types).
// clang-format off
#include <windows.h>
#include <cfgmgr32.h>
#include <winioctl.h>
// clang-format on

#include "disk_path.hpp"
#include "shouwei/os/utf8_path.hpp"
#include "shouwei/platform/win/handle.hpp"
#include "shouwei/platform/win/media_win.hpp"
#include "shouwei/platform/win/usb_win.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::platform::win_media {
namespace {

namespace fs = std::filesystem;
namespace usb = collectors::usb;
namespace media = collectors::media;

// IOCTL_DISK_GET_DISK_ATTRIBUTES / IOCTL_DISK_SET_DISK_ATTRIBUTES and their structures
// (winioctl.h of the Windows SDK, Windows 7+; absent from mingw-w64's headers).
constexpr DWORD kIoctlGetDiskAttributes = 0x000700F0;  // CTL_CODE(7, 0x3c, BUFFERED, ANY)
constexpr DWORD kIoctlSetDiskAttributes = 0x0007C0F4;  // CTL_CODE(7, 0x3d, BUFFERED, R|W)
constexpr DWORDLONG kDiskAttributeOffline = 0x1;
constexpr DWORDLONG kDiskAttributeReadOnly = 0x2;

struct GetDiskAttributes {
  DWORD version;
  DWORD reserved1;
  DWORDLONG attributes;
};
struct SetDiskAttributes {
  DWORD version;
  BOOLEAN persist;
  BYTE reserved1[3];
  DWORDLONG attributes;
  DWORDLONG attributes_mask;
  DWORD reserved2[4];
};
static_assert(sizeof(GetDiskAttributes) == 16 && sizeof(SetDiskAttributes) == 40,
              "layouts of GET_DISK_ATTRIBUTES / SET_DISK_ATTRIBUTES");

Errc errc_of(CONFIGRET rc) {
  switch (rc) {
    case CR_NO_SUCH_DEVNODE:  // = CR_NO_SUCH_DEVINST
      return Errc::not_found;
    case CR_ACCESS_DENIED:
      return Errc::permission_denied;
    case CR_CALL_NOT_IMPLEMENTED:
      return Errc::unsupported;
    default:
      return Errc::io;
  }
}

Error configret_error(CONFIGRET rc, const std::string& what) {
  return Error{errc_of(rc), what + " failed (CONFIGRET " + std::to_string(rc) + ")"};
}

Result<win::UniqueHandle> open_disk(const fs::path& directory, const usb::BlockDevice& disk) {
  SHOUWEI_TRY(const fs::path path, physical_drive_path(directory, disk.name));
  win::UniqueHandle handle(::CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE,
                                         FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                         FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!handle.valid()) return fail(win::last_error("CreateFileW " + path_to_utf8(path)));
  return handle;
}

Result<void> set_attributes(HANDLE handle, const usb::BlockDevice& disk, DWORDLONG attributes,
                            DWORDLONG mask, const char* purpose) {
  SetDiskAttributes request{};
  request.version = sizeof(request);
  request.persist = FALSE;
  request.attributes = attributes;
  request.attributes_mask = mask;
  DWORD returned = 0;
  if (!::DeviceIoControl(handle, kIoctlSetDiskAttributes, &request, sizeof(request), nullptr, 0,
                         &returned, nullptr)) {
    return fail(win::last_error(std::string("IOCTL_DISK_SET_DISK_ATTRIBUTES (") + purpose + ") " +
                                disk.name));
  }
  return {};
}

// A file system mounted before the disk became read-only keeps writable state (its cache, its
// dirty flag); dismounting makes the next access mount it anew, on the read-only disk. A volume
// that cannot be dismounted fails the read-only step, and the gate blocks the device instead.
Result<void> dismount_volumes(const usb::BlockDevice& disk) {
  const std::optional<std::uint32_t> number = physical_drive_number(disk.name);
  if (!number) return fail(Errc::invalid_argument, disk.name + ": not PhysicalDrive<number>");
  for (const auto& volume : platform::win_usb::single_extent_volumes()) {
    if (volume.disk_number != *number) continue;
    const std::string shown = win::to_utf8_lossy(volume.device_path) + " on " + disk.name;
    win::UniqueHandle handle(::CreateFileW(volume.device_path.c_str(), GENERIC_READ | GENERIC_WRITE,
                                           FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!handle.valid()) return fail(win::last_error("CreateFileW " + shown));
    DWORD returned = 0;
    if (!::DeviceIoControl(handle.get(), FSCTL_DISMOUNT_VOLUME, nullptr, 0, nullptr, 0, &returned,
                           nullptr)) {
      return fail(win::last_error("FSCTL_DISMOUNT_VOLUME " + shown));
    }
  }
  return {};
}

class WindowsDeviceGate final : public media::DeviceGate {
 public:
  explicit WindowsDeviceGate(fs::path disk_directory)
      : disk_directory_(std::move(disk_directory)) {}

  // device.sysfs_path holds the USB device's PnP instance id (collectors/usb/windows_pnp).
  Result<void> deauthorize(const usb::UsbDevice& device) override {
    if (device.sysfs_path.empty()) return fail(Errc::not_found, "device without an instance id");
    SHOUWEI_TRY(std::wstring id, win::to_wide(device.sysfs_path, "device instance id"));
    DEVINST node = 0;
    CONFIGRET rc = ::CM_Locate_DevNodeW(&node, id.data(), CM_LOCATE_DEVNODE_NORMAL);
    if (rc != CR_SUCCESS)
      return fail(configret_error(rc, "CM_Locate_DevNodeW " + device.sysfs_path));
    rc = ::CM_Disable_DevNode(node, CM_DISABLE_PERSIST | CM_DISABLE_UI_NOT_OK);
    if (rc != CR_SUCCESS)
      return fail(configret_error(rc, "CM_Disable_DevNode " + device.sysfs_path));
    return {};
  }

  // Not persisted: the attribute lasts until the disk goes away, and a re-plug is decided anew.
  Result<void> set_read_only(const usb::BlockDevice& disk) override {
    SHOUWEI_TRY(win::UniqueHandle handle, open_disk(disk_directory_, disk));
    SHOUWEI_TRY_VOID(set_attributes(handle.get(), disk, kDiskAttributeReadOnly,
                                    kDiskAttributeReadOnly, "set read-only"));
    // Makes the partition manager re-read the disk; the attribute is in force without it, so a
    // failure here is not a failure of the gate.
    DWORD returned = 0;
    ::DeviceIoControl(handle.get(), IOCTL_DISK_UPDATE_PROPERTIES, nullptr, 0, nullptr, 0, &returned,
                      nullptr);
    return dismount_volumes(disk);
  }

  // Allow and read-only are in force already; what is left is to let Windows mount the disk.
  Result<void> release(const usb::BlockDevice& disk, media::MediaAction,
                       media::EnforcementMode) override {
    return bring_disk_online(disk_directory_, disk);
  }

 private:
  fs::path disk_directory_;
};

}  // namespace

Result<void> bring_disk_online(const fs::path& disk_directory, const usb::BlockDevice& disk) {
  SHOUWEI_TRY(win::UniqueHandle handle, open_disk(disk_directory, disk));
  GetDiskAttributes current{};
  DWORD returned = 0;
  if (!::DeviceIoControl(handle.get(), kIoctlGetDiskAttributes, nullptr, 0, &current,
                         sizeof(current), &returned, nullptr)) {
    return fail(win::last_error("IOCTL_DISK_GET_DISK_ATTRIBUTES " + disk.name));
  }
  if ((current.attributes & kDiskAttributeOffline) == 0) return {};
  return set_attributes(handle.get(), disk, 0, kDiskAttributeOffline, "bring online");
}

std::unique_ptr<media::DeviceGate> make_windows_device_gate(fs::path disk_directory) {
  return std::make_unique<WindowsDeviceGate>(std::move(disk_directory));
}

}  // namespace shouwei::platform::win_media
