// The port through which the antivirus collector observes the system: a few read-only
// primitives (files, a glob, the running process names). All detection logic (ClamAV's
// configuration and databases, descriptor-based products) is portable and lives in the
// collector. The Linux implementation (platform/linux/antivirus) reads through a RootFs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::antivirus {

struct FileInfo {
  std::string path;  // in-system path
  TimePoint modified;
  std::uint64_t size = 0;
};

class AvProducts {
 public:
  virtual ~AvProducts() = default;
  // A whole small file; fails (Errc::limit_exceeded) when it is larger than max_bytes.
  virtual Result<std::string> read_text(std::string_view path, std::size_t max_bytes) = 0;
  // The first `n` bytes of a file (fewer when it is shorter).
  virtual Result<std::string> read_head(std::string_view path, std::size_t n) = 0;
  // Regular files matching `pattern`, sorted by path. Wildcards (* ? [...]) are allowed in the
  // last path component only. A missing directory yields an empty list.
  virtual Result<std::vector<FileInfo>> glob(std::string_view pattern) = 0;
  // Names of running processes (Linux: /proc/<pid>/comm, so at most 15 characters).
  virtual Result<std::vector<std::string>> process_names() = 0;
  // Local wall-clock time to UTC in the system's zone (for times read from product files).
  virtual std::optional<TimePoint> local_to_utc(int year, int month, int day, int hour, int minute,
                                                int second) const = 0;
};

}  // namespace shouwei::collectors::antivirus
