// Helpers shared by the HistoryCopier tests (tests/browsing/copier_test.cpp on Linux,
// tests/win/browsing under Wine): a profile at an in-system directory, and the number of
// visits a copy holds when read the way the collector reads it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "shouwei/collectors/browsing/history_reader.hpp"
#include "shouwei/collectors/browsing/types.hpp"

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

}  // namespace browsing_test
