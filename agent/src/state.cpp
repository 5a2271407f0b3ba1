#include "shouwei/agent/state.hpp"

#include <array>

#include "shouwei/os/files.hpp"
#include "shouwei/os/utf8_path.hpp"

namespace shouwei::agent {

namespace {
constexpr std::array<std::string_view, 1> kAgentMigrations = {
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE sequence(id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL);"
    "INSERT INTO sequence(id, last_seq) VALUES (1, 0);",
};
}  // namespace

Result<AgentState> AgentState::open(const std::filesystem::path& state_dir) {
  SHOUWEI_TRY_VOID(os::ensure_private_dir(state_dir));
  SHOUWEI_TRY(auto db, sqlite::Database::open(state_dir / "state.db"));
  SHOUWEI_TRY_VOID(db.apply_migrations("agent", kAgentMigrations));
  return AgentState(state_dir, std::move(db));
}

Result<std::int64_t> AgentState::next_seq() {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(db_));
  SHOUWEI_TRY(
      auto update,
      db_.prepare("UPDATE sequence SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq"));
  SHOUWEI_TRY(bool row, update.step());
  if (!row) return fail(Errc::corrupt, path_to_utf8(db_.path()) + ": sequence row is missing");
  std::int64_t seq = update.get_int64(0);
  update.reset();
  SHOUWEI_TRY_VOID(tx.commit());
  return seq;
}

Result<std::int64_t> AgentState::last_seq() {
  SHOUWEI_TRY(auto stmt, db_.prepare("SELECT last_seq FROM sequence WHERE id = 1"));
  SHOUWEI_TRY(bool row, stmt.step());
  if (!row) return fail(Errc::corrupt, path_to_utf8(db_.path()) + ": sequence row is missing");
  return stmt.get_int64(0);
}

Result<std::optional<std::string>> AgentState::get_meta(std::string_view key) {
  SHOUWEI_TRY(auto stmt, db_.prepare("SELECT value FROM meta WHERE key = ?"));
  stmt.bind(1, key);
  SHOUWEI_TRY(bool row, stmt.step());
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>{stmt.get_text(0)};
}

Result<void> AgentState::set_meta(std::string_view key, std::string_view value) {
  SHOUWEI_TRY(auto stmt, db_.prepare("INSERT INTO meta(key, value) VALUES(?, ?) "
                                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
  stmt.bind(1, key).bind(2, value);
  return stmt.run();
}

}  // namespace shouwei::agent
