// The port through which the patches collector sees a system's package management. The Linux
// implementation (platform/linux/patches) reads dpkg, apt, rpm and /run through a RootFs;
// tests use fakes or the Linux implementation on a fixture tree. Every stream a source returns
// is already decompressed and size-capped.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shouwei/collectors/patches/apt_index.hpp"
#include "shouwei/collectors/patches/byte_stream.hpp"
#include "shouwei/collectors/patches/installed_package.hpp"
#include "shouwei/collectors/patches/patch_log.hpp"
#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::patches {

struct AptIndexFile {
  std::string path;                    // in-system path, for messages and the section
  std::string architecture;            // from the file name ("binary-amd64" -> "amd64")
  std::optional<ReleaseInfo> release;  // nullopt when no Release/InRelease file sits beside it
};

struct PatchLogFile {
  std::string path;
  PatchLogKind kind;
};

struct RebootMarker {
  bool required = false;              // /run/reboot-required exists
  std::vector<std::string> packages;  // from /run/reboot-required.pkgs
};

class PackageSource {
 public:
  virtual ~PackageSource() = default;

  // dpkg's status database; Errc::not_found when this is not a dpkg system.
  virtual Result<std::unique_ptr<ByteStream>> open_dpkg_status() = 0;
  // Installed packages from the rpm database; Errc::not_found when there is none.
  virtual Result<std::vector<InstalledPackage>> rpm_packages() = 0;
  // apt's Packages indexes (may be empty: no lists downloaded).
  virtual std::vector<AptIndexFile> apt_indexes() = 0;
  virtual Result<std::unique_ptr<ByteStream>> open_apt_index(const AptIndexFile& index) = 0;
  // dpkg.log* and apt/history.log*, rotated and compressed ones included.
  virtual std::vector<PatchLogFile> patch_logs() = 0;
  // For large plain logs only the most recent part is returned (the latest events are last).
  virtual Result<std::unique_ptr<ByteStream>> open_patch_log(const PatchLogFile& log) = 0;
  // Local wall-clock time (as logs write it) to UTC, in the system's time zone.
  virtual std::optional<TimePoint> local_to_utc(const CivilTime& local) const = 0;
  // The reboot-required marker; an error only when it exists but cannot be read.
  virtual Result<RebootMarker> reboot_marker() = 0;
  // The running kernel release ("6.1.0-13-amd64"); nullopt when unknown.
  virtual std::optional<std::string> running_kernel() = 0;
};

}  // namespace shouwei::collectors::patches
