// OS-specific file operations the portable code needs. Declared here, implemented once per
// platform (platform/linux/os, platform/win/os).
#pragma once

#include <filesystem>
#include <string_view>

#include "shouwei/common/result.hpp"

namespace shouwei::os {

enum class FileMode {
  public_read,  // 0644 / inherited ACL: public keys, snapshots
  owner_only,   // 0600 / SYSTEM+Administrators: private keys, state
};

// Writes data to path atomically: a temporary file in the same directory, flushed to disk,
// then renamed over path, then the directory flushed. Readers see the old or the new content,
// never a mix; a full disk leaves the old file intact. Fails naming the path.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view data,
                               FileMode mode);

// Like write_file_atomic, but never replaces an existing file: the temporary file is linked
// into place (link(2)), so when path exists, even if created concurrently, this fails with
// Errc::conflict naming path and leaves it untouched. Used for keys, which must not be lost.
Result<void> write_file_new(const std::filesystem::path& path, std::string_view data,
                            FileMode mode);

// Fails (permission_denied) when anyone but the owner (POSIX: group or other bits) can read or
// write path, so a leaked private key is refused with a clear message instead of used.
Result<void> require_owner_only(const std::filesystem::path& path);

// Creates dir and its parents if needed; a directory we create is owner-only (0700). Fails,
// naming dir, when it exists but is not a directory or is not writable.
Result<void> ensure_private_dir(const std::filesystem::path& dir);

}  // namespace shouwei::os
