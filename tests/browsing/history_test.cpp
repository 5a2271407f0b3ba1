// Incremental history reading on databases with the real browsers' schemas: time conversion,
// cursors, rewound and shrunk history, absurd timestamps, bounded batches.
#include <limits>

#include <doctest/doctest.h>

#include "shouwei/collectors/browsing/history_reader.hpp"
#include "support.hpp"

using namespace shouwei::collectors::browsing;
using browsing_test::add_visits;
using browsing_test::kChromiumOffsetUs;
using browsing_test::TempDir;
using browsing_test::unix_us;

namespace {

// 2023-11-14T22:13:20Z, and "now" a day later.
constexpr std::int64_t kT0 = 1700000000;
const shouwei::TimePoint kNow = shouwei::from_unix_seconds(kT0 + 86400);

std::int64_t raw(const std::string& engine, std::int64_t unix_seconds) {
  return unix_us(unix_seconds) + (engine == "chromium" ? kChromiumOffsetUs : 0);
}

BrowserEngine engine_of(const std::string& engine) {
  return engine == "chromium" ? BrowserEngine::chromium : BrowserEngine::firefox;
}

HistoryRead read(const std::filesystem::path& path, const std::string& engine,
                 const HistoryCursor& cursor, std::size_t max_visits = kMaxVisitsPerRead) {
  auto db = browsing_test::open_db(path);
  auto result = read_history(db, engine_of(engine), cursor, kNow, max_visits);
  REQUIRE_MESSAGE(result.ok(), (result.ok() ? "" : result.error().message));
  return std::move(result).value();
}

// A visit at a time given as seconds after kT0.
struct Visit {
  std::int64_t id;
  std::int64_t after_t0;
  std::string url;
};

// Adds visits to the history database of `engine` at path, in the engine's own time format.
void add_visits_after_t0(const std::filesystem::path& path, const std::string& engine,
                         const std::vector<Visit>& visits) {
  std::vector<browsing_test::RawVisit> raw_visits;
  for (const auto& v : visits) raw_visits.push_back({v.id, raw(engine, kT0 + v.after_t0), v.url});
  add_visits(path, engine, raw_visits);
}

// Runs `test` once per engine with the path of a history database of its own (not yet made).
template <class Test>
void for_each_engine(const Test& test) {
  for (std::string engine : {"chromium", "firefox"}) {
    CAPTURE(engine);
    TempDir dir;
    test(engine, dir.path() / "History");
  }
}

}  // namespace

TEST_CASE("history: both engines' timestamps convert to the same UTC time") {
  for_each_engine([](const std::string& engine, const std::filesystem::path& db) {
    add_visits_after_t0(db, engine,
                        {{1, 0, "http://www.bet365.com/"}, {2, 61, "http://www.gov.cn/"}});
    auto r = read(db, engine, {});
    REQUIRE(r.visits.size() == 2);
    CHECK(r.visits[0].url == "http://www.bet365.com/");
    REQUIRE(r.visits[0].time.has_value());
    CHECK(shouwei::format_rfc3339(*r.visits[0].time) == "2023-11-14T22:13:20Z");
    CHECK(shouwei::format_rfc3339(*r.visits[1].time) == "2023-11-14T22:14:21Z");
    CHECK(r.cursor.last_visit_id == 2);
    CHECK(r.cursor.last_visit_time == raw(engine, kT0 + 61));
    CHECK(r.cursor.seen_count == 2);
    CHECK_FALSE(r.rewound);
    CHECK(r.removed == 0);
  });
}

TEST_CASE("history: the cursor gives only new visits") {
  for_each_engine([](const std::string& engine, const std::filesystem::path& db) {
    add_visits_after_t0(db, engine, {{1, 0, "http://a.example/"}, {2, 1, "http://b.example/"}});
    auto first = read(db, engine, {});
    add_visits_after_t0(db, engine, {{3, 2, "http://c.example/"}});
    auto second = read(db, engine, first.cursor);
    REQUIRE(second.visits.size() == 1);
    CHECK(second.visits[0].url == "http://c.example/");
    CHECK(second.cursor.last_visit_id == 3);
    auto third = read(db, engine, second.cursor);
    CHECK(third.visits.empty());
    CHECK(third.cursor.last_visit_id == 3);
    CHECK_FALSE(third.rewound);
  });
}

TEST_CASE(
    "history: deleting visits already read is reported; the browser expiring old ones is not") {
  for_each_engine([](const std::string& engine, const std::filesystem::path& db) {
    add_visits_after_t0(db, engine,
                        {{1, -40 * 86400, "http://old.example/"},  // older than the 30-day window
                         {2, 0, "http://a.example/"},
                         {3, 1, "http://b.example/"},
                         {4, 2, "http://c.example/"}});
    auto first = read(db, engine, {});
    CHECK(first.cursor.seen_count == 3);
    const std::string visits = engine == "chromium" ? "visits" : "moz_historyvisits";
    browsing_test::exec(db, "DELETE FROM " + visits + " WHERE id = 1");
    auto expired = read(db, engine, first.cursor);
    CHECK(expired.removed == 0);
    browsing_test::exec(db, "DELETE FROM " + visits + " WHERE id = 2");
    auto deleted = read(db, engine, expired.cursor);
    CHECK(deleted.removed == 1);
    CHECK_FALSE(deleted.rewound);
    CHECK(deleted.visits.empty());
    auto again = read(db, engine, deleted.cursor);
    CHECK(again.removed == 0);  // reported once
  });
}

