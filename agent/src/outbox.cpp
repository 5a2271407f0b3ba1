#include "shouwei/agent/outbox.hpp"

#include <array>

#include <spdlog/spdlog.h>

namespace shouwei::agent {

namespace {
constexpr std::array<std::string_view, 1> kOutboxMigrations = {
    "CREATE TABLE outbox("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  seq INTEGER NOT NULL UNIQUE,"
    "  envelope BLOB NOT NULL,"
    "  ack_markers TEXT NOT NULL DEFAULT '{}',"
    "  bytes INTEGER NOT NULL,"
    "  queued_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT);"
    "CREATE TABLE outbox_counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "INSERT INTO outbox_counters(name, value) VALUES ('dropped_total', 0);",
};
}  // namespace

Result<Outbox> Outbox::open(sqlite::Database& db, std::uint64_t max_bytes) {
  SHOUWEI_TRY_VOID(db.apply_migrations("outbox", kOutboxMigrations));
  return Outbox(&db, max_bytes);
}

Result<void> Outbox::enqueue(std::int64_t seq, std::string_view envelope_json,
                             std::string_view ack_markers, TimePoint now) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(*db_));
  const auto incoming = static_cast<std::int64_t>(envelope_json.size());
  SHOUWEI_TRY(auto total_stmt, db_->prepare("SELECT COALESCE(SUM(bytes), 0) FROM outbox"));
  SHOUWEI_TRY(bool has_total, total_stmt.step());
  std::int64_t total = has_total ? total_stmt.get_int64(0) : 0;
  total_stmt.reset();

  std::int64_t dropped = 0;
  SHOUWEI_TRY(auto oldest_stmt, db_->prepare("SELECT id, bytes FROM outbox ORDER BY id LIMIT 1"));
  SHOUWEI_TRY(auto delete_stmt, db_->prepare("DELETE FROM outbox WHERE id = ?"));
  while (total + incoming > static_cast<std::int64_t>(max_bytes_)) {
    SHOUWEI_TRY(bool row, oldest_stmt.step());
    if (!row) break;  // a single snapshot above the cap is still kept
    std::int64_t id = oldest_stmt.get_int64(0);
    total -= oldest_stmt.get_int64(1);
    oldest_stmt.reset();
    delete_stmt.bind(1, id);
    SHOUWEI_TRY_VOID(delete_stmt.run());
    ++dropped;
  }
  if (dropped > 0) {
    SHOUWEI_TRY(auto bump, db_->prepare("UPDATE outbox_counters SET value = value + ? WHERE name = 'dropped_total'"));
    bump.bind(1, dropped);
    SHOUWEI_TRY_VOID(bump.run());
    spdlog::warn("outbox at its cap of {} bytes: dropped the {} oldest unsent snapshot(s)", max_bytes_, dropped);
  }
  SHOUWEI_TRY(auto insert, db_->prepare("INSERT INTO outbox(seq, envelope, ack_markers, bytes, queued_at) "
                                        "VALUES (?, ?, ?, ?, ?)"));
  insert.bind(1, seq).bind_blob(2, envelope_json).bind(3, ack_markers).bind(4, incoming).bind(5, to_unix_seconds(now));
  SHOUWEI_TRY_VOID(insert.run());
  return tx.commit();
}

Result<std::optional<OutboxEntry>> Outbox::oldest() {
  SHOUWEI_TRY(auto stmt, db_->prepare("SELECT id, seq, envelope, ack_markers, attempts FROM outbox ORDER BY id LIMIT 1"));
  SHOUWEI_TRY(bool row, stmt.step());
  if (!row) return std::optional<OutboxEntry>{};
  OutboxEntry e;
  e.id = stmt.get_int64(0);
  e.seq = stmt.get_int64(1);
  e.envelope_json = stmt.get_text(2);
  e.ack_markers = stmt.get_text(3);
  e.attempts = static_cast<int>(stmt.get_int64(4));
  return std::optional<OutboxEntry>{std::move(e)};
}

Result<void> Outbox::remove(std::int64_t id) {
  SHOUWEI_TRY(auto stmt, db_->prepare("DELETE FROM outbox WHERE id = ?"));
  stmt.bind(1, id);
  return stmt.run();
}

Result<void> Outbox::record_failure(std::int64_t id, std::string_view error) {
  SHOUWEI_TRY(auto stmt, db_->prepare("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?"));
  stmt.bind(1, error).bind(2, id);
  return stmt.run();
}

Result<OutboxStats> Outbox::stats() {
  OutboxStats s;
  SHOUWEI_TRY(auto stmt, db_->prepare(
      "SELECT (SELECT COUNT(*) FROM outbox), (SELECT COALESCE(SUM(bytes), 0) FROM outbox), "
      "(SELECT value FROM outbox_counters WHERE name = 'dropped_total')"));
  SHOUWEI_TRY(bool row, stmt.step());
  if (row) {
    s.queued = stmt.get_int64(0);
    s.queued_bytes = stmt.get_int64(1);
    s.dropped_total = stmt.get_int64(2);
  }
  return s;
}

}  // namespace shouwei::agent
