#include "shouwei/collectors/browsing/history_reader.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>

#include "shouwei/os/utf8_path.hpp"

namespace shouwei::collectors::browsing {
namespace {

using std::chrono::microseconds;

// Microseconds from 1601-01-01 (Windows FILETIME epoch, which Chromium uses) to 1970-01-01.
constexpr std::int64_t kChromiumEpochOffsetUs = 11644473600LL * 1000000LL;
constexpr std::int64_t kEarliestSaneUnixUs = 631152000LL * 1000000LL;  // 1990-01-01T00:00:00Z
constexpr auto kFutureTolerance = std::chrono::hours(24);
// Only deletions of visits this recent count as the user removing history (see HistoryCursor).
constexpr auto kRecentWindow = std::chrono::hours(24 * 30);

struct EngineSql {
  const char* visits;
  const char* time_column;
  const char* urls;
  const char* url_key;  // column of the visits table that references the URL row
};

EngineSql sql_for(BrowserEngine engine) {
  if (engine == BrowserEngine::chromium) return {"visits", "visit_time", "urls", "url"};
  return {"moz_historyvisits", "visit_date", "moz_places", "place_id"};
}

std::optional<std::int64_t> raw_to_unix_us(BrowserEngine engine, std::int64_t raw) {
  if (engine == BrowserEngine::firefox) return raw;
  if (raw < std::numeric_limits<std::int64_t>::min() + kChromiumEpochOffsetUs) return std::nullopt;
  return raw - kChromiumEpochOffsetUs;
}

std::int64_t raw_from_time(BrowserEngine engine, TimePoint t) {
  std::int64_t us = std::chrono::duration_cast<microseconds>(t.time_since_epoch()).count();
  return engine == BrowserEngine::chromium ? us + kChromiumEpochOffsetUs : us;
}

Result<bool> is_history_database(sqlite::Database& db, const EngineSql& sql) {
  SHOUWEI_TRY(
      auto stmt,
      db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?1, ?2)"));
  stmt.bind(1, sql.visits).bind(2, sql.urls);
  SHOUWEI_TRY(bool row, stmt.step());
  return row && stmt.get_int64(0) == 2;
}

struct Totals {
  std::int64_t max_id = 0;
  std::int64_t max_time = 0;
};

Result<Totals> totals(sqlite::Database& db, const EngineSql& sql) {
  SHOUWEI_TRY(auto stmt, db.prepare(std::string("SELECT coalesce(max(id), 0), coalesce(max(") +
                                    sql.time_column + "), 0) FROM " + sql.visits));
  SHOUWEI_TRY(bool row, stmt.step());
  if (!row) return Totals{};
  return Totals{stmt.get_int64(0), stmt.get_int64(1)};
}

// Visits the cursor has seen that are still there: ids and times up to the cursor's (a visit
// reusing an old id after a clear is newer than the cursor), recent ones only.
Result<std::int64_t> count_seen(sqlite::Database& db, const EngineSql& sql,
                                const HistoryCursor& cursor) {
  SHOUWEI_TRY(auto stmt,
              db.prepare(std::string("SELECT count(*) FROM ") + sql.visits +
                         " WHERE id <= ?1 AND " + sql.time_column + " BETWEEN ?2 AND ?3"));
  stmt.bind(1, cursor.last_visit_id).bind(2, cursor.recent_since).bind(3, cursor.last_visit_time);
  SHOUWEI_TRY(bool row, stmt.step());
  return row ? stmt.get_int64(0) : 0;
}

// New visits: by id after the cursor, or (rewound history) by time after the cursor's.
Result<std::vector<Visit>> select_visits(sqlite::Database& db, BrowserEngine engine,
                                         const EngineSql& sql, bool by_time, std::int64_t after,
                                         std::size_t limit, TimePoint now) {
  const std::string query = std::string("SELECT v.id, v.") + sql.time_column +
                            ", substr(coalesce(u.url, ''), 1, " + std::to_string(kMaxUrlBytes) +
                            ") FROM " + sql.visits + " v LEFT JOIN " + sql.urls +
                            " u ON u.id = v." + sql.url_key + " WHERE v." +
                            (by_time ? sql.time_column : "id") + " > ?1 ORDER BY v.id LIMIT ?2";
  SHOUWEI_TRY(auto stmt, db.prepare(query));
  stmt.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
  std::vector<Visit> visits;
  while (true) {
    SHOUWEI_TRY(bool row, stmt.step());
    if (!row) break;
    Visit v;
    v.id = stmt.get_int64(0);
    v.raw_time = stmt.get_int64(1);
    v.time = visit_time_from_raw(engine, v.raw_time, now);
    v.url = stmt.get_text(2);
    visits.push_back(std::move(v));
  }
  return visits;
}

}  // namespace

std::optional<TimePoint> visit_time_from_raw(BrowserEngine engine, std::int64_t raw,
                                             TimePoint now) {
  auto us = raw_to_unix_us(engine, raw);
  const std::int64_t latest =
      std::chrono::duration_cast<microseconds>((now + kFutureTolerance).time_since_epoch()).count();
  if (!us || *us < kEarliestSaneUnixUs || *us > latest) return std::nullopt;
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(microseconds(*us)));
}

