// Plain data passed between the browsing ports (platform code) and the browsing collector
// (portable logic). No behaviour here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "shouwei/common/clock.hpp"

namespace shouwei::collectors::browsing {

// A local account whose home directory may hold browser profiles.
struct LocalUser {
  std::string name;
  std::int64_t uid = -1;
  std::string home;  // in-system absolute path ("/home/alice"), resolved through RootFs
};

// How a profile's history database is laid out.
enum class BrowserEngine {
  chromium,  // History: urls + visits, visit_time in microseconds since 1601-01-01 UTC
  firefox,   // places.sqlite: moz_places + moz_historyvisits, visit_date in us since 1970
};

// One browser profile found in a user's home.
struct BrowserProfile {
  std::string user;     // account name from the password database
  std::string browser;  // stable browser id from the browser table ("chrome", "firefox"...)
  BrowserEngine engine = BrowserEngine::chromium;
  std::string profile;    // profile name: "Default", "Profile 1", "abcd1234.default-esr"
  std::string directory;  // in-system absolute path of the profile directory
  // Set when discovery found the profile (or its browser's data directory) but cannot use it;
  // the collector reports it as an error entry and reads nothing from it.
  std::optional<std::string> error;

  // The history database file inside `directory`.
  std::string history_file() const {
    return engine == BrowserEngine::chromium ? "History" : "places.sqlite";
  }
};

// One row of a browser's visit table, as read from the private copy.
struct Visit {
  std::int64_t id = 0;        // the browser's visit id (grows with each visit)
  std::int64_t raw_time = 0;  // the browser's own timestamp, unconverted
  // The visit time in UTC, or nullopt when raw_time is absurd (see history_reader.hpp).
  std::optional<TimePoint> time;
  std::string url;
};

// How far a profile's history has been read; kept in the agent's database per profile.
struct HistoryCursor {
  std::int64_t last_visit_id = 0;    // highest visit id read so far (0: nothing read yet)
  std::int64_t last_visit_time = 0;  // raw_time of the newest visit read so far
  // Visits with id <= last_visit_id and raw time >= recent_since present after the last read.
  // Only recent visits are counted so that the browser's own expiry of old history (Chrome
  // drops visits after 90 days) is not taken for the user deleting them.
  std::int64_t seen_count = 0;
  std::int64_t recent_since = 0;  // raw time threshold of seen_count
};

}  // namespace shouwei::collectors::browsing
