// Portable file reading with a size cap. Writing (atomic, durable, private) is OS-specific and
// lives behind shouwei/os/files.hpp.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "shouwei/common/result.hpp"

namespace shouwei {

inline constexpr std::size_t kDefaultMaxFileBytes = 64u * 1024u * 1024u;

// Reads the whole file. Fails naming the path when it is missing, unreadable, or larger than
// max_bytes (the file is never read past the cap, so a 2 GB log costs max_bytes at most).
Result<std::string> read_file(const std::filesystem::path& path,
                              std::size_t max_bytes = kDefaultMaxFileBytes);

// "path: reason" from the current errno; used by every wrapper that reports an OS failure.
std::string errno_message(const std::filesystem::path& path, std::string_view action);

// Maps the current errno to an error code (ENOENT -> not_found, EACCES -> permission_denied...).
Errc errno_code() noexcept;

}  // namespace shouwei
