// Profile discovery through the Linux ProfileSource on fixture roots: users from /etc/passwd
// under the root, the browser table, Chromium profile directories, Firefox profiles.ini.
#include <algorithm>

#include <doctest/doctest.h>

#include "shouwei/collectors/browsing/ports.hpp"
#include "support.hpp"

using namespace shouwei::collectors::browsing;
using browsing_test::TempDir;
using browsing_test::write_text;

namespace {

const BrowserProfile* find(const std::vector<BrowserProfile>& profiles, std::string_view browser,
                           std::string_view profile) {
  auto it = std::find_if(profiles.begin(), profiles.end(), [&](const BrowserProfile& p) {
    return p.browser == browser && p.profile == profile;
  });
  return it == profiles.end() ? nullptr : &*it;
}

std::vector<BrowserProfile> discover(const TempDir& root) {
  auto source = make_platform_profile_source();
  auto found = source->find(shouwei::RootFs(root.path()));
  REQUIRE_MESSAGE(found.ok(), (found.ok() ? "" : found.error().message));
  return *found;
}

}  // namespace

TEST_CASE("discovery: Chromium-family profiles and Firefox profiles of every user") {
  TempDir root;
  const auto& r = root.path();
  write_text(r / "etc/passwd",
             "root:x:0:0:root:/root:/bin/bash\n"
             "alice:x:1000:1000::/home/alice:/bin/bash\n"
             "bob:x:1001:1001::/home/bob:/bin/bash\n"
             "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n");
  // alice: Chrome with two profiles, one without history yet, and the 360 browser.
  write_text(r / "home/alice/.config/google-chrome/Default/History", "x");
  write_text(r / "home/alice/.config/google-chrome/Profile 1/History", "x");
  write_text(r / "home/alice/.config/google-chrome/Profile 2/Preferences", "{}");
  write_text(r / "home/alice/.config/google-chrome/Local State", "{}");
  write_text(r / "home/alice/.config/browser360/Default/History", "x");
  // bob: Firefox in both locations; one relative and one absolute profile.
  write_text(r / "home/bob/.mozilla/firefox/profiles.ini",
             "[Profile0]\nName=default-esr\nIsRelative=1\nPath=k2.default-esr\nDefault=1\n"
             "[Profile1]\nName=work\nIsRelative=0\nPath=/data/bob-work\n"
             "[Profile2]\nName=gone\nIsRelative=1\nPath=missing.profile\n"
             "[Profile3]\nName=unused\nIsRelative=1\nPath=unused.profile\n");
  write_text(r / "home/bob/.mozilla/firefox/k2.default-esr/places.sqlite", "x");
  write_text(r / "data/bob-work/places.sqlite", "x");
  write_text(r / "home/bob/.mozilla/firefox/unused.profile/prefs.js", "");
  write_text(r / "home/bob/.config/mozilla/firefox/profiles.ini", "[Profile0]\nPath=xdg.default\n");
  write_text(r / "home/bob/.config/mozilla/firefox/xdg.default/places.sqlite", "x");
  // root browses too; the UOS browser.
  write_text(r / "root/.config/browser/Default/History", "x");
  // A service account's home is not searched.
  write_text(r / "usr/sbin/.config/chromium/Default/History", "x");

  auto profiles = discover(root);
  CHECK(profiles.size() == 8);
  auto* chrome = find(profiles, "chrome", "Default");
  REQUIRE(chrome != nullptr);
  CHECK(chrome->user == "alice");
  CHECK(chrome->engine == BrowserEngine::chromium);
  CHECK(chrome->directory == "/home/alice/.config/google-chrome/Default");
  CHECK_FALSE(chrome->error.has_value());
  CHECK(find(profiles, "chrome", "Profile 1") != nullptr);
  CHECK(find(profiles, "chrome", "Profile 2") == nullptr);
  CHECK(find(profiles, "360browser", "Default") != nullptr);
  CHECK(find(profiles, "uos-browser", "Default")->user == "root");

  auto* relative = find(profiles, "firefox", "k2.default-esr");
  REQUIRE(relative != nullptr);
  CHECK(relative->user == "bob");
  CHECK(relative->engine == BrowserEngine::firefox);
  CHECK(relative->directory == "/home/bob/.mozilla/firefox/k2.default-esr");
  auto* absolute = find(profiles, "firefox", "bob-work");
  REQUIRE(absolute != nullptr);
  CHECK(absolute->directory == "/data/bob-work");
  CHECK(find(profiles, "firefox", "xdg.default") != nullptr);
  auto* gone = find(profiles, "firefox", "missing.profile");
  REQUIRE(gone != nullptr);
  REQUIRE(gone->error.has_value());
  CHECK(gone->error->find("listed in profiles.ini but missing") != std::string::npos);
  CHECK(find(profiles, "firefox", "unused.profile") == nullptr);
}

TEST_CASE(
    "discovery: a malformed profiles.ini is an error entry and the profiles are still found") {
  TempDir root;
  write_text(root.path() / "etc/passwd", "carol:x:1000:1000::/home/carol:/bin/bash\n");
  write_text(root.path() / "home/carol/.mozilla/firefox/profiles.ini",
             "[Profile0\nPath=a.default\n");
  write_text(root.path() / "home/carol/.mozilla/firefox/a.default/places.sqlite", "x");
  auto profiles = discover(root);
  REQUIRE(profiles.size() == 2);
  auto* ini = find(profiles, "firefox", "profiles.ini");
  REQUIRE(ini != nullptr);
  REQUIRE(ini->error.has_value());
  CHECK(ini->error->find("profiles.ini line 1: unterminated section header") != std::string::npos);
  auto* scanned = find(profiles, "firefox", "a.default");
  REQUIRE(scanned != nullptr);
  CHECK_FALSE(scanned->error.has_value());
}

TEST_CASE("discovery: a browser data path that is a file is an error entry, not a crash") {
  TempDir root;
  write_text(root.path() / "etc/passwd", "dave:x:1000:1000::/home/dave:/bin/bash\n");
  write_text(root.path() / "home/dave/.config/chromium", "not a directory");
  auto profiles = discover(root);
  REQUIRE(profiles.size() == 1);
  CHECK(profiles[0].browser == "chromium");
  REQUIRE(profiles[0].error.has_value());
  CHECK(profiles[0].error->find("not a directory") != std::string::npos);
}

TEST_CASE("discovery: a symlinked data directory is found once, inside the root") {
  TempDir root;
  write_text(root.path() / "etc/passwd", "erin:x:1000:1000::/home/erin:/bin/bash\n");
  write_text(root.path() / "home/erin/.config/chromium/Default/History", "x");
  // An absolute link is re-anchored at the root, never followed to the host.
  std::filesystem::create_directories(root.path() / "home/erin/snap/chromium/common");
  std::filesystem::create_directory_symlink(
      "/home/erin/.config/chromium", root.path() / "home/erin/snap/chromium/common/chromium");
  auto profiles = discover(root);
  REQUIRE(profiles.size() == 1);
  CHECK(profiles[0].directory == "/home/erin/.config/chromium/Default");
}

TEST_CASE("discovery: a root without a password database fails") {
  TempDir root;
  auto found = make_platform_profile_source()->find(shouwei::RootFs(root.path()));
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().message.find("passwd") != std::string::npos);
}
