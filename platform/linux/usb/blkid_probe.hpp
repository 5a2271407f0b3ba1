// File-system identification of a raw disk or partition with libblkid (the library behind
// blkid(8) and udev), reading only superblocks: no mount, no write.
#pragma once

#include <cstdint>
#include <filesystem>

#include "shouwei/collectors/usb/usb_device.hpp"

namespace shouwei::platform::linux_usb {

// Probes the bytes [offset, offset + size) of the file or device at path (size 0: to its end).
// All fields null when it cannot be opened, holds no recognised file system, or holds
// ambiguous signatures (blkid refuses to guess between two; so do we).
collectors::usb::FileSystemInfo probe_file_system(const std::filesystem::path& path,
                                                  std::uint64_t offset = 0, std::uint64_t size = 0);

}  // namespace shouwei::platform::linux_usb