TEST_CASE("history: cleared history is reported, and visits made after the clearing are read") {
  // Firefox reuses visit ids after a clear (no AUTOINCREMENT): the history is rewound.
  // Chromium's ids keep growing (AUTOINCREMENT): the read visits are reported removed.
  for_each_engine([](const std::string& engine, const std::filesystem::path& db) {
    const bool chromium = engine == "chromium";
    add_visits_after_t0(
        db, engine,
        {{1, 0, "http://a.example/"}, {2, 1, "http://b.example/"}, {3, 2, "http://c.example/"}});
    auto first = read(db, engine, {});
    browsing_test::exec(db,
                        std::string("DELETE FROM ") + (chromium ? "visits" : "moz_historyvisits"));
    add_visits_after_t0(db, engine, {{chromium ? 4 : 1, 100, "http://after-clear.example/"}});
    auto cleared = read(db, engine, first.cursor);
    CHECK(cleared.rewound == !chromium);
    CHECK(cleared.removed == 3);
    REQUIRE(cleared.visits.size() == 1);
    CHECK(cleared.visits[0].url == "http://after-clear.example/");
    auto next = read(db, engine, cleared.cursor);
    CHECK_FALSE(next.rewound);
    CHECK(next.removed == 0);
    CHECK(next.visits.empty());
  });
}

TEST_CASE("history: a history replaced by an older copy is rewound") {
  TempDir dir;
  auto db = dir.path() / "places.sqlite";
  add_visits_after_t0(db, "firefox", {{1, 0, "http://a.example/"}, {2, 5, "http://b.example/"}});
  auto first = read(db, "firefox", {});
  browsing_test::exec(db, "DELETE FROM moz_historyvisits WHERE id = 2");
  add_visits_after_t0(db, "firefox", {{2, 1, "http://older.example/"}});
  auto replaced = read(db, "firefox", first.cursor);
  CHECK(replaced.rewound);  // same highest id, but the newest visit is older than the cursor's
}

TEST_CASE("history: absurd timestamps are kept with a null time and counted") {
  for_each_engine([](const std::string& engine, const std::filesystem::path& db) {
    add_visits(db, engine,
               {{1, 0, "http://zero.example/"},
                {2, -5, "http://negative.example/"},
                {3, std::numeric_limits<std::int64_t>::min(), "http://min.example/"},
                {4, std::numeric_limits<std::int64_t>::max(), "http://max.example/"},
                {5, raw(engine, kT0 + 86400 * 365), "http://next-year.example/"},
                {6, raw(engine, kT0), "http://fine.example/"}});
    auto r = read(db, engine, {});
    REQUIRE(r.visits.size() == 6);
    for (int i = 0; i < 5; ++i) CHECK_FALSE(r.visits[i].time.has_value());
    CHECK(r.visits[5].time.has_value());
    CHECK(r.suspect_times == 5);
    CHECK(r.cursor.last_visit_id == 6);
  });
}

TEST_CASE("history: a large history is read in bounded batches") {
  TempDir dir;
  auto db = dir.path() / "History";
  std::vector<browsing_test::RawVisit> visits;
  for (int i = 1; i <= 5; ++i)
    visits.push_back(
        {i, raw("chromium", kT0 + i), "http://site" + std::to_string(i) + ".example/"});
  add_visits(db, "chromium", visits);
  auto first = read(db, "chromium", {}, 2);
  CHECK(first.visits.size() == 2);
  CHECK(first.more);
  auto second = read(db, "chromium", first.cursor, 2);
  CHECK(second.visits.size() == 2);
  CHECK(second.visits[0].id == 3);
  auto third = read(db, "chromium", second.cursor, 2);
  CHECK(third.visits.size() == 1);
  CHECK_FALSE(third.more);
}

TEST_CASE("history: long URLs are cut, a visit whose URL row is gone still counts") {
  TempDir dir;
  auto db = dir.path() / "History";
  add_visits_after_t0(
      db, "chromium",
      {{1, 0, "data:text/html," + std::string(100000, 'a')}, {2, 0, "http://orphan.example/"}});
  browsing_test::exec(db, "DELETE FROM urls WHERE url = 'http://orphan.example/'");
  auto r = read(db, "chromium", {});
  REQUIRE(r.visits.size() == 2);
  CHECK(r.visits[0].url.size() == kMaxUrlBytes);
  CHECK(r.visits[1].url.empty());
}

TEST_CASE("history: a database of another kind fails naming it") {
  TempDir dir;
  auto db_path = dir.path() / "History";
  browsing_test::exec(db_path, "CREATE TABLE meta(key TEXT, value TEXT)");
  auto db = browsing_test::open_db(db_path);
  auto r = read_history(db, BrowserEngine::chromium, {}, kNow);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == shouwei::Errc::parse);
  CHECK(r.error().message.find(db_path.string()) != std::string::npos);
  auto ff = read_history(db, BrowserEngine::firefox, {}, kNow);
  REQUIRE_FALSE(ff.ok());
  CHECK(ff.error().message.find("moz_historyvisits") != std::string::npos);
}
