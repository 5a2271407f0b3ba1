// The collector on profiles written by real browsers: Debian's chromium and firefox-esr visit
// URLs headless through a catch-all proxy on 127.0.0.1 (drive_browser.py), then the collector
// reads them from a fixture root whose /etc/passwd names the user whose home holds them.
// One read per browser happens while the browser is still running.
#include <chrono>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "shouwei/collectors/browsing/browsing_collector.hpp"
#include "support.hpp"

using namespace shouwei::collectors::browsing;
using browsing_test::TempDir;
using browsing_test::write_text;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kUrls = {
    "http://www.bet365.com/",     "http://www.youku.com/v_show/id_1.html",
    "http://www.gov.cn/zhengce/", "http://www.pokerstars.com/",
    "http://mail.163.com/",       "http://www.bilibili.com/video/2",
    "http://www.people.com.cn/",  "http://www.xinhuanet.com/politics/",
    "http://game.qq.com/",        "http://www.stats.gov.cn/sj/"};

class MapCategorizer final : public HostCategorizer {
 public:
  std::vector<std::string> categorize(std::string_view url) const override {
    static const std::map<std::string, std::vector<std::string>> table = {
        {"www.bet365.com", {"gambling"}}, {"www.pokerstars.com", {"gambling", "games"}},
        {"www.youku.com", {"video"}},     {"www.bilibili.com", {"video"}},
        {"game.qq.com", {"games"}},       {"mail.163.com", {"webmail"}}};
    auto host = url_host(url);
    auto it = host ? table.find(*host) : table.end();
    return it == table.end() ? std::vector<std::string>{} : it->second;
  }
};

// The browser binary on PATH; the whole test binary is skipped (exit 77) when it is absent.
void require_browser(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    auto colon = dirs.find(':');
    if (fs::exists(fs::path(std::string(dirs.substr(0, colon))) / name)) return;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  MESSAGE(name << " is not installed (scripts/setup-deps.sh --tests installs it): skipping the "
                  "real-browser tests");
  std::exit(77);
}

std::string quote(const std::string& s) {
  return "'" + s + "'";
}

std::string drive_command(const std::string& browser, const fs::path& home,
                          const std::vector<std::string>& urls, const std::string& live_dir) {
  std::string cmd = "/usr/bin/python3 " +
                    quote(std::string(SHOUWEI_SOURCE_DIR) + "/tests/browsing/drive_browser.py") +
                    " --browser " + browser + " --home " + quote(home.string());
  if (!live_dir.empty()) cmd += " --live " + quote(live_dir);
  for (const auto& u : urls) cmd += " " + quote(u);
  return cmd;
}

