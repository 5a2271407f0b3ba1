// Helpers for the browsing tests: temporary fixture roots and history databases built from the
// real browsers' schemas (tests/fixtures/browsing/*.sql, dumped from Debian 12's Chromium and
// Firefox ESR).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "../common/temp_dir.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/common/sqlite.hpp"

namespace browsing_test {
namespace fs = std::filesystem;

using shouwei::test::TempDir;

// Writes a fixture file, making its parent directories.
inline void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  shouwei::test::write_test_file(path, text);
}

struct RawVisit {
  std::int64_t id;
  std::int64_t raw_time;
  std::string url;
};

// Microseconds from 1601-01-01 to 1970-01-01 (the Chromium epoch offset), written out here
// independently of the code under test.
inline constexpr std::int64_t kChromiumOffsetUs = 11644473600000000LL;

inline std::int64_t unix_us(std::int64_t unix_seconds) {
  return unix_seconds * 1000000LL;
}

inline shouwei::sqlite::Database open_db(const fs::path& path) {
  fs::create_directories(path.parent_path());
  auto db =
      shouwei::sqlite::Database::open(path, {.create = true, .read_only = false, .wal = false});
  REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db.error().message));
  return std::move(db).value();
}

// Creates (or extends) a history database with the real schema of `engine` ("chromium" or
// "firefox") and the given visits; each visit gets its own URL row.
inline void add_visits(const fs::path& path, const std::string& engine,
                       const std::vector<RawVisit>& visits) {
  const bool fresh = !fs::exists(path);
  auto db = open_db(path);
  if (fresh) {
    auto schema =
        shouwei::read_file(fs::path(SHOUWEI_FIXTURES) / "browsing" /
                           (engine == "chromium" ? "chromium_history.sql" : "firefox_places.sql"));
    REQUIRE(schema.ok());
    REQUIRE(db.exec(*schema).ok());
  }
  for (const auto& v : visits) {
    const bool chromium = engine == "chromium";
    auto url = db.prepare(
        chromium ? "INSERT INTO urls (url, title, last_visit_time) VALUES (?1, '', ?2)"
                 : "INSERT INTO moz_places (url, title, last_visit_date) VALUES (?1, '', ?2)");
    REQUIRE(url.ok());
    url->bind(1, std::string_view(v.url)).bind(2, v.raw_time);
    REQUIRE(url->run().ok());
    auto place = db.last_insert_rowid();
    auto visit = db.prepare(
        chromium ? "INSERT INTO visits (id, url, visit_time) VALUES (?1, ?2, ?3)"
                 : "INSERT INTO moz_historyvisits (id, place_id, visit_date, visit_type) "
                   "VALUES (?1, ?2, ?3, 1)");
    REQUIRE(visit.ok());
    visit->bind(1, v.id).bind(2, place).bind(3, v.raw_time);
    REQUIRE(visit->run().ok());
  }
}

inline void exec(const fs::path& path, const std::string& sql) {
  auto db = open_db(path);
  auto r = db.exec(sql);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
}

}  // namespace browsing_test
