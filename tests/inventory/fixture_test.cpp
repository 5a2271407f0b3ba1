// The Linux source over fixture trees (tests/fixtures/inventory/<name>/), rendered through the
// collector: what a snapshot of a Kylin PC, a UOS PC, a bare Debian image or a damaged tree
// would say.
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "shouwei/collectors/inventory/inventory_collector.hpp"
#include "shouwei/common/canonical_json.hpp"

namespace bjson = boost::json;
namespace fs = std::filesystem;
using namespace shouwei;
using namespace shouwei::collectors;

namespace {

fs::path fixture_root(const std::string& name) {
  return fs::path(SHOUWEI_FIXTURES) / "inventory" / name;
}

Result<bjson::object> inventory_of(const fs::path& root_dir, InventoryConfig config = {}) {
  const RootFs root(root_dir);
  auto source = make_inventory_source(root);
  auto collector = make_inventory_collector(*source, std::move(config));
  const FixedClock clock(from_unix_seconds(0));
  return collector->collect(CollectContext{root, clock});
}

bjson::object section_of(const std::string& fixture) {
  auto section = inventory_of(fixture_root(fixture));
  REQUIRE_MESSAGE(section.ok(), (section.ok() ? "" : section.error().message));
  return section.value();
}

bool any_warning_contains(const bjson::object& section, std::string_view needle) {
  for (const auto& w : section.at("warnings").as_array()) {
    if (w.as_string().find(needle) != bjson::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("Kylin V10 fixture: every fact, read from files under the root") {
  auto result =
      inventory_of(fixture_root("kylin"), InventoryConfig{"SZ-FT-0412", "福田区政务中心 5F"});
  REQUIRE(result.ok());
  const auto& s = result.value();
  CHECK(s.at("hostname") == "jd-office-pc-0412");  // live name wins over /etc/hostname
  CHECK(s.at("kernel") == "5.4.18-85-generic");
  CHECK(s.at("arch") == "aarch64");
  CHECK(s.at("boot_time") == "2025-11-21T00:00:00Z");
  CHECK(s.at("os").at("id") == "kylin");
  CHECK(s.at("os").at("version") == "银河麒麟桌面操作系统V10 (SP1)");
  CHECK(s.at("os").at("build") == "2303");
  CHECK(s.at("asset_tag") == "SZ-FT-0412");
  CHECK(s.at("location") == "福田区政务中心 5F");
  CHECK(s.at("warnings").as_array().empty());

  const auto users = s.at("users").as_array();
  REQUIRE(users.size() == 7);  // the NIS "+" line is not a local account
  CHECK(users[0] ==
        bjson::parse(R"({"name":"root","uid":0,"home":"/root","shell":"/bin/bash","login":true})"));
  CHECK(users[3].at("name") == "sync");
  CHECK(users[3].at("login") == false);  // /bin/sync is not in /etc/shells
  CHECK(users[5].at("name") == "zhangwei");
  CHECK(users[5].at("login") == true);
  CHECK(users[6].at("name") == "lina");
  CHECK(users[6].at("login") == false);  // /usr/bin/zsh is not in this /etc/shells

  const auto sessions = s.at("sessions").as_array();
  REQUIRE(sessions.size() == 3);
  CHECK(sessions[0] ==
        bjson::parse(
            R"({"user":"zhangwei","tty":":0","host":":0","login_time":"2025-11-21T00:05:00Z"})"));
  CHECK(
      sessions[1] ==
      bjson::parse(
          R"({"user":"lina","tty":"pts/1","host":"10.12.3.44","login_time":"2025-11-21T01:53:20Z"})"));
  CHECK(sessions[2].at("login_time").is_null());

  // Sorted by name; bonding_masters (a file beside the interfaces) is not one.
  CHECK(s.at("interfaces") == bjson::parse(R"([
    {"name":"eth0","mac":"00:e0:4c:68:0a:1b","ipv4":null,
     "ipv6":["fe80::2e0:4cff:fe68:a1b/64","2001:db8:1::a1b/64"],"up":true},
    {"name":"lo","mac":"00:00:00:00:00:00","ipv4":null,"ipv6":["::1/128"],"up":true},
    {"name":"wlan0","mac":"18:2b:3c:4d:5e:6f","ipv4":null,"ipv6":["fe80::1a2b:3cff:fe4d:5e6f/64"],"up":false}
  ])"));
  CHECK(json::canonicalize(s).ok());
}

TEST_CASE("UOS fixture: edition and build from /etc/os-version; missing files are null") {
  const auto s = section_of("uos");
  CHECK(s.at("os") ==
        bjson::parse(R"({"name":"uos","version":"20 1060","version_id":"20","id":"uos",
    "id_like":null,"pretty_name":"UnionTech OS Desktop 20 Pro","build":"11014.102.100","edition":"Professional"})"));
  for (const auto* key :
       {"hostname", "kernel", "arch", "boot_time", "users", "sessions", "interfaces"}) {
    CAPTURE(key);
    CHECK(s.at(key).is_null());
  }
  CHECK(s.at("warnings").as_array().empty());
}

TEST_CASE("os-release: /etc symlink resolved inside the root; /usr/lib fallback") {
  CHECK(section_of("debian").at("os").at("id") == "debian");
  CHECK(section_of("ubuntu").at("os").at("version_id") == "22.04");
}

TEST_CASE("damaged tree: bad files give nulls and warnings naming them, good lines survive") {
  const auto s = section_of("garbage");
  for (const auto& member : s.at("os").as_object()) {
    const std::string key(member.key());
    CAPTURE(key);
    CHECK(member.value().is_null());
  }
  CHECK(any_warning_contains(s, "/etc/os-release: no KEY=value assignment"));
  CHECK(s.at("boot_time").is_null());
  CHECK(any_warning_contains(s, "/proc/stat: no valid btime line"));

  const auto users = s.at("users").as_array();
  REQUIRE(users.size() == 2);
  CHECK(users[0].at("name") == "root");
  CHECK(users[1].at("name") == "\xEF\xBF\xBD\xEF\xBF\xBDuser");  // invalid UTF-8 repaired
  CHECK(users[1].at("login") == true);                           // no /etc/shells here
  CHECK(any_warning_contains(s, "/etc/passwd: 4 malformed lines skipped"));

  const auto sessions = s.at("sessions").as_array();
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0].at("user") == "root");
  CHECK(any_warning_contains(s, "/run/utmp: 100 trailing bytes ignored"));

  const auto& eth0 = s.at("interfaces").as_array().at(0).as_object();
  CHECK(eth0.at("mac").is_null());
  CHECK(eth0.at("up").is_null());
  CHECK(eth0.at("ipv6").is_null());  // no /proc/net/if_inet6: unknown, not "none"
  CHECK(any_warning_contains(s, "/sys/class/net/eth0/address: not a link-layer address"));
  CHECK(any_warning_contains(s, "/sys/class/net/eth0/flags: not a hexadecimal flags value"));
  CHECK(json::canonicalize(s).ok());
}

TEST_CASE("an unreadable fact file is a warning naming it, not a failure") {
  const auto dir = fs::temp_directory_path() / ("shouwei-inventory-" + std::to_string(::getpid()));
  fs::create_directories(dir / "etc" / "os-release");  // a directory where a file should be
  fs::create_directories(dir / "proc");
  {
    std::string big(5u * 1024u * 1024u, 'x');  // /proc/stat over its 4 MiB cap
    FILE* f = std::fopen((dir / "proc" / "stat").c_str(), "wb");
    REQUIRE(f);
    std::fwrite(big.data(), 1, big.size(), f);
    std::fclose(f);
  }
  auto result = inventory_of(dir);
  fs::remove_all(dir);
  REQUIRE(result.ok());
  const auto& s = result.value();
  CHECK(s.at("os").at("id").is_null());
  CHECK(any_warning_contains(s, "os-release: is a directory"));
  CHECK(s.at("boot_time").is_null());
  CHECK(any_warning_contains(s, "stat: larger than the limit"));
}

TEST_CASE("utmp is also found at /var/run/utmp, the path of older systems") {
  const auto dir =
      fs::temp_directory_path() / ("shouwei-inventory-varrun-" + std::to_string(::getpid()));
  fs::create_directories(dir / "var" / "run");
  fs::copy_file(fixture_root("kylin") / "run" / "utmp", dir / "var" / "run" / "utmp");
  auto result = inventory_of(dir);
  fs::remove_all(dir);
  REQUIRE(result.ok());
  REQUIRE(result.value().at("sessions").is_array());
  CHECK(result.value().at("sessions").as_array().size() == 3);
}

TEST_CASE("a root that is not a directory fails the collector, naming it") {
  auto result = inventory_of("/nonexistent/shouwei/root");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message ==
        "/nonexistent/shouwei/root: inventory root is not a readable directory");
}
