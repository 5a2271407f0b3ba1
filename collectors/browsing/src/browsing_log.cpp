#include "shouwei/collectors/browsing/browsing_log.hpp"

#include <array>
#include <charconv>
#include <set>

namespace shouwei::collectors::browsing {
namespace {

// AUTOINCREMENT: row ids are never reused after pruning, so "rows after the last reported one"
// stays correct when the log was emptied.
constexpr std::array<std::string_view, 2> kMigrations = {
    R"sql(
CREATE TABLE browsing_cursor (
  profile_dir     TEXT PRIMARY KEY,
  user            TEXT NOT NULL,
  browser         TEXT NOT NULL,
  profile         TEXT NOT NULL,
  last_visit_id   INTEGER NOT NULL,
  last_visit_time INTEGER NOT NULL,
  seen_count      INTEGER NOT NULL,
  recent_since    INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE TABLE browsing_visit (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  observed_at INTEGER NOT NULL,
  visit_time  INTEGER,
  user        TEXT NOT NULL,
  browser     TEXT NOT NULL,
  profile     TEXT NOT NULL,
  url         TEXT NOT NULL,
  host        TEXT,
  categories  TEXT NOT NULL  -- product categories, one per line
);
CREATE INDEX browsing_visit_observed ON browsing_visit(observed_at);
CREATE TABLE browsing_event (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  observed_at INTEGER NOT NULL,
  user        TEXT NOT NULL,
  browser     TEXT NOT NULL,
  profile     TEXT NOT NULL,
  kind        TEXT NOT NULL,
  detail      TEXT NOT NULL
);
CREATE INDEX browsing_event_observed ON browsing_event(observed_at);
CREATE TABLE browsing_window (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
)sql",
    // When a profile that was read is no longer found (deleted, or its user removed).
    "ALTER TABLE browsing_cursor ADD COLUMN missing_since INTEGER",
};

// Events reported per window at most; a flood of rewinds is still counted in the log.
constexpr std::int64_t kMaxEventsPerWindow = 10000;

std::string join_categories(const std::vector<std::string>& categories) {
  std::string out;
  for (const auto& c : categories) {
    if (!out.empty()) out += '\n';
    out += c;
  }
  return out;
}

std::vector<std::string> split_categories(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find('\n');
    if (comma != 0) out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<std::int64_t> optional_seconds(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_unix_seconds(*t);
}

void bind_optional_int(sqlite::Statement& stmt, int index, std::optional<std::int64_t> v) {
  if (v) {
    stmt.bind(index, *v);
  } else {
    stmt.bind(index, nullptr);
  }
}

Result<std::optional<std::int64_t>> window_value(sqlite::Database& db, std::string_view name) {
  SHOUWEI_TRY(auto stmt, db.prepare("SELECT value FROM browsing_window WHERE name = ?1"));
  stmt.bind(1, name);
  SHOUWEI_TRY(bool row, stmt.step());
  if (!row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt.get_int64(0));
}

}  // namespace

Result<void> migrate_browsing_log(sqlite::Database& db) {
  return db.apply_migrations("browsing", kMigrations);
}

Result<HistoryCursor> load_cursor(sqlite::Database& db, std::string_view profile_directory) {
  SHOUWEI_TRY(auto stmt,
              db.prepare("SELECT last_visit_id, last_visit_time, seen_count, recent_since "
                         "FROM browsing_cursor WHERE profile_dir = ?1"));
  stmt.bind(1, profile_directory);
  SHOUWEI_TRY(bool row, stmt.step());
  if (!row) return HistoryCursor{};
  return HistoryCursor{stmt.get_int64(0), stmt.get_int64(1), stmt.get_int64(2), stmt.get_int64(3)};
}

Result<void> record_profile_read(sqlite::Database& db, const BrowserProfile& profile,
                                 const std::vector<LoggedVisit>& visits,
                                 const std::vector<TamperEvent>& events,
                                 const HistoryCursor& cursor, TimePoint now) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(db));
  SHOUWEI_TRY(
      auto insert_visit,
      db.prepare(
          "INSERT INTO browsing_visit (observed_at, visit_time, user, browser, profile, url, host, "
          "categories) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  for (const auto& v : visits) {
    insert_visit.reset();
    insert_visit.bind(1, to_unix_seconds(v.observed_at));
    bind_optional_int(insert_visit, 2, optional_seconds(v.time));
    insert_visit.bind(3, std::string_view(v.user))
        .bind(4, std::string_view(v.browser))
        .bind(5, std::string_view(v.profile))
        .bind(6, std::string_view(v.url))
        .bind(7, v.host);
    insert_visit.bind(8, std::string_view(join_categories(v.categories)));
    SHOUWEI_TRY_VOID(insert_visit.run());
  }
  SHOUWEI_TRY(auto insert_event,
              db.prepare("INSERT INTO browsing_event (observed_at, user, browser, profile, kind, "
                         "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  for (const auto& e : events) {
    insert_event.reset();
    insert_event.bind(1, to_unix_seconds(e.observed_at))
        .bind(2, std::string_view(e.user))
        .bind(3, std::string_view(e.browser))
        .bind(4, std::string_view(e.profile));
    insert_event.bind(5, std::string_view(e.kind)).bind(6, std::string_view(e.detail));
    SHOUWEI_TRY_VOID(insert_event.run());
  }
  SHOUWEI_TRY(auto upsert, db.prepare(R"sql(
INSERT INTO browsing_cursor (profile_dir, user, browser, profile, last_visit_id, last_visit_time, seen_count,
                             recent_since, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT(profile_dir) DO UPDATE SET user = excluded.user, browser = excluded.browser, profile = excluded.profile,
  last_visit_id = excluded.last_visit_id, last_visit_time = excluded.last_visit_time,
  seen_count = excluded.seen_count, recent_since = excluded.recent_since, updated_at = excluded.updated_at,
  missing_since = NULL)sql"));
  upsert.bind(1, std::string_view(profile.directory))
      .bind(2, std::string_view(profile.user))
      .bind(3, std::string_view(profile.browser))
      .bind(4, std::string_view(profile.profile));
  upsert.bind(5, cursor.last_visit_id).bind(6, cursor.last_visit_time).bind(7, cursor.seen_count);
  upsert.bind(8, cursor.recent_since).bind(9, to_unix_seconds(now));
  SHOUWEI_TRY_VOID(upsert.run());
  return tx.commit();
}

Result<std::vector<TamperEvent>> note_missing_profiles(
    sqlite::Database& db, const std::set<std::string>& found_directories, TimePoint now) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(db));
  SHOUWEI_TRY(
      auto select,
      db.prepare("SELECT profile_dir, user, browser, profile, last_visit_id FROM browsing_cursor "
                 "WHERE missing_since IS NULL ORDER BY profile_dir"));
  std::vector<std::pair<std::string, TamperEvent>> missing;
  while (true) {
    SHOUWEI_TRY(bool row, select.step());
    if (!row) break;
    std::string dir = select.get_text(0);
    if (found_directories.count(dir) != 0) continue;
    missing.emplace_back(dir, TamperEvent{0, now, select.get_text(1), select.get_text(2),
                                          select.get_text(3), "profile_removed",
                                          "the profile directory " + dir +
                                              " is no longer found (history read up to visit id " +
                                              std::to_string(select.get_int64(4)) + ")"});
  }
  SHOUWEI_TRY(auto mark,
              db.prepare("UPDATE browsing_cursor SET missing_since = ?1 WHERE profile_dir = ?2"));
  SHOUWEI_TRY(
      auto insert,
      db.prepare("INSERT INTO browsing_event (observed_at, user, browser, profile, kind, detail) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  std::vector<TamperEvent> events;
  for (auto& [dir, e] : missing) {
    mark.reset();
    mark.bind(1, to_unix_seconds(now)).bind(2, std::string_view(dir));
    SHOUWEI_TRY_VOID(mark.run());
    insert.reset();
    insert.bind(1, to_unix_seconds(now))
        .bind(2, std::string_view(e.user))
        .bind(3, std::string_view(e.browser));
    insert.bind(4, std::string_view(e.profile))
        .bind(5, std::string_view(e.kind))
        .bind(6, std::string_view(e.detail));
    SHOUWEI_TRY_VOID(insert.run());
    events.push_back(std::move(e));
  }
  SHOUWEI_TRY_VOID(tx.commit());
  return events;
}

Result<std::int64_t> prune_browsing_log(sqlite::Database& db, TimePoint cutoff) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(db));
  std::int64_t deleted = 0;
  for (const char* sql : {"DELETE FROM browsing_visit WHERE observed_at < ?1",
                          "DELETE FROM browsing_event WHERE observed_at < ?1"}) {
    SHOUWEI_TRY(auto stmt, db.prepare(sql));
    stmt.bind(1, to_unix_seconds(cutoff));
    SHOUWEI_TRY_VOID(stmt.run());
    deleted += db.changes();
  }
  SHOUWEI_TRY_VOID(tx.commit());
  return deleted;
}

Result<WindowMark> load_window_mark(sqlite::Database& db) {
  WindowMark mark;
  SHOUWEI_TRY(auto to, window_value(db, "to"));
  SHOUWEI_TRY(auto visit_row, window_value(db, "visit_row"));
  SHOUWEI_TRY(auto event_row, window_value(db, "event_row"));
  if (to) mark.to = from_unix_seconds(*to);
  mark.visit_row = visit_row.value_or(0);
  mark.event_row = event_row.value_or(0);
  return mark;
}

std::string encode_window_mark(const WindowMark& mark) {
  return "browsing/v1 " + std::to_string(mark.to ? to_unix_seconds(*mark.to) : -1) + " " +
         std::to_string(mark.visit_row) + " " + std::to_string(mark.event_row);
}

Result<WindowMark> decode_window_mark(std::string_view marker) {
  constexpr std::string_view kPrefix = "browsing/v1 ";
  auto bad = [&] {
    return fail(Errc::parse,
                "browsing acknowledgement marker: malformed \"" + std::string(marker) + "\"");
  };
  if (!marker.starts_with(kPrefix)) return bad();
  marker.remove_prefix(kPrefix.size());
  std::int64_t numbers[3] = {};
  for (int i = 0; i < 3; ++i) {
    auto [ptr, ec] = std::from_chars(marker.data(), marker.data() + marker.size(), numbers[i]);
    if (ec != std::errc() || numbers[i] < (i == 0 ? -1 : 0)) return bad();
    marker.remove_prefix(static_cast<std::size_t>(ptr - marker.data()));
    if (i < 2) {
      if (!marker.starts_with(' ')) return bad();
      marker.remove_prefix(1);
    }
  }
  if (!marker.empty()) return bad();
  WindowMark mark;
  if (numbers[0] >= 0) mark.to = from_unix_seconds(numbers[0]);
  mark.visit_row = numbers[1];
  mark.event_row = numbers[2];
  return mark;
}

Result<void> save_window_mark(sqlite::Database& db, const WindowMark& mark) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(db));
  SHOUWEI_TRY(auto stmt, db.prepare("INSERT INTO browsing_window (name, value) VALUES (?1, ?2) "
                                    "ON CONFLICT(name) DO UPDATE SET value = excluded.value"));
  const std::pair<const char*, std::optional<std::int64_t>> values[] = {
      {"to", optional_seconds(mark.to)},
      {"visit_row", mark.visit_row},
      {"event_row", mark.event_row}};
  for (const auto& [name, value] : values) {
    if (!value) continue;
    stmt.reset();
    stmt.bind(1, name).bind(2, *value);
    SHOUWEI_TRY_VOID(stmt.run());
  }
  return tx.commit();
}

Result<std::int64_t> for_each_visit_after(sqlite::Database& db, std::int64_t after_row,
                                          const std::function<void(const LoggedVisit&)>& fn) {
  SHOUWEI_TRY(auto stmt,
              db.prepare("SELECT id, observed_at, visit_time, user, browser, profile, url, host, "
                         "categories FROM browsing_visit WHERE id > ?1 ORDER BY id"));
  stmt.bind(1, after_row);
  std::int64_t last = after_row;
  while (true) {
    SHOUWEI_TRY(bool row, stmt.step());
    if (!row) break;
    LoggedVisit v;
    v.id = stmt.get_int64(0);
    v.observed_at = from_unix_seconds(stmt.get_int64(1));
    if (!stmt.is_null(2)) v.time = from_unix_seconds(stmt.get_int64(2));
    v.user = stmt.get_text(3);
    v.browser = stmt.get_text(4);
    v.profile = stmt.get_text(5);
    v.url = stmt.get_text(6);
    v.host = stmt.get_optional_text(7);
    v.categories = split_categories(stmt.get_text(8));
    last = v.id;
    fn(v);
  }
  return last;
}

Result<std::vector<TamperEvent>> events_after(sqlite::Database& db, std::int64_t after_row) {
  SHOUWEI_TRY(
      auto stmt,
      db.prepare("SELECT id, observed_at, user, browser, profile, kind, detail FROM browsing_event "
                 "WHERE id > ?1 ORDER BY id LIMIT ?2"));
  stmt.bind(1, after_row).bind(2, kMaxEventsPerWindow);
  std::vector<TamperEvent> events;
  while (true) {
    SHOUWEI_TRY(bool row, stmt.step());
    if (!row) break;
    events.push_back(TamperEvent{stmt.get_int64(0), from_unix_seconds(stmt.get_int64(1)),
                                 stmt.get_text(2), stmt.get_text(3), stmt.get_text(4),
                                 stmt.get_text(5), stmt.get_text(6)});
  }
  return events;
}

Result<void> wipe_browsing_log(sqlite::Database& db) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(db));
  // Deleting rows keeps the AUTOINCREMENT counters, so later window marks stay meaningful.
  SHOUWEI_TRY_VOID(db.exec(
      "DELETE FROM browsing_visit; DELETE FROM browsing_event; DELETE FROM browsing_cursor; "
      "DELETE FROM browsing_window"));
  SHOUWEI_TRY_VOID(tx.commit());
  // Deleted rows linger in free pages and in the WAL until rewritten: rebuild the file and
  // empty the WAL so the wiped history is really gone from the disk's file.
  return db.exec("VACUUM; PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace shouwei::collectors::browsing