// Waits for a file the driver creates, at most `limit` (the driver bounds its own steps too).
bool wait_for_file(const fs::path& path, std::chrono::seconds limit) {
  for (auto waited = std::chrono::milliseconds(0); waited < limit;
       waited += std::chrono::milliseconds(100)) {
    if (fs::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return fs::exists(path);
}

struct Machine {
  TempDir root, temp, state;
  fs::path home = root.path() / "home/alice";
  shouwei::sqlite::Database db = browsing_test::open_db(state.path() / "agent.db");
  MapCategorizer categorizer;
  shouwei::SystemClock clock;
  std::unique_ptr<shouwei::collectors::Collector> collector;

  Machine() {
    write_text(root.path() / "etc/passwd",
               "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n");
    fs::create_directories(home);
    auto made = make_browsing_collector(
        BrowsingPorts{make_platform_profile_source(), make_platform_history_copier(temp.path())},
        db, categorizer, {});
    REQUIRE(made.ok());
    collector = std::move(made).value();
  }

  json::object collect() {
    shouwei::RootFs fs_root(root.path());
    auto section = collector->collect({fs_root, clock});
    REQUIRE_MESSAGE(section.ok(), (section.ok() ? "" : section.error().message));
    REQUIRE(collector->acknowledge(*collector->ack_marker()).ok());
    return std::move(section).value();
  }

  void drive(const std::string& browser, const std::vector<std::string>& urls) {
    const fs::path err = state.path() / "driver.err";
    int rc =
        std::system((drive_command(browser, home, urls, "") + " 2>" + quote(err.string())).c_str());
    auto text = shouwei::read_file(err);
    REQUIRE_MESSAGE(rc == 0, (text.ok() ? *text : "drive_browser.py failed"));
  }
};

// The section read `urls` from one profile of `browser`, with visit times inside [start, end].
void check_section(const json::object& s, const std::string& browser,
                   const std::string& profile_path, const std::vector<std::string>& urls,
                   shouwei::TimePoint start, shouwei::TimePoint end) {
  const auto& profiles = s.at("profiles").as_array();
  REQUIRE(profiles.size() == 1);
  const auto& p = profiles[0].as_object();
  CHECK(p.at("status").as_string() == "ok");
  CHECK(p.at("user").as_string() == "alice");
  CHECK(p.at("browser").as_string() == browser);
  CHECK(p.at("path").as_string() == profile_path);
  CHECK(p.at("new_visits").as_int64() == static_cast<std::int64_t>(urls.size()));
  CHECK(p.at("suspect_times").as_int64() == 0);
  CHECK(s.at("visits").as_int64() == static_cast<std::int64_t>(urls.size()));

  std::set<std::string> expected_prohibited;
  for (const auto& u : urls) {
    if (!MapCategorizer().categorize(u).empty() && u.find("mail.163.com") == std::string::npos) {
      expected_prohibited.insert(u);
    }
  }
  std::set<std::string> prohibited;
  const auto earliest = shouwei::format_rfc3339(start - std::chrono::seconds(1));
  const auto latest = shouwei::format_rfc3339(end + std::chrono::seconds(1));
  for (const auto& v : s.at("prohibited").as_array()) {
    prohibited.insert(std::string(v.at("url").as_string()));
    const std::string time(v.at("time").as_string());
    CHECK(time >= earliest);  // RFC 3339 UTC strings of one length order like the times
    CHECK(time <= latest);
    CHECK(v.at("user").as_string() == "alice");
    CHECK(v.at("browser").as_string() == browser);
  }
  CHECK(prohibited == expected_prohibited);
}

}  // namespace

TEST_CASE("real chromium: ten visits, closed cleanly, are all read with their times") {
  require_browser("chromium");
  Machine m;
  auto start = std::chrono::system_clock::now();
  m.drive("chromium", kUrls);
  auto end = std::chrono::system_clock::now();
  auto s = m.collect();
  check_section(s, "chromium", "/home/alice/.config/chromium/Default", kUrls, start, end);
  const auto& counts = s.at("by_category").as_object();
  CHECK(counts.at("gambling").as_int64() == 2);
  CHECK(counts.at("video").as_int64() == 2);
  CHECK(counts.at("games").as_int64() == 2);
  CHECK(counts.at("webmail").as_int64() == 1);
  CHECK(counts.at("uncategorized").as_int64() == 4);
  // Read again: nothing new, nothing reported twice.
  CHECK(m.collect().at("visits").as_int64() == 0);
}

TEST_CASE("real firefox: ten visits, closed cleanly, are all read with their times") {
  require_browser("firefox-esr");
  Machine m;
  auto start = std::chrono::system_clock::now();
  m.drive("firefox", kUrls);
  auto end = std::chrono::system_clock::now();
  auto s = m.collect();
  check_section(s, "firefox", "/home/alice/.mozilla/firefox/shouwei.default-esr", kUrls, start,
                end);
  CHECK(m.collect().at("visits").as_int64() == 0);
}

TEST_CASE("real browsers: history is read while the browser runs, and not twice after it closes") {
  for (std::string browser : {"firefox", "chromium"}) {
    CAPTURE(browser);
    require_browser(browser == "firefox" ? "firefox-esr" : "chromium");
    Machine m;
    const std::vector<std::string> urls(kUrls.begin(), kUrls.begin() + 4);
    const fs::path live = m.state.path() / "live";
    fs::create_directories(live);
    auto start = std::chrono::system_clock::now();
    const std::string cmd = drive_command(browser, m.home, urls, live.string()) + " >" +
                            quote((live / "log").string()) + " 2>&1 &";
    REQUIRE(std::system(cmd.c_str()) == 0);
    const bool ready = wait_for_file(live / "ready", std::chrono::seconds(90));
    if (!ready) write_text(live / "stop", "");  // let the driver end either way
    REQUIRE_MESSAGE(ready, shouwei::read_file(live / "log").value_or("no driver log"));

    auto while_running = m.collect();
    auto end = std::chrono::system_clock::now();
    const std::string path = browser == "firefox"
                                 ? "/home/alice/.mozilla/firefox/shouwei.default-esr"
                                 : "/home/alice/.config/chromium/Default";
    check_section(while_running, browser, path, urls, start, end);

    write_text(live / "stop", "");
    REQUIRE(wait_for_file(live / "done", std::chrono::seconds(60)));
    CHECK(shouwei::read_file(live / "done").value_or("") == "0");
    auto after_close = m.collect();
    CHECK(after_close.at("visits").as_int64() == 0);
    CHECK(after_close.at("tamper").as_array().empty());
  }
}
