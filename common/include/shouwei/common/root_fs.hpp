// Every file the agent reads is resolved under a root directory ("/" in production, a fixture
// tree in tests, a mounted disk image in forensics), so collectors never hard-code the live
// system. Symbolic links are followed *inside* the root: an absolute link target such as
// /usr/lib/os-release is re-anchored at the root instead of escaping to the host.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/file_io.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei {

class RootFs {
 public:
  explicit RootFs(std::filesystem::path root = "/");

  const std::filesystem::path& root() const noexcept { return root_; }
  bool is_host_root() const noexcept { return host_root_; }

  // Maps an absolute in-system path ("/etc/os-release") to the host path to open, following
  // symlinks within the root (at most 40 hops, like the kernel). Never leaves the root: returns
  // an empty path when a link loops or cannot be read, so that nothing is opened.
  std::filesystem::path resolve(std::string_view system_path) const;

  Result<std::string> read(std::string_view system_path,
                           std::size_t max_bytes = kDefaultMaxFileBytes) const;
  bool exists(std::string_view system_path) const;
  // Entry names in a directory, sorted; empty when it is missing or unreadable.
  std::vector<std::string> list(std::string_view system_path) const;

 private:
  std::filesystem::path root_;
  bool host_root_;
};

}  // namespace shouwei
