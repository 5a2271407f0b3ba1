// The agent's local browsing log in its SQLite database (migrations component "browsing"):
// every visit read, tamper indications, and the per-profile history cursors. Kept for the
// retention period, pruned after; the window of the next snapshot section is what was logged
// since the previous one.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/collectors/browsing/types.hpp"
#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/sqlite.hpp"

namespace shouwei::collectors::browsing {

// Applies the "browsing" migrations.
Result<void> migrate_browsing_log(sqlite::Database& db);

struct LoggedVisit {
  std::int64_t id = 0;            // row id in the log
  TimePoint observed_at;          // when the agent read it
  std::optional<TimePoint> time;  // the browser's visit time, null when absurd
  std::string user, browser, profile, url;
  std::optional<std::string> host;
  std::vector<std::string> categories;
};

struct TamperEvent {
  std::int64_t id = 0;
  TimePoint observed_at;
  std::string user, browser, profile;
  std::string kind;    // "history_rewound" | "visits_removed" | "profile_removed"
  std::string detail;  // one line, English
};

// The cursor stored for a profile directory; a zero cursor when it was never read.
Result<HistoryCursor> load_cursor(sqlite::Database& db, std::string_view profile_directory);

// Stores, in one transaction, the visits and events read from one profile and its new cursor:
// after a crash either all of them are logged or none, and the next read repeats the same ones.
Result<void> record_profile_read(sqlite::Database& db, const BrowserProfile& profile,
                                 const std::vector<LoggedVisit>& visits,
                                 const std::vector<TamperEvent>& events,
                                 const HistoryCursor& cursor, TimePoint now);

// Logs a "profile_removed" event for each profile that was read before, is not among
// `found_directories` now, and was not already reported missing; returns those events. A
// profile found again is read on from its cursor (record_profile_read clears the mark).
Result<std::vector<TamperEvent>> note_missing_profiles(
    sqlite::Database& db, const std::set<std::string>& found_directories, TimePoint now);

// Deletes visits and events observed before `cutoff`. Returns the number of rows deleted.
Result<std::int64_t> prune_browsing_log(sqlite::Database& db, TimePoint cutoff);

// Where the previous snapshot's window ended: its time and the last log rows it covered.
struct WindowMark {
  std::optional<TimePoint> to;  // nullopt before the first window
  std::int64_t visit_row = 0;
  std::int64_t event_row = 0;
};
Result<WindowMark> load_window_mark(sqlite::Database& db);
// The mark as the collector's acknowledgement marker ("browsing/v1 <to> <visit_row>
// <event_row>") and back; decoding fails (Errc::parse) on anything else.
std::string encode_window_mark(const WindowMark& mark);
Result<WindowMark> decode_window_mark(std::string_view marker);
Result<void> save_window_mark(sqlite::Database& db, const WindowMark& mark);

// Calls `fn` for each visit logged after row `after_row`, in log order, without holding them all
// in memory. Returns the last row visited (after_row when there was none).
Result<std::int64_t> for_each_visit_after(sqlite::Database& db, std::int64_t after_row,
                                          const std::function<void(const LoggedVisit&)>& fn);
// Events logged after row `after_row`, in log order.
Result<std::vector<TamperEvent>> events_after(sqlite::Database& db, std::int64_t after_row);

// Removes every visit, event, cursor and window mark: the documented way to wipe the browsing
// data a PC holds before repair or scrapping (threats.md). History is read anew afterwards.
Result<void> wipe_browsing_log(sqlite::Database& db);

}  // namespace shouwei::collectors::browsing
