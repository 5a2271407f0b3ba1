// The port through which the antivirus collector observes the system: a few read-only
// primitives (files, a glob, the running process names, on Windows registry values). All
// detection logic (ClamAV's configuration and databases, descriptor-based products) is
// portable and lives in the collector. The Linux implementation (platform/linux/antivirus)
// reads through a RootFs; the Windows one (platform/win/antivirus) expands %VARIABLES% in
// paths and reads HKLM.
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

// A registry value as read (REG_SZ/REG_EXPAND_SZ as UTF-8 text, REG_DWORD/REG_QWORD as number,
// REG_MULTI_SZ as its strings joined by '\n').
struct RegistryValue {
  enum class Kind { text, number, other };
  Kind kind = Kind::other;
  std::string text;
  std::uint64_t number = 0;
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

  // Which descriptors apply: "linux" or "windows" (a descriptor's `platform`).
  virtual std::string_view platform() const { return "linux"; }
  // `key` is "HKLM\\..." (64-bit view); Errc::not_found when the key or value is absent.
  // Platforms without a registry fail with Errc::unsupported.
  virtual Result<RegistryValue> read_registry_value(std::string_view key, std::string_view name) {
    (void)name;
    return fail(Errc::unsupported,
                "registry " + std::string(key) + ": no registry on this platform");
  }
};

}  // namespace shouwei::collectors::antivirus
