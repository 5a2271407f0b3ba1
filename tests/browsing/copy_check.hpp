// Helpers shared by the HistoryCopier tests (tests/browsing/copier_test.cpp on Linux,
// tests/win/browsing under Wine): a profile at an in-system directory, a History held the way a
// running Chromium holds it, a places.sqlite held the way a running Firefox holds it, and the
// number of visits a copy holds when read the way the collector reads it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "shouwei/collectors/browsing/history_reader.hpp"
#include "shouwei/collectors/browsing/types.hpp"
#include "support.hpp"

namespace browsing_test {

inline shouwei::collectors::browsing::BrowserProfile profile_at(
    const std::string& dir, shouwei::collectors::browsing::BrowserEngine engine) {
  using shouwei::collectors::browsing::BrowserEngine;
  return {"alice", engine == BrowserEngine::chromium ? "chromium" : "firefox", engine, "p", dir,
          {}};
}

inline std::size_t visits_in(const std::filesystem::path& db_path,
                             shouwei::collectors::browsing::BrowserEngine engine) {
  using namespace shouwei::collectors::browsing;
  auto db = open_history_copy(db_path);
  REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db.error().message));
  auto r = read_history(*db, engine, {}, shouwei::from_unix_seconds(1700086400));
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return r->visits.size();
}

// A Chromium History at path with one committed visit, and the connection of "the browser"
// holding it like Chromium: exclusive locking mode (the lock is kept after the first write) and
// a transaction in progress, large enough that SQLite has already written pages to the main file
// (a tiny cache spills them) with their originals in History-journal. Keep the result alive
// while copying.
inline shouwei::sqlite::Database live_chromium_history(const std::filesystem::path& path) {
  add_visits(path, "chromium", {{1, 13344473600000000, "http://a.example/"}});
  auto live =
      shouwei::sqlite::Database::open(path, {.create = false, .read_only = false, .wal = false});
  REQUIRE(live.ok());
  REQUIRE(
      live->exec("PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=5;"
                 "INSERT INTO urls (url, last_visit_time) VALUES ('http://committed.example/', 0);"
                 "BEGIN IMMEDIATE;"
                 "WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                 "INSERT INTO visits (id, url, visit_time, external_referrer_url) "
                 "SELECT i, 1, 13344473600000000 + i, hex(randomblob(200)) FROM n")
          .ok());
  return std::move(live).value();
}

// A Firefox places.sqlite at path with one visit in the main file, and the connection of "the
// browser" holding it in WAL mode with a second visit only in places.sqlite-wal (automatic
// checkpoints off, as a busy Firefox often leaves it). Keep the result alive while copying.
inline shouwei::sqlite::Database live_firefox_places(const std::filesystem::path& path) {
  add_visits(path, "firefox", {{1, 1700000000000000, "http://first.example/"}});
  auto live =
      shouwei::sqlite::Database::open(path, {.create = false, .read_only = false, .wal = true});
  REQUIRE(live.ok());
  REQUIRE(live->exec("PRAGMA wal_autocheckpoint=0").ok());
  REQUIRE(live->exec("INSERT INTO moz_places (id, url) VALUES (100, 'http://in-wal.example/');"
                     "INSERT INTO moz_historyvisits (id, place_id, visit_date) VALUES (2, 100, "
                     "1700000001000000)")
              .ok());
  std::filesystem::path wal = path;
  wal += "-wal";
  REQUIRE(std::filesystem::file_size(wal) > 0);
  return std::move(live).value();
}

}  // namespace browsing_test
