// The small parsers of the browsing collector: the password database, Firefox's profiles.ini,
// URL hosts and the [browsing] configuration table.
#include <string>

#include <doctest/doctest.h>

#include "shouwei/collectors/browsing/categorizer.hpp"
#include "shouwei/collectors/browsing/config.hpp"
#include "shouwei/collectors/browsing/passwd.hpp"
#include "shouwei/collectors/browsing/profiles_ini.hpp"
#include "shouwei/platform/inventory/passwd.hpp"

using namespace shouwei::collectors::browsing;

TEST_CASE("passwd: people and root own profiles, service accounts and homeless entries do not") {
  const char* text =
      "root:x:0:0:root:/root:/bin/bash\n"
      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
      "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
      "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
      "# a comment\n"
      "+nisuser::::::\n"
      "broken line without fields\n"
      "bob:x:notanumber:1001::/home/bob:/bin/bash\n"
      "olduser:x:500:500::/home/olduser/:/bin/sh\r\n"
      "alias:x:1002:1002::/home/alice:/bin/bash\n"
      "nohome:x:1003:1003:::/bin/bash\n"
      "slash:x:1004:1004::/:/bin/bash\n"
      "relative:x:1006:1006::home/relative:/bin/bash\n"
      "kiosk:x:1007:1007::/home/kiosk:/usr/sbin/nologin\n"
      "carol:x:1005:1005:Carol:/srv/people/carol:/bin/zsh";  // no final newline
  auto accounts = shouwei::platform::parse_passwd(text, std::nullopt);
  auto users = select_profile_owners(accounts.users);
  REQUIRE(users.size() == 5);
  CHECK(users[0].name == "root");
  CHECK(users[0].home == "/root");
  CHECK(users[1].name == "alice");
  CHECK(users[1].uid == 1000);
  CHECK(users[2].name == "olduser");  // low uid but a home under /home; trailing '/' and CR cut
  CHECK(users[2].home == "/home/olduser");
  CHECK(users[3].name == "kiosk");  // a nologin shell does not stop a browser from running
  CHECK(users[4].name == "carol");
  CHECK(users[4].home == "/srv/people/carol");
}

TEST_CASE("profiles.ini: relative and absolute profiles, other sections skipped") {
  const char* text =
      "\xEF\xBB\xBF[Install4F96D1932A9F858E]\n"
      "Default=abcd.default-release\n"
      "Locked=1\n"
      "\n"
      "[Profile1]\n"
      "Name=work\n"
      "IsRelative=0\n"
      "Path=/data/firefox/work\n"
      "\n"
      "; comment\n"
      "[Profile0]\r\n"
      "Name=default-release\r\n"
      "IsRelative=1\r\n"
      "Path=abcd.default-release\r\n"
      "Default=1\r\n"
      "[ProfileGroups]\n"
      "Path=not-a-profile\n"
      "[Profile2]\n"
      "Name=no path, ignored\n"
      "[General]\n"
      "StartWithLastProfile=1\n"
      "Version=2\n";
  auto entries = parse_profiles_ini(text);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 2);
  CHECK((*entries)[0].name == "work");
  CHECK((*entries)[0].path == "/data/firefox/work");
  CHECK_FALSE((*entries)[0].is_relative);
  CHECK((*entries)[1].path == "abcd.default-release");
  CHECK((*entries)[1].is_relative);
}

TEST_CASE("profiles.ini: malformed input fails naming the line") {
  auto no_equals = parse_profiles_ini("[Profile0]\nPath=a\njunk line\n");
  REQUIRE_FALSE(no_equals.ok());
  CHECK(no_equals.error().code == shouwei::Errc::parse);
  CHECK(no_equals.error().message == "profiles.ini line 3: expected key=value");

  auto open_section = parse_profiles_ini("[Profile0\nPath=a\n");
  REQUIRE_FALSE(open_section.ok());
  CHECK(open_section.error().message.find("line 1") != std::string::npos);

  auto nul = parse_profiles_ini(std::string("[Profile0]\nPath=a\0b\n", 20));
  REQUIRE_FALSE(nul.ok());

  auto big = parse_profiles_ini(std::string(kMaxProfilesIniBytes + 1, ';'));
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == shouwei::Errc::limit_exceeded);
}

