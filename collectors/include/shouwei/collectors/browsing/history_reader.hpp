// Reads new visits from a private copy of a browser's history database, incrementally from a
// cursor, and notices history that was deleted or rewound (the user hiding visits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "shouwei/collectors/browsing/types.hpp"
#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/sqlite.hpp"

namespace shouwei::collectors::browsing {

// Visits read per profile and collection at most; the rest is read next time from the cursor,
// so a huge history costs bounded memory and time.
inline constexpr std::size_t kMaxVisitsPerRead = 50000;
// URLs longer than this are cut (data: URLs can be megabytes); the log keeps the prefix.
inline constexpr std::size_t kMaxUrlBytes = 4096;

// Converts a browser's raw visit time to UTC. Absurd values (before 1990-01-01, or more than a
// day after `now`: zero, negative, a clock set far ahead) give nullopt: the visit is still
// logged and reported, with its time shown as null rather than a guessed one.
std::optional<TimePoint> visit_time_from_raw(BrowserEngine engine, std::int64_t raw, TimePoint now);

struct HistoryRead {
  std::vector<Visit> visits;  // new visits in visit-id order
  HistoryCursor cursor;       // the cursor to store once the visits are logged
  // The highest visit id or the newest visit time is below the cursor: the history was
  // cleared or replaced by an older copy. New visits are then those newer than the cursor's
  // time.
  bool rewound = false;
  std::int64_t removed = 0;        // visits already read that are no longer in the history
  std::int64_t suspect_times = 0;  // visits in `visits` whose time is absurd
  bool more = false;               // more than kMaxVisitsPerRead new visits: read again later
};

// Opens the private copy of a history database read-only. When the copy holds a hot journal
// (the browser was mid-transaction while copied) a read-only connection cannot roll it back,
// so the copy (ours, private) is opened read-write for SQLite to restore the last committed
// state, and then put in query_only mode.
Result<sqlite::Database> open_history_copy(const std::filesystem::path& path);

// Reads the visits after `cursor` from an opened history database of `engine`. Fails naming the
// database when it is not a history database of that engine (missing tables or columns).
Result<HistoryRead> read_history(sqlite::Database& db, BrowserEngine engine,
                                 const HistoryCursor& cursor, TimePoint now,
                                 std::size_t max_visits = kMaxVisitsPerRead);

}  // namespace shouwei::collectors::browsing
