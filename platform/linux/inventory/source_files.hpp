// How the Linux inventory source reads one file under its root: a missing file is an absent
// fact (nullopt, silently); a file that exists but cannot be read (permissions, size cap, a
// directory in its place) is an absent fact with a warning naming the file and the problem.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/root_fs.hpp"

namespace shouwei::platform {

using Warnings = std::vector<std::string>;

struct SourceFile {
  std::string path;  // the in-system path that was read, for messages ("/etc/os-release")
  std::string content;
};

// The first of `paths` that exists, read with at most max_bytes; nullopt if none exists or the
// first existing one cannot be read (then a warning is added and later paths are not tried, so
// a broken /etc/os-release is reported rather than silently replaced by another file).
std::optional<SourceFile> read_first(const RootFs& root,
                                     std::initializer_list<std::string_view> paths,
                                     std::size_t max_bytes, Warnings& warnings);

}  // namespace shouwei::platform
