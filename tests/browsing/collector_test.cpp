// The browsing collector end to end on fixture roots with the Linux ports: the section, the
// window and its acknowledgement, tamper events, broken profiles, retention and wiping.
#include <map>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "shouwei/collectors/browsing/browsing_collector.hpp"
#include "shouwei/collectors/browsing/browsing_log.hpp"
#include "support.hpp"

using namespace shouwei::collectors::browsing;
using browsing_test::add_visits;
using browsing_test::kChromiumOffsetUs;
using browsing_test::TempDir;
using browsing_test::unix_us;
using browsing_test::write_text;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kT0 = 1700000000;  // 2023-11-14T22:13:20Z

// Categories by host, like the category database would answer.
class MapCategorizer final : public HostCategorizer {
 public:
  std::vector<std::string> categorize(std::string_view url) const override {
    auto host = url_host(url);
    if (!host) return {};
    auto it = table.find(*host);
    return it == table.end() ? std::vector<std::string>{} : it->second;
  }
  std::map<std::string, std::vector<std::string>> table{
      {"www.bet365.com", {"gambling", "games"}},
      {"www.youku.com", {"video"}},
      {"mail.163.com", {"webmail"}},
  };
};

struct Fixture {
  TempDir root, temp, state;
  shouwei::sqlite::Database db = browsing_test::open_db(state.path() / "agent.db");
  MapCategorizer categorizer;
  shouwei::FixedClock clock{shouwei::from_unix_seconds(kT0 + 3600)};
  std::optional<BrowsingPolicyRules> policy_rules;  // what a signed policy sets; read at collect()
  std::unique_ptr<shouwei::collectors::Collector> collector;

  fs::path chrome_history() const {
    return root.path() / "home/alice/.config/google-chrome/Default/History";
  }
  fs::path firefox_places() const {
    return root.path() / "home/bob/.mozilla/firefox/b.default-esr/places.sqlite";
  }

  explicit Fixture(BrowsingConfig config = {}) {
    write_text(root.path() / "etc/passwd",
               "alice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n");
    write_text(root.path() / "home/bob/.mozilla/firefox/profiles.ini",
               "[Profile0]\nPath=b.default-esr\n");
    add_visits(chrome_history(), "chromium",
               {{1, unix_us(kT0) + kChromiumOffsetUs, "http://www.bet365.com/en/"},
                {2, unix_us(kT0 + 60) + kChromiumOffsetUs, "http://www.gov.cn/"}});
    add_visits(firefox_places(), "firefox",
               {{1, unix_us(kT0 + 120), "http://www.youku.com/v/1"},
                {2, unix_us(kT0 + 180), "https://mail.163.com/"},
                {3, 0, "http://www.bet365.com/absurd-time"}});
    auto made = make_browsing_collector(
        BrowsingPorts{make_platform_profile_source(), make_platform_history_copier(temp.path())},
        db, categorizer, std::move(config), &policy_rules);
    REQUIRE_MESSAGE(made.ok(), (made.ok() ? "" : made.error().message));
    collector = std::move(made).value();
  }

  json::object collect() {
    shouwei::RootFs fs_root(root.path());
    auto section = collector->collect({fs_root, clock});
    REQUIRE_MESSAGE(section.ok(), (section.ok() ? "" : section.error().message));
    return std::move(section).value();
  }

  std::int64_t logged_rows() {
    auto stmt = db.prepare("SELECT count(*) FROM browsing_visit");
    REQUIRE(stmt.ok());
    REQUIRE(stmt->step().value_or(false));
    return stmt->get_int64(0);
  }
};

