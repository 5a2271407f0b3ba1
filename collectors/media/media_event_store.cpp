#include "shouwei/collectors/media/media_event_store.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <string_view>

#include <boost/json/serialize.hpp>

#include "shouwei/common/canonical_json.hpp"
#include "shouwei/os/utf8_path.hpp"

namespace shouwei::collectors::media {
namespace {

// AUTOINCREMENT so that ids are never reused: a late acknowledgement must not delete events
// recorded after its snapshot. The drop counter lives in a one-row table beside the queue.
constexpr std::array<std::string_view, 1> kMigrations{
    R"sql(
CREATE TABLE media_events(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event TEXT NOT NULL
);
CREATE TABLE media_event_drops(
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  dropped INTEGER NOT NULL
);
INSERT INTO media_event_drops(singleton, dropped) VALUES(1, 0);
)sql",
};

// Rows are written by us, but a damaged database must not crash the agent: cap and parse.
constexpr std::size_t kMaxRowBytes = 64 * 1024;

}  // namespace

Result<MediaEventStore> MediaEventStore::open(sqlite::Database& db, std::size_t max_events) {
  SHOUWEI_TRY_VOID(db.apply_migrations("media", kMigrations));
  return MediaEventStore(db, max_events);
}

Result<std::int64_t> MediaEventStore::record(const MediaEvent& event) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(*db_));
  SHOUWEI_TRY(auto count, db_->prepare("SELECT COUNT(*) FROM media_events"));
  SHOUWEI_TRY(const bool counted, count.step());
  const std::int64_t stored = counted ? count.get_int64(0) : 0;
  if (static_cast<std::uint64_t>(stored) >= max_events_) {
    SHOUWEI_TRY(auto drop, db_->prepare("UPDATE media_event_drops SET dropped = dropped + 1"));
    SHOUWEI_TRY_VOID(drop.run());
    SHOUWEI_TRY_VOID(tx.commit());
    return std::int64_t{0};
  }
  SHOUWEI_TRY(auto insert, db_->prepare("INSERT INTO media_events(event) VALUES(?)"));
  insert.bind(1, boost::json::serialize(to_json(event)));
  SHOUWEI_TRY_VOID(insert.run());
  const std::int64_t id = db_->last_insert_rowid();
  SHOUWEI_TRY_VOID(tx.commit());
  return id;
}

Result<std::vector<MediaEventStore::Stored>> MediaEventStore::pending(std::size_t limit) {
  SHOUWEI_TRY(auto query, db_->prepare("SELECT id, event FROM media_events ORDER BY id LIMIT ?"));
  query.bind(1, static_cast<std::int64_t>(
                    std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  std::vector<Stored> events;
  while (true) {
    SHOUWEI_TRY(const bool has_row, query.step());
    if (!has_row) break;
    const std::int64_t id = query.get_int64(0);
    auto parsed = json::parse_strict(query.get_text(1), kMaxRowBytes);
    if (!parsed || !parsed->is_object()) {
      return fail(Errc::corrupt, path_to_utf8(db_->path()) + ": media_events row " +
                                     std::to_string(id) + " is not a JSON object");
    }
    Stored s{id, std::move(parsed->as_object())};
    s.event["id"] = id;
    events.push_back(std::move(s));
  }
  return events;
}

Result<void> MediaEventStore::acknowledge_through(std::int64_t id) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(*db_));
  SHOUWEI_TRY(auto remove, db_->prepare("DELETE FROM media_events WHERE id <= ?"));
  remove.bind(1, id);
  SHOUWEI_TRY_VOID(remove.run());
  SHOUWEI_TRY(auto reset, db_->prepare("UPDATE media_event_drops SET dropped = 0"));
  SHOUWEI_TRY_VOID(reset.run());
  return tx.commit();
}

Result<std::int64_t> MediaEventStore::dropped_count() {
  SHOUWEI_TRY(auto query, db_->prepare("SELECT dropped FROM media_event_drops"));
  SHOUWEI_TRY(const bool has_row, query.step());
  if (!has_row) {
    return fail(Errc::corrupt, path_to_utf8(db_->path()) + ": media_event_drops is empty");
  }
  return query.get_int64(0);
}

}  // namespace shouwei::collectors::media