Result<sqlite::Database> open_history_copy(const std::filesystem::path& path) {
  auto read_only = sqlite::Database::open(path, {.create = false, .read_only = true, .wal = false});
  if (read_only.ok() || read_only.error().code != Errc::permission_denied) return read_only;
  SHOUWEI_TRY(auto db,
              sqlite::Database::open(path, {.create = false, .read_only = false, .wal = false}));
  SHOUWEI_TRY_VOID(db.exec("PRAGMA query_only = ON"));
  return db;
}

Result<HistoryRead> read_history(sqlite::Database& db, BrowserEngine engine,
                                 const HistoryCursor& cursor, TimePoint now,
                                 std::size_t max_visits) {
  const EngineSql sql = sql_for(engine);
  SHOUWEI_TRY(bool valid, is_history_database(db, sql));
  if (!valid) {
    return fail(Errc::parse, path_to_utf8(db.path()) + ": not a " +
                                 (engine == BrowserEngine::chromium ? "Chromium" : "Firefox") +
                                 " history database (no " + sql.visits + " / " + sql.urls +
                                 " table)");
  }
  SHOUWEI_TRY(Totals now_totals, totals(db, sql));

  HistoryRead read;
  const bool first_read = cursor.last_visit_id == 0 && cursor.last_visit_time == 0;
  if (!first_read) {
    read.rewound =
        now_totals.max_id < cursor.last_visit_id || now_totals.max_time < cursor.last_visit_time;
    SHOUWEI_TRY(std::int64_t still_there, count_seen(db, sql, cursor));
    if (still_there < cursor.seen_count) read.removed = cursor.seen_count - still_there;
  }

  SHOUWEI_TRY(read.visits,
              select_visits(db, engine, sql, read.rewound,
                            read.rewound ? cursor.last_visit_time : cursor.last_visit_id,
                            max_visits + 1, now));
  read.more = read.visits.size() > max_visits;
  if (read.more) read.visits.resize(max_visits);

  HistoryCursor next = cursor;
  if (read.rewound) {
    // Start again from what the history holds now, so that the rewind is reported once.
    next.last_visit_id = read.more ? read.visits.back().id : now_totals.max_id;
    next.last_visit_time = now_totals.max_time;
  } else if (!read.visits.empty()) {
    next.last_visit_id = read.visits.back().id;  // visits come in id order
  }
  for (const auto& v : read.visits) {
    next.last_visit_time = std::max(next.last_visit_time, v.raw_time);
    if (!v.time) ++read.suspect_times;
  }
  next.recent_since = raw_from_time(engine, now - kRecentWindow);
  SHOUWEI_TRY(next.seen_count, count_seen(db, sql, next));
  read.cursor = next;
  return read;
}

}  // namespace shouwei::collectors::browsing
