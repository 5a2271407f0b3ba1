// The browsing collector: reads every profile's new history visits, logs them locally with
// their categories, and renders the "browsing" snapshot section for the window since the
// previous acknowledged snapshot.
//
// Window and acknowledgement: collect() reports what was logged after the window mark and
// offers ack_marker(); acknowledge(marker) (called by the agent once that snapshot is stored,
// later once the server acknowledged it) moves the mark. Until then the same visits are
// reported again in the next snapshot, so a lost snapshot loses no prohibited visit. The log
// itself is kept for the retention period whatever is acknowledged.
//
// Section (JSON):
//   window        {from: end of the last acknowledged window | null (none yet), to: now}
//   retention_days
//   visits        number of visits logged in the window
//   by_category   {category: count} over the window's visits; a visit in no category counts
//                 as "uncategorized", a visit in several counts once in each
//   prohibited    [{time (visit time, null when absurd), observed_at, user, browser, profile,
//                   host, url, category, categories}] visits in a prohibited category, at most
//                 kMaxProhibitedReported; prohibited_omitted counts the rest
//   tamper        [{observed_at, user, browser, profile, kind, detail}] history that shrank or
//                 was rewound, or a profile read before that is gone (kind "visits_removed" |
//                 "history_rewound" | "profile_removed")
//   profiles      [{user, browser, profile, path, status: "ok" | "error", error, new_visits,
//                   suspect_times, more}] one entry per profile found this time
//   warnings      configuration warnings (retention raised to the minimum)
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shouwei/collectors/browsing/categorizer.hpp"
#include "shouwei/collectors/browsing/config.hpp"
#include "shouwei/collectors/browsing/ports.hpp"
#include "shouwei/collectors/collector.hpp"
#include "shouwei/common/sqlite.hpp"

namespace shouwei::collectors::browsing {

inline constexpr std::size_t kMaxProhibitedReported = 1000;

// What a signed policy sets for browsing. While one is set it replaces the configuration's
// prohibited categories and retention (the policy wins), from the next collect() on; the
// retention is never below kMinRetentionDays.
struct BrowsingPolicyRules {
  std::vector<std::string> prohibited;
  int retention_days = kDefaultRetentionDays;
};

struct BrowsingPorts {
  std::unique_ptr<ProfileSource> profiles;
  std::unique_ptr<HistoryCopier> copier;
};

// Applies the "browsing" migrations to `db` and returns the collector. policy_rules, when
// given, is read at every collect() (nullopt: the configuration's rules apply).
// REQUIRES: db, categorizer and policy_rules outlive the collector; collect() and changes to
// *policy_rules happen on one thread.
Result<std::unique_ptr<Collector>> make_browsing_collector(
    BrowsingPorts ports, sqlite::Database& db, const HostCategorizer& categorizer,
    BrowsingConfig config, const std::optional<BrowsingPolicyRules>* policy_rules = nullptr);

}  // namespace shouwei::collectors::browsing
