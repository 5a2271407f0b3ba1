// What the platforms' HistoryCopiers (platform/linux/browsing/history_copier_linux.cpp,
// platform/win/browsing/history_copier_win.cpp) share: the temp base their private copy
// directories live in, the size cap and the retry-until-unchanged loop. Only opening, checking
// and copying a file is left to the platform. Portable: no OS header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "shouwei/collectors/browsing/ports.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::browsing {

// Largest history file (main, -wal or -journal) a copier takes: Chrome's History rarely tops
// 500 MB.
inline constexpr std::uint64_t kMaxHistoryBytes = std::uint64_t{2} * 1024 * 1024 * 1024;

// How often a copy is tried while the browser keeps changing the database.
inline constexpr int kCopyAttempts = 4;

// The side files SQLite keeps next to a database (<name>-wal, <name>-journal), copied with it.
inline constexpr std::string_view kSideFileSuffixes[] = {"-wal", "-journal"};

// The agent's own directory for private copy directories (e.g. <state dir>/tmp). Every copy
// directory is named kCopyDirPrefix + something unique, so that copies a crash left behind
// can be recognised and removed. Not thread-safe; one per copier.
class CopyTempBase {
 public:
  static constexpr std::string_view kCopyDirPrefix = "shouwei-browsing-";

  explicit CopyTempBase(std::filesystem::path base) : base_(std::move(base)) {}

  // Makes the base (private when created: os::ensure_private_dir) and, on the first call of
  // this object, removes every copy directory left there: copies a crash left behind hold
  // users' history and nobody else cleans them up. Other entries are kept. Fails only when
  // the base cannot be made.
  Result<void> prepare();

  // The path of a copy directory named with `unique` (not created here).
  std::filesystem::path copy_dir(std::string_view unique) const;

  const std::filesystem::path& path() const noexcept { return base_; }

 private:
  std::filesystem::path base_;
  bool swept_ = false;
};

// One attempt at copying every file of a database into the copy directory. Returns whether
// the main file kept its size and modification time during the whole attempt (true: the copy
// is consistent), or the error that stopped it.
using CopyAttempt = std::function<Result<bool>()>;

// Runs `attempt` up to kCopyAttempts times and returns `copy` after the first consistent one.
// Fails with the first error, or, when every attempt saw the main file change (a checkpoint or
// transaction ran meanwhile), naming `shown_source`. On failure `copy` is destroyed, which
// removes its directory.
Result<HistoryCopy> copy_until_unchanged(HistoryCopy copy, std::string_view shown_source,
                                         const CopyAttempt& attempt);

}  // namespace shouwei::collectors::browsing
