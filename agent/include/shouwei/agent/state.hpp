// The agent's local state: one SQLite database (WAL, synchronous=FULL) under state_dir, owned
// by root / SYSTEM. Each part keeps its own tables through its own migrations component; this
// class owns the "agent" component (metadata and the snapshot sequence).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "shouwei/common/result.hpp"
#include "shouwei/common/sqlite.hpp"

namespace shouwei::agent {

class AgentState {
 public:
  // Creates state_dir (0700) if needed and opens <state_dir>/state.db. A damaged or foreign
  // database fails (Errc::corrupt) naming the file, and is left as it is for inspection.
  static Result<AgentState> open(const std::filesystem::path& state_dir);

  sqlite::Database& db() noexcept { return db_; }
  const std::filesystem::path& dir() const noexcept { return dir_; }

  // Reserves the next snapshot sequence number. It is durable before it is returned, so seq
  // grows strictly across restarts and crashes (gaps are possible, repeats are not).
  Result<std::int64_t> next_seq();
  // The last reserved seq (0 before the first snapshot).
  Result<std::int64_t> last_seq();

  Result<std::optional<std::string>> get_meta(std::string_view key);
  Result<void> set_meta(std::string_view key, std::string_view value);

 private:
  AgentState(std::filesystem::path dir, sqlite::Database db) : dir_(std::move(dir)), db_(std::move(db)) {}
  std::filesystem::path dir_;
  sqlite::Database db_;
};

}  // namespace shouwei::agent
