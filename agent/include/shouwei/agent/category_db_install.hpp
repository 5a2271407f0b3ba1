// Puts the category database a policy names into use: download into the state directory,
// check its SHA-256 against the signed policy, move it into place atomically, and swap it into
// the CategoryDbHolder while lookups continue (each lookup keeps the database it loaded, so it
// answers from the old or the new one, never from a mix, and the old mapping is released when
// the last such lookup ends).
//
// The database in use is recorded in the state (meta "category_db" = "<version> <sha256>") and
// put back by restore() at start; its file is hashed again then, so a file damaged on disk (or
// not yet flushed when the power went) is dropped and downloaded again rather than used.
//
// Files: <state_dir>/categories/<sha256>.db, one download at a time in
// <state_dir>/categories/download.part. Not thread-safe (the service's thread); the holder is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "shouwei/agent/policy_source.hpp"
#include "shouwei/agent/state.hpp"
#include "shouwei/collectors/categories/category_db.hpp"
#include "shouwei/common/policy.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::agent {

struct InstalledCategoryDb {
  std::int64_t version = 0;
  std::string sha256;  // lowercase hex of the file
};

struct CategoryDbFailure {
  std::string_view
      reason;           // kCategoryDbDownloadFailed | kCategoryDbHashMismatch | kCategoryDbInvalid
  std::string message;  // one line, names the URL or file
};

class CategoryDbInstaller {
 public:
  // Larger downloads are refused (the full UT1 set compiles to about 6 MB).
  static constexpr std::uint64_t kMaxDownloadBytes = 256ull * 1024 * 1024;

  // REQUIRES: state and holder outlive the installer.
  CategoryDbInstaller(AgentState& state, collectors::categories::CategoryDbHolder& holder)
      : state_(state), holder_(holder) {}

  // Loads the recorded database into the holder. Returns what is in use (nullopt: none was
  // installed from a policy, or its file is gone or damaged, which is logged and forgotten).
  // Fails only when the state database fails.
  Result<std::optional<InstalledCategoryDb>> restore();

  const std::optional<InstalledCategoryDb>& in_use() const noexcept { return in_use_; }
  bool is_in_use(const policy::CategoryDb& wanted) const noexcept {
    return in_use_ && in_use_->sha256 == wanted.sha256;
  }

  // Downloads and swaps in `wanted` (a no-op when it is in use). Returns the failure, nullopt
  // on success. On failure nothing changes: the previous database stays in the holder and in
  // the state.
  std::optional<CategoryDbFailure> install(const policy::CategoryDb& wanted, PolicySource& source);

 private:
  std::filesystem::path dir() const { return state_.dir() / "categories"; }
  void remove_others(const std::string& keep_sha256) const;

  AgentState& state_;
  collectors::categories::CategoryDbHolder& holder_;
  std::optional<InstalledCategoryDb> in_use_;
};

}  // namespace shouwei::agent
