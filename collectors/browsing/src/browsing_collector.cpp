#include "shouwei/collectors/browsing/browsing_collector.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "shouwei/collectors/browsing/browsing_log.hpp"
#include "shouwei/collectors/browsing/history_reader.hpp"
#include "shouwei/common/utf8.hpp"

namespace shouwei::collectors::browsing {
namespace json = boost::json;
namespace {

constexpr std::string_view kUncategorized = "uncategorized";

// Names, paths and URLs come from files users control: bytes, not necessarily UTF-8, and the
// snapshot must be valid UTF-8 to be signed.
json::string text(std::string_view bytes) {
  return json::string(to_valid_utf8(bytes));
}

json::value time_or_null(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return json::string(format_rfc3339(*t));
}

// The categoriser's answer as stored: sorted, unique, without empty names or names holding the
// log's separator (a line feed).
std::vector<std::string> clean_categories(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::erase_if(
      v, [](const std::string& c) { return c.empty() || c.find('\n') != std::string::npos; });
  return v;
}

json::array to_array(const std::vector<std::string>& v) {
  json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

class BrowsingCollector final : public Collector {
 public:
  BrowsingCollector(BrowsingPorts ports, sqlite::Database& db, const HostCategorizer& categorizer,
                    BrowsingConfig config, const std::optional<BrowsingPolicyRules>* policy_rules)
      : ports_(std::move(ports)),
        db_(db),
        categorizer_(categorizer),
        config_(std::move(config)),
        policy_rules_(policy_rules) {}

  std::string_view section() const override { return "browsing"; }

  Result<json::object> collect(const CollectContext& context) override {
    const TimePoint now = context.clock.now();
    const int retention = retention_days();
    SHOUWEI_TRY(std::int64_t pruned,
                prune_browsing_log(db_, now - std::chrono::hours(24) * retention));
    if (pruned > 0)
      spdlog::info("browsing: pruned {} log rows older than {} days", pruned, retention);
    SHOUWEI_TRY(auto profiles, ports_.profiles->find(context.root));
    json::array statuses;
    std::set<std::string> found;
    for (const auto& profile : profiles) {
      statuses.push_back(read_profile(context.root, profile, now));
      // A profile still there but unusable is an error entry, not a removal.
      if (!profile.error || context.root.exists(profile.directory)) found.insert(profile.directory);
    }
    SHOUWEI_TRY(auto removed, note_missing_profiles(db_, found, now));
    for (const auto& e : removed) spdlog::warn("browsing: {}: {}", e.user, e.detail);
    SHOUWEI_TRY(json::object section, render_window(now));
    section["profiles"] = std::move(statuses);
    return section;
  }

 private:
  const BrowsingPolicyRules* policy() const {
    return policy_rules_ != nullptr && policy_rules_->has_value() ? &**policy_rules_ : nullptr;
  }
  int retention_days() const {
    const auto* p = policy();
    return p != nullptr ? std::max(p->retention_days, kMinRetentionDays) : config_.retention_days;
  }
  const std::vector<std::string>& prohibited() const {
    const auto* p = policy();
    return p != nullptr ? p->prohibited : config_.prohibited;
  }

  // Reads one profile's new visits into the log; returns its status entry. Never fails the
  // whole section: one unreadable profile must not hide the others.
  json::object read_profile(const RootFs& root, const BrowserProfile& profile, TimePoint now) {
    json::object status{{"user", text(profile.user)},
                        {"browser", profile.browser},
                        {"profile", text(profile.profile)},
                        {"path", text(profile.directory)},
                        {"status", "ok"},
                        {"error", nullptr}};
    auto result = profile.error ? Result<HistoryRead>(fail(Errc::invalid_argument, *profile.error))
                                : read_and_log(root, profile, now);
    if (!result) {
      spdlog::warn("browsing: {}", result.error().message);
      status["status"] = "error";
      status["error"] = text(result.error().message);
      return status;
    }
    status["new_visits"] = static_cast<std::int64_t>(result->visits.size());
    status["suspect_times"] = result->suspect_times;
    status["more"] = result->more;
    return status;
  }

  Result<HistoryRead> read_and_log(const RootFs& root, const BrowserProfile& profile,
                                   TimePoint now) {
    SHOUWEI_TRY(HistoryCopy copy, ports_.copier->copy(root, profile));
    SHOUWEI_TRY(auto history, open_history_copy(copy.database()));
    SHOUWEI_TRY(HistoryCursor cursor, load_cursor(db_, profile.directory));
    SHOUWEI_TRY(HistoryRead read, read_history(history, profile.engine, cursor, now));

    std::vector<LoggedVisit> visits;
    visits.reserve(read.visits.size());
    for (const auto& v : read.visits) {
      LoggedVisit logged;
      logged.observed_at = now;
      logged.time = v.time;
      logged.user = profile.user;
      logged.browser = profile.browser;
      logged.profile = profile.profile;
      logged.url = v.url;
      logged.host = url_host(v.url);
      logged.categories = clean_categories(categorizer_.categorize(v.url));
      visits.push_back(std::move(logged));
    }
    std::vector<TamperEvent> events;
    auto event = [&](std::string kind, std::string detail) {
      events.push_back(TamperEvent{0, now, profile.user, profile.browser, profile.profile,
                                   std::move(kind), std::move(detail)});
    };
    if (read.rewound) {
      event("history_rewound",
            "the history's newest visit is older than the last one read (visit id " +
                std::to_string(cursor.last_visit_id) +
                "): it was cleared or replaced by an older copy");
    }
    if (read.removed > 0) {
      event("visits_removed",
            std::to_string(read.removed) +
                " visit(s) of the last 30 days read earlier are no longer in the history");
    }
    SHOUWEI_TRY_VOID(record_profile_read(db_, profile, visits, events, read.cursor, now));
    return read;
  }

  Result<json::object> render_window(TimePoint now) {
    SHOUWEI_TRY(WindowMark mark, load_window_mark(db_));
    std::map<std::string, std::int64_t> by_category;
    const std::vector<std::string>& forbidden_categories = prohibited();
    json::array prohibited;
    std::int64_t visits = 0;
    std::int64_t omitted = 0;
    SHOUWEI_TRY(std::int64_t last_visit_row,
                for_each_visit_after(db_, mark.visit_row, [&](const LoggedVisit& v) {
                  ++visits;
                  if (v.categories.empty()) ++by_category[std::string(kUncategorized)];
                  std::vector<std::string> forbidden;
                  for (const auto& c : v.categories) {
                    ++by_category[c];
                    if (std::find(forbidden_categories.begin(), forbidden_categories.end(),
                                  c) != forbidden_categories.end()) {
                      forbidden.push_back(c);
                    }
                  }
                  if (forbidden.empty()) return;
                  if (prohibited.size() >= kMaxProhibitedReported) {
                    ++omitted;
                    return;
                  }
                  prohibited.push_back(json::object{
                      {"time", time_or_null(v.time)},
                      {"observed_at", format_rfc3339(v.observed_at)},
                      {"user", text(v.user)},
                      {"browser", v.browser},
                      {"profile", text(v.profile)},
                      {"host", v.host ? json::value(text(*v.host)) : json::value(nullptr)},
                      {"url", text(v.url)},
                      {"category", forbidden.front()},
                      {"categories", to_array(forbidden)}});
                }));
    SHOUWEI_TRY(auto events, events_after(db_, mark.event_row));
    json::array tamper;
    for (const auto& e : events) {
      tamper.push_back(json::object{{"observed_at", format_rfc3339(e.observed_at)},
                                    {"user", text(e.user)},
                                    {"browser", e.browser},
                                    {"profile", text(e.profile)},
                                    {"kind", e.kind},
                                    {"detail", e.detail}});
    }
    json::object counts;
    for (const auto& [category, count] : by_category) counts[category] = count;

    json::object section;
    section["window"] = json::object{{"from", time_or_null(mark.to)}, {"to", format_rfc3339(now)}};
    section["retention_days"] = retention_days();
    section["visits"] = visits;
    section["by_category"] = std::move(counts);
    section["prohibited"] = std::move(prohibited);
    section["prohibited_omitted"] = omitted;
    section["tamper"] = std::move(tamper);
    section["warnings"] = to_array(config_.warnings);

    pending_ = WindowMark{now, last_visit_row, events.empty() ? mark.event_row : events.back().id};
    return section;
  }

  std::optional<std::string> ack_marker() const override {
    if (!pending_) return std::nullopt;
    return encode_window_mark(*pending_);
  }

  Result<void> acknowledge(std::string_view marker) override {
    SHOUWEI_TRY(WindowMark acked, decode_window_mark(marker));
    SHOUWEI_TRY(WindowMark current, load_window_mark(db_));
    // An older snapshot acknowledged late must not move the window backwards.
    if (acked.visit_row < current.visit_row || acked.event_row < current.event_row) return {};
    return save_window_mark(db_, acked);
  }

  BrowsingPorts ports_;
  std::optional<WindowMark> pending_;
  sqlite::Database& db_;
  const HostCategorizer& categorizer_;
  BrowsingConfig config_;
  const std::optional<BrowsingPolicyRules>* policy_rules_;
};

}  // namespace

Result<std::unique_ptr<Collector>> make_browsing_collector(
    BrowsingPorts ports, sqlite::Database& db, const HostCategorizer& categorizer,
    BrowsingConfig config, const std::optional<BrowsingPolicyRules>* policy_rules) {
  if (!ports.profiles || !ports.copier) {
    return fail(Errc::invalid_argument, "make_browsing_collector: a browsing port is missing");
  }
  SHOUWEI_TRY_VOID(migrate_browsing_log(db));
  return std::unique_ptr<Collector>(
      std::make_unique<BrowsingCollector>(std::move(ports), db, categorizer, std::move(config),
                                          policy_rules));
}

}  // namespace shouwei::collectors::browsing