TEST_CASE("url_host: hosts of real history URLs") {
  CHECK(url_host("http://WWW.Bet365.com:8080/path?q=1#x") == "www.bet365.com");
  CHECK(url_host("https://user:pw@example.org./") == "example.org");
  CHECK(url_host("http://[2001:db8::1]:80/") == "2001:db8::1");
  CHECK(url_host("http://192.0.2.7/") == "192.0.2.7");
  CHECK(url_host("http://xn--fiqs8s.cn/") == "xn--fiqs8s.cn");
  CHECK_FALSE(url_host("about:blank").has_value());
  CHECK_FALSE(url_host("file:///home/alice/a.html").has_value());
  CHECK_FALSE(url_host("data:text/html,hi").has_value());
  CHECK_FALSE(url_host("not a url").has_value());
  CHECK_FALSE(url_host("").has_value());
}

namespace {
shouwei::Result<BrowsingConfig> parse_toml(std::string_view text) {
  toml::table parsed = toml::parse(text);  // this build of toml++ throws on syntax errors
  return parse_browsing_config(parsed["browsing"].as_table());
}
}  // namespace

TEST_CASE("config: defaults follow the regulations") {
  auto config = parse_browsing_config(nullptr);
  REQUIRE(config.ok());
  CHECK(config->retention_days == 90);
  CHECK(config->prohibited ==
        std::vector<std::string>{"adult", "gambling", "games", "p2p", "video", "chat", "stock"});
  CHECK_FALSE(config->categories_file.has_value());
  CHECK(config->warnings.empty());
  auto empty = parse_toml("[browsing]\n");
  REQUIRE(empty.ok());
  CHECK(empty->retention_days == 90);
}

TEST_CASE("config: values are read; a retention below 60 days is raised with a warning") {
  auto config = parse_toml(
      "[browsing]\ncategories = \"/var/lib/shouwei/categories.swc\"\nprohibited = [\"adult\", "
      "\"gambling\"]\n"
      "retention_days = 30\n[browsing.category_map]\nfilehosting = \"p2p\"\n");
  REQUIRE_MESSAGE(config.ok(), (config.ok() ? "" : config.error().message));
  CHECK(config->categories_file == "/var/lib/shouwei/categories.swc");
  CHECK(config->prohibited == std::vector<std::string>{"adult", "gambling"});
  CHECK(config->retention_days == 60);
  REQUIRE(config->warnings.size() == 1);
  CHECK(config->warnings[0].find("browsing.retention_days") != std::string::npos);

  auto longer = parse_toml("[browsing]\nretention_days = 180\nprohibited = []\n");
  REQUIRE(longer.ok());
  CHECK(longer->retention_days == 180);
  CHECK(longer->prohibited.empty());
  CHECK(longer->warnings.empty());
}

TEST_CASE("config: wrong values fail naming the key") {
  struct Case {
    const char* toml;
    const char* key;
  };
  for (const auto& c : {Case{"retention_days = \"90\"", "browsing.retention_days"},
                        Case{"retention_days = 0", "browsing.retention_days"},
                        Case{"retention_days = 100000", "browsing.retention_days"},
                        Case{"prohibited = \"adult\"", "browsing.prohibited"},
                        Case{"prohibited = [\"Adult Sites\"]", "browsing.prohibited"},
                        Case{"prohibited = [1]", "browsing.prohibited"},
                        Case{"categories = 5", "browsing.categories"},
                        Case{"categories = \"\"", "browsing.categories"},
                        Case{"retension_days = 90", "browsing.retension_days"}}) {
    auto config = parse_toml(std::string("[browsing]\n") + c.toml + "\n");
    REQUIRE_FALSE(config.ok());
    CHECK_MESSAGE(config.error().message.starts_with(c.key), config.error().message);
  }
}
