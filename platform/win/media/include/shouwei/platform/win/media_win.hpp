// The Windows side of the media gate: raw disk access to \\.\PhysicalDriveN with sector-aligned
// reads (a disk opened without buffering accepts only whole, aligned sectors), the opener that
// maps a BlockDevice name ("PhysicalDrive2", collectors/usb/windows_pnp) to its raw path, the
// DeviceGate acting through CfgMgr32 (disable the device node) and the disk IOCTLs (read-only
// and online attributes), and `media scan` for Windows. docs/media-gate-windows.md says how
// the decision relates to Windows mounting the volume and what Wine cannot exercise.
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>

#include "shouwei/collectors/media/device_gate.hpp"
#include "shouwei/collectors/media/media_rules.hpp"
#include "shouwei/collectors/media/raw_device.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/root_fs.hpp"
#include "shouwei/common/zone.hpp"

namespace shouwei::platform::win_media {

// Sector size assumed for image files (and for disks that do not answer the geometry IOCTL).
inline constexpr std::uint32_t kDefaultSectorBytes = 512;

// Opens a whole disk ("\\\\.\\PhysicalDrive2") or a regular disk image file. Every read is
// widened to whole sectors at sector-aligned offsets into an aligned buffer, for disks and
// images alike (so the image tests exercise the disk path's arithmetic). Anything else (a
// directory, a volume or pipe that is neither) fails naming the path and the call.
Result<std::unique_ptr<collectors::media::RawDevice>> open_raw_disk(
    const std::filesystem::path& path, bool writable);

// Opens <directory>\<disk_name> read-only, where disk_name must be "PhysicalDrive<number>"
// (anything else fails with Errc::invalid_argument, so a hostile name cannot reach another
// path). The default directory is the device namespace "\\\\.\\"; tests pass a directory of
// image files.
std::unique_ptr<collectors::media::RawDeviceOpener> make_physical_drive_opener(
    std::filesystem::path directory = L"\\\\.\\");

// When the disk <disk_directory>\<disk.name> is offline (DISK_ATTRIBUTE_OFFLINE, e.g. held so by
// SAN policy until the gate decided), brings it online (not persisted); otherwise does nothing.
// The gate's release step.
Result<void> bring_disk_online(const std::filesystem::path& disk_directory,
                               const collectors::usb::BlockDevice& disk);

// deauthorize: CM_Locate_DevNodeW(device instance id) + CM_Disable_DevNode(CM_DISABLE_PERSIST |
// CM_DISABLE_UI_NOT_OK): the device stays disabled across re-plugs and reboots until someone
// enables it (the agent never does). set_read_only: IOCTL_DISK_SET_DISK_ATTRIBUTES with
// DISK_ATTRIBUTE_READ_ONLY (not persisted), IOCTL_DISK_UPDATE_PROPERTIES, then
// FSCTL_DISMOUNT_VOLUME on every volume of the disk (remounted read-only on next use; a volume
// that cannot be dismounted fails the step, so the gate blocks instead). release:
// bring_disk_online.
// Errors name the call, the device and the CONFIGRET or Win32 code. `disk_directory` as for
// make_physical_drive_opener.
std::unique_ptr<collectors::media::DeviceGate> make_windows_device_gate(
    std::filesystem::path disk_directory = L"\\\\.\\");

// `shouwei-agent media scan [--apply]` on Windows (see collectors/platform_ports.hpp).
int run_media_scan(const RootFs& root, Zone zone, const PublicKey* media_key,
                   const collectors::media::MediaRules& rules, bool apply, std::ostream& out);

}  // namespace shouwei::platform::win_media