const json::object* profile_entry(const json::object& section, std::string_view browser,
                                  std::string_view profile) {
  for (const auto& p : section.at("profiles").as_array()) {
    const auto& o = p.as_object();
    if (o.at("browser").as_string() == browser && o.at("profile").as_string() == profile) return &o;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("collector: the first section counts every visit and lists the prohibited ones") {
  Fixture f;
  CHECK(f.collector->section() == "browsing");
  auto s = f.collect();
  CHECK(s.at("window").at("from").is_null());
  CHECK(s.at("window").at("to").as_string() == "2023-11-14T23:13:20Z");
  CHECK(s.at("retention_days").as_int64() == 90);
  CHECK(s.at("visits").as_int64() == 5);
  const auto& counts = s.at("by_category").as_object();
  CHECK(counts.at("gambling").as_int64() == 2);
  CHECK(counts.at("games").as_int64() == 2);
  CHECK(counts.at("video").as_int64() == 1);
  CHECK(counts.at("webmail").as_int64() == 1);
  CHECK(counts.at("uncategorized").as_int64() == 1);
  CHECK(counts.size() == 5);

  const auto& prohibited = s.at("prohibited").as_array();
  REQUIRE(prohibited.size() == 3);  // bet365 twice, youku; webmail is not prohibited by default
  const auto& bet = prohibited[0].as_object();
  CHECK(bet.at("time").as_string() == "2023-11-14T22:13:20Z");
  CHECK(bet.at("observed_at").as_string() == "2023-11-14T23:13:20Z");
  CHECK(bet.at("user").as_string() == "alice");
  CHECK(bet.at("browser").as_string() == "chrome");
  CHECK(bet.at("profile").as_string() == "Default");
  CHECK(bet.at("host").as_string() == "www.bet365.com");
  CHECK(bet.at("url").as_string() == "http://www.bet365.com/en/");
  CHECK(bet.at("category").as_string() == "gambling");
  CHECK(bet.at("categories") == json::array{"gambling", "games"});
  const auto& absurd = prohibited[2].as_object();
  CHECK(absurd.at("user").as_string() == "bob");
  CHECK(absurd.at("time").is_null());  // raw time 0: kept, time unknown
  CHECK(s.at("prohibited_omitted").as_int64() == 0);
  CHECK(s.at("tamper").as_array().empty());

  auto* ff = profile_entry(s, "firefox", "b.default-esr");
  REQUIRE(ff != nullptr);
  CHECK(ff->at("status").as_string() == "ok");
  CHECK(ff->at("user").as_string() == "bob");
  CHECK(ff->at("path").as_string() == "/home/bob/.mozilla/firefox/b.default-esr");
  CHECK(ff->at("new_visits").as_int64() == 3);
  CHECK(ff->at("suspect_times").as_int64() == 1);
  CHECK(ff->at("error").is_null());
}

TEST_CASE("collector: the window moves only when the snapshot is acknowledged") {
  Fixture f;
  auto first = f.collect();
  auto marker = f.collector->ack_marker();
  REQUIRE(marker.has_value());

  f.clock.set(shouwei::from_unix_seconds(kT0 + 7200));
  auto unacked = f.collect();
  CHECK(unacked.at("visits").as_int64() == 5);  // reported again: nothing was acknowledged
  CHECK(unacked.at("window").at("from").is_null());
  CHECK(f.logged_rows() == 5);  // but read from the browsers only once

  REQUIRE(f.collector->acknowledge(*marker).ok());
  add_visits(f.chrome_history(), "chromium",
             {{3, unix_us(kT0 + 5000) + kChromiumOffsetUs, "http://www.youku.com/x"}});
  f.clock.set(shouwei::from_unix_seconds(kT0 + 10800));
  auto next = f.collect();
  CHECK(next.at("window").at("from") == first.at("window").at("to"));
  CHECK(next.at("visits").as_int64() == 1);
  REQUIRE(next.at("prohibited").as_array().size() == 1);
  CHECK(next.at("prohibited").as_array()[0].at("url").as_string() == "http://www.youku.com/x");

  // A late acknowledgement of an older snapshot does not move the window back.
  auto newer = f.collector->ack_marker();
  REQUIRE(f.collector->acknowledge(*newer).ok());
  REQUIRE(f.collector->acknowledge(*marker).ok());
  auto mark = load_window_mark(f.db);
  REQUIRE(mark.ok());
  CHECK(mark->visit_row == 6);
  CHECK_FALSE(f.collector->acknowledge("browsing/v1 1 2").ok());
  CHECK_FALSE(f.collector->acknowledge("garbage").ok());
}

TEST_CASE("collector: cleared history is a tamper event in the section") {
  Fixture f;
  f.collect();
  REQUIRE(f.collector->acknowledge(*f.collector->ack_marker()).ok());
  browsing_test::exec(f.firefox_places(), "DELETE FROM moz_historyvisits");
  auto s = f.collect();
  const auto& tamper = s.at("tamper").as_array();
  REQUIRE(tamper.size() == 2);
  CHECK(tamper[0].at("kind").as_string() == "history_rewound");
  CHECK(tamper[0].at("user").as_string() == "bob");
  CHECK(tamper[0].at("browser").as_string() == "firefox");
  CHECK(tamper[1].at("kind").as_string() == "visits_removed");
  // The visit with the absurd time 0 is not among the recent visits counted as removed.
  CHECK(tamper[1].at("detail").as_string().starts_with("2 visit(s)"));
}

TEST_CASE("collector: a deleted profile is a tamper event, reported once") {
  Fixture f;
  f.collect();
  REQUIRE(f.collector->acknowledge(*f.collector->ack_marker()).ok());
  fs::remove_all(f.firefox_places().parent_path());
  auto s = f.collect();
  const auto& tamper = s.at("tamper").as_array();
  REQUIRE(tamper.size() == 1);
  CHECK(tamper[0].at("kind").as_string() == "profile_removed");
  CHECK(tamper[0].at("user").as_string() == "bob");
  CHECK(tamper[0].at("detail").as_string().find("/home/bob/.mozilla/firefox/b.default-esr") !=
        std::string::npos);
  REQUIRE(f.collector->acknowledge(*f.collector->ack_marker()).ok());
  CHECK(f.collect().at("tamper").as_array().empty());

  // Back again: read on from its cursor, nothing logged twice.
  add_visits(f.firefox_places(), "firefox", {{1, unix_us(kT0 + 120), "http://www.youku.com/v/1"}});
  REQUIRE(f.collector->acknowledge(*f.collector->ack_marker()).ok());
  auto back = f.collect();
  CHECK(back.at("visits").as_int64() == 0);
  // Its history came back smaller: rewound, and one of the visits read is missing.
  REQUIRE(back.at("tamper").as_array().size() == 2);
  CHECK(back.at("tamper").as_array()[0].at("kind").as_string() == "history_rewound");
  CHECK(back.at("tamper").as_array()[1].at("kind").as_string() == "visits_removed");
}

TEST_CASE(
    "collector: corrupt, truncated and unreadable histories are error entries; others are read") {
  Fixture f;
  const fs::path chrome = f.root.path() / "home/alice/.config/google-chrome";
  write_text(chrome / "Profile 1/History",
             "this is not an SQLite database, just text the user wrote");
  auto real = shouwei::read_file(f.chrome_history());
  REQUIRE(real.ok());
  write_text(chrome / "Profile 2/History", real->substr(0, 1000));  // header intact, pages cut
  write_text(chrome / "Profile 3/History", std::string(real->size(), '\0'));
  browsing_test::exec(chrome / "Profile 4/History", "CREATE TABLE other(x)");
  fs::create_directories(chrome / "Profile 5/History");
  write_text(f.root.path() / "home/alice/.config/chromium", "a file where a directory belongs");

  auto s = f.collect();
  CHECK(s.at("visits").as_int64() == 5);  // the good profiles are all read
  for (const char* name : {"Profile 1", "Profile 2", "Profile 3", "Profile 4", "Profile 5"}) {
    CAPTURE(name);
    auto* entry = profile_entry(s, "chrome", name);
    REQUIRE(entry != nullptr);
    CHECK(entry->at("status").as_string() == "error");
    CHECK_FALSE(entry->at("error").as_string().empty());
  }
  CHECK(profile_entry(s, "chrome", "Profile 4")
            ->at("error")
            .as_string()
            .find("not a Chromium history database") != std::string::npos);
  auto* chromium = profile_entry(s, "chromium", "*");
  REQUIRE(chromium != nullptr);
  CHECK(chromium->at("error").as_string().find("not a directory") != std::string::npos);
  CHECK(profile_entry(s, "chrome", "Default")->at("status").as_string() == "ok");
}

TEST_CASE("collector: the log is kept for the retention period and pruned after") {
  BrowsingConfig config;
  config.retention_days = 60;
  Fixture f(config);
  f.collect();
  CHECK(f.logged_rows() == 5);
  f.clock.set(shouwei::from_unix_seconds(kT0 + 3600 + 60 * 86400 - 1));
  f.collect();
  CHECK(f.logged_rows() == 5);
  f.clock.set(shouwei::from_unix_seconds(kT0 + 3600 + 60 * 86400 + 1));
  f.collect();
  CHECK(f.logged_rows() == 0);
}

TEST_CASE("collector: wiping removes the log; the history is read anew") {
  Fixture f;
  f.collect();
  REQUIRE(wipe_browsing_log(f.db).ok());
  CHECK(f.logged_rows() == 0);
  auto s = f.collect();
  CHECK(s.at("window").at("from").is_null());
  CHECK(s.at("visits").as_int64() == 5);
}

TEST_CASE("collector: names that are not UTF-8 are repaired in the section") {
  Fixture f;
  const fs::path odd = f.root.path() / "home/alice/.config/google-chrome/Profile \xff";
  add_visits(odd / "History", "chromium",
             {{1, unix_us(kT0) + kChromiumOffsetUs, "http://www.bet365.com/"}});
  auto s = f.collect();
  auto* entry = profile_entry(s, "chrome", "Profile \xEF\xBF\xBD");
  REQUIRE(entry != nullptr);
  CHECK(entry->at("status").as_string() == "ok");
  CHECK(entry->at("path").as_string() == "/home/alice/.config/google-chrome/Profile \xEF\xBF\xBD");
  bool found = false;
  for (const auto& v : s.at("prohibited").as_array())
    found |= v.at("profile").as_string() == "Profile \xEF\xBF\xBD";
  CHECK(found);
}

TEST_CASE("collector: a configured prohibited list replaces the default") {
  BrowsingConfig config;
  config.prohibited = {"webmail"};
  Fixture f(config);
  auto s = f.collect();
  REQUIRE(s.at("prohibited").as_array().size() == 1);
  CHECK(s.at("prohibited").as_array()[0].at("host").as_string() == "mail.163.com");
}

TEST_CASE("collector: missing ports are refused") {
  TempDir state;
  auto db = browsing_test::open_db(state.path() / "agent.db");
  NullCategorizer none;
  auto made = make_browsing_collector({}, db, none, {});
  CHECK_FALSE(made.ok());
}

TEST_CASE("collector: a policy's categories and retention win over the configuration, live") {
  BrowsingConfig config;
  config.retention_days = 365;
  Fixture f(config);
  f.collect();
  REQUIRE(f.collector->acknowledge(*f.collector->ack_marker()).ok());
  // A policy arrives: only webmail is prohibited, and a retention under the floor is raised to it.
  f.policy_rules = BrowsingPolicyRules{{"webmail"}, 30};
  add_visits(f.firefox_places(), "firefox",
             {{4, unix_us(kT0 + 4000), "https://mail.163.com/inbox"},
              {5, unix_us(kT0 + 4100), "http://www.bet365.com/again"}});
  f.clock.set(shouwei::from_unix_seconds(kT0 + 7200));
  auto s = f.collect();
  CHECK(s.at("retention_days").as_int64() == kMinRetentionDays);
  REQUIRE(s.at("prohibited").as_array().size() == 1);
  CHECK(s.at("prohibited").as_array()[0].at("host").as_string() == "mail.163.com");
  f.clock.set(shouwei::from_unix_seconds(kT0 + 7200 + 61 * 86400));
  f.collect();
  CHECK(f.logged_rows() == 0);  // pruned after the policy's 60 days, not the configured 365
  // Back to the safe defaults: the configuration applies again.
  f.policy_rules.reset();
  CHECK(f.collect().at("retention_days").as_int64() == 365);
}
