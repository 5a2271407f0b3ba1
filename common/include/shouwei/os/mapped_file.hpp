// A read-only memory mapping of a whole file. Declared portably; the checks and the ownership
// are portable (common/src/mapped_file.cpp), only mapping and unmapping are implemented per
// platform (platform/linux/os/mapped_file_linux.cpp, platform/win/os/mapped_file_win.cpp).
//
// Used for data the agent consults on a hot path without copying it onto the heap (the
// compiled category database): pages are shared with the page cache and loaded on demand.
//
// REQUIRES: the file is replaced by rename (os::write_file_atomic), never rewritten or
// truncated in place while mapped. The mapping keeps the old inode alive, so a rename is safe;
// an in-place truncation by a third party would make reads past the new end fault (SIGBUS),
// which no user-space check can prevent. The file's directory should therefore be writable by
// root / SYSTEM only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "shouwei/common/result.hpp"

namespace shouwei::os {

class MappedFile {
 public:
  // Maps path read-only. Fails naming the path when it is missing, unreadable, not a regular
  // file, or larger than max_bytes. An empty file maps to an empty view.
  static Result<MappedFile> open(const std::filesystem::path& path, std::size_t max_bytes);

  MappedFile() noexcept = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // The mapped bytes; valid, at a stable address, for the lifetime of this object (moving
  // the object does not move the mapping).
  std::string_view bytes() const noexcept { return {static_cast<const char*>(data_), size_}; }

 private:
  MappedFile(const void* data, std::size_t size) noexcept : data_(data), size_(size) {}
  void reset() noexcept;

  // Portable: what open() requires once the platform has the file's type and size. Fails
  // naming `shown_path` when it is not a regular file or has more than max_bytes.
  static Result<void> check_mappable(const std::string& shown_path, bool regular_file,
                                     std::uint64_t size, std::size_t max_bytes);
  // Per platform: releases a non-empty view made by open().
  static void unmap(const void* data, std::size_t size) noexcept;

  const void* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace shouwei::os
