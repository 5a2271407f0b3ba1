// The Linux side of the media gate: raw disk access (pread/pwrite/fsync, BLKGETSIZE64), the
// opener that maps a disk name to <root>/dev/<name>, and the DeviceGate acting through sysfs
// `authorized` and the BLKROSET ioctl. Every path is resolved under a RootFs, so a fixture tree
// (sysfs files and disk images) behaves like the live system.
#pragma once

#include <filesystem>
#include <memory>

#include "shouwei/collectors/media/device_gate.hpp"
#include "shouwei/collectors/media/raw_device.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::platform::linux_media {

// Opens a block device or a regular (image) file. Anything else (a directory, a character
// device, a FIFO) fails with Errc::unsupported naming the path; OS errors name path and call.
Result<std::unique_ptr<collectors::media::RawDevice>> open_raw_device(
    const std::filesystem::path& path, bool writable);

// Opens <root>/dev/<disk_name> read-only. REQUIRES: root outlives the opener.
std::unique_ptr<collectors::media::RawDeviceOpener> make_root_device_opener(const RootFs& root);

// deauthorize: writes "0" to <root><sysfs_path>/authorized. set_read_only: BLKROSET on
// <root>/dev/<disk> and on each partition node that exists (a regular file, as in a fixture
// tree, fails with Errc::unsupported: only the block layer can make a disk read-only).
// REQUIRES: root outlives the gate.
std::unique_ptr<collectors::media::DeviceGate> make_linux_device_gate(const RootFs& root);

}  // namespace shouwei::platform::linux_media
