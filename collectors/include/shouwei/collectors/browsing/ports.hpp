// The browsing ports: what the collector needs from the platform. The Linux implementations live
// in platform/linux/browsing; tests use fakes or the Linux ones on fixture trees.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "shouwei/collectors/browsing/types.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::collectors::browsing {

// Finds every local user's browser profiles under a root.
class ProfileSource {
 public:
  virtual ~ProfileSource() = default;
  // Profiles of every user; a profile the agent cannot use comes back with `error` set. Fails
  // only when the user list itself cannot be had (e.g. the password database is unreadable).
  virtual Result<std::vector<BrowserProfile>> find(const RootFs& root) = 0;
};

// A private copy of a history database (with its -wal / -journal file), removed with its
// directory when this object is destroyed. Move-only.
class HistoryCopy {
 public:
  HistoryCopy(std::filesystem::path directory, std::filesystem::path database)
      : directory_(std::move(directory)), database_(std::move(database)) {}
  HistoryCopy(HistoryCopy&& other) noexcept;
  HistoryCopy& operator=(HistoryCopy&&) = delete;
  HistoryCopy(const HistoryCopy&) = delete;
  ~HistoryCopy();

  // Host path of the copied database file (open it with SQLite).
  const std::filesystem::path& database() const noexcept { return database_; }

 private:
  std::filesystem::path directory_;
  std::filesystem::path database_;
};

// Copies a profile's history database safely while the browser may be writing it.
class HistoryCopier {
 public:
  virtual ~HistoryCopier() = default;
  // Copies <profile.directory>/<profile.history_file()> and its -wal / -journal file into a
  // new owner-only directory and returns the copy. Fails naming the file when it is missing,
  // not a regular file, unreadable, too large, or kept changing while being copied.
  virtual Result<HistoryCopy> copy(const RootFs& root, const BrowserProfile& profile) = 0;
};

// Implemented by the platform directory. `temp_base` is where private copy directories are
// made: a directory of the agent's own (e.g. <state dir>/tmp), created owner-only if missing,
// never one users can write. Copy directories left there by a crash are removed on first use.
std::unique_ptr<ProfileSource> make_platform_profile_source();
std::unique_ptr<HistoryCopier> make_platform_history_copier(std::filesystem::path temp_base);

}  // namespace shouwei::collectors::browsing
