// RawDevice: byte access to a whole disk (a USB stick's /dev/sdX) or to a disk image file, for
// reading and writing media tags before any file system is mounted. Linux implements it in
// platform/linux/media (pread/pwrite/fsync, BLKGETSIZE64); tests may use image files through
// the same implementation. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "shouwei/common/result.hpp"

namespace shouwei::collectors::media {

class RawDevice {
 public:
  virtual ~RawDevice() = default;

  // The path the device was opened at, for messages.
  virtual const std::string& path() const = 0;
  // True for a block device, false for a regular (image) file.
  virtual bool is_block_device() const = 0;
  // Size in bytes (BLKGETSIZE64 for a block device, the file size for an image).
  virtual Result<std::uint64_t> size() = 0;
  // Up to n bytes at offset; fewer only when the device ends first. Errors name the path.
  virtual Result<std::string> read_at(std::uint64_t offset, std::size_t n) = 0;
  // Writes all of bytes at offset. REQUIRES: opened writable.
  virtual Result<void> write_at(std::uint64_t offset, std::string_view bytes) = 0;
  // Flushes written bytes to the medium (fsync).
  virtual Result<void> sync() = 0;
};

// Opens the raw device of a disk by its kernel name ("sdb"), read-only. The Linux opener maps
// it to <root>/dev/<name>, so a fixture tree with an image there behaves like a real stick.
class RawDeviceOpener {
 public:
  virtual ~RawDeviceOpener() = default;
  virtual Result<std::unique_ptr<RawDevice>> open(std::string_view disk_name) = 0;
};

}  // namespace shouwei::collectors::media
