// The Windows browsing ports under Wine, on real SQLite history databases built from the real
// browsers' schemas (tests/browsing/support.hpp): the history copier against files a running
// browser holds open (Chromium's exclusively locked History, Firefox's WAL), the refusal of a
// file someone holds without sharing, and profile discovery in a Windows profile tree
// (AppData\Local\Google\Chrome\User Data\<profile>, AppData\Roaming\Mozilla\Firefox\profiles.ini,
// 360 and QQ browsers) inside the Wine prefix's temp directory.
#include <algorithm>
#include <windows.h>

#include <doctest/doctest.h>

#include "../../browsing/copy_check.hpp"
#include "../../browsing/support.hpp"
#include "shouwei/collectors/browsing/discovery.hpp"
#include "shouwei/collectors/browsing/ports.hpp"
#include "shouwei/platform/browsing/browser_table_win.hpp"
#include "shouwei/platform/win/handle.hpp"

using namespace shouwei::collectors::browsing;
using browsing_test::TempDir;
namespace fs = std::filesystem;

using browsing_test::profile_at;
using browsing_test::visits_in;

namespace {

// A handle as another program would hold the file: with the given sharing.
shouwei::win::UniqueHandle hold(const fs::path& path, DWORD share) {
  shouwei::win::UniqueHandle h(::CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, share,
                                             nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
                                             nullptr));
  REQUIRE(h.valid());
  return h;
}

}  // namespace

TEST_CASE("copier: Chromium's exclusively locked, open History is copied with its journal") {
  TempDir root, temp;
  const std::string rel = "/Users/alice/AppData/Local/Google/Chrome/User Data/Default";
  const fs::path dir = root.path() / rel.substr(1);
  // Held as Chromium holds it (see copy_check.hpp), and the browser's own handle besides.
  auto live = browsing_test::live_chromium_history(dir / "History");
  // The browser's own handle, shared for reading and writing as SQLite's Windows VFS opens it.
  auto browser = hold(dir / "History", FILE_SHARE_READ | FILE_SHARE_WRITE);

  fs::path copy_dir;
  {
    auto copier = make_platform_history_copier(temp.path() / "copies");
    auto copy =
        copier->copy(shouwei::RootFs(root.path()), profile_at(rel, BrowserEngine::chromium));
    REQUIRE_MESSAGE(copy.ok(), (copy.ok() ? "" : copy.error().message));
    copy_dir = copy->database().parent_path();
    CHECK(copy_dir.parent_path() == temp.path() / "copies");
    CHECK(fs::exists(copy_dir / "History-journal"));
    // The hot journal is rolled back on the private copy: only the committed visit is there.
    CHECK(visits_in(copy->database(), BrowserEngine::chromium) == 1);
  }
  CHECK_FALSE(fs::exists(copy_dir));  // the copy is removed with its HistoryCopy
}

TEST_CASE("copier: Firefox's newest visits, only in the open WAL, are in the copy") {
  TempDir root, temp;
  const std::string rel = "/Users/alice/AppData/Roaming/Mozilla/Firefox/Profiles/ab12.default";
  const fs::path dir = root.path() / rel.substr(1);
  auto live = browsing_test::live_firefox_places(dir / "places.sqlite");  // see copy_check.hpp

  auto copier = make_platform_history_copier(temp.path());
  auto copy = copier->copy(shouwei::RootFs(root.path()), profile_at(rel, BrowserEngine::firefox));
  REQUIRE_MESSAGE(copy.ok(), (copy.ok() ? "" : copy.error().message));
  CHECK(fs::exists(copy->database().parent_path() / "places.sqlite-wal"));
  CHECK(visits_in(copy->database(), BrowserEngine::firefox) == 2);
}

TEST_CASE("copier: a History held without sharing fails naming the file, and leaves no copy") {
  TempDir root, temp;
  const fs::path dir = root.path() / "Users/bob/AppData/Local/Microsoft/Edge/User Data/Default";
  browsing_test::add_visits(dir / "History", "chromium",
                            {{1, 13344473600000000, "http://a.example/"}});
  auto exclusive = hold(dir / "History", 0);
  auto copier = make_platform_history_copier(temp.path());
  auto copy = copier->copy(shouwei::RootFs(root.path()),
                           profile_at("/Users/bob/AppData/Local/Microsoft/Edge/User Data/Default",
                                      BrowserEngine::chromium));
  REQUIRE_FALSE(copy.ok());
  CHECK(copy.error().message.find("CreateFileW") != std::string::npos);
  CHECK(copy.error().message.find("History") != std::string::npos);
  std::size_t left = 0;
  for (const auto& entry : fs::directory_iterator(temp.path())) {
    (void)entry;
    ++left;
  }
  CHECK(left == 0);
}

TEST_CASE("discovery: the Windows browser table finds Chrome, Edge, 360, QQ and Firefox profiles") {
  TempDir root;
  const fs::path home = root.path() / "Users" / "alice";
  const fs::path local = home / "AppData" / "Local";
  const fs::path roaming = home / "AppData" / "Roaming";
  browsing_test::write_text(local / "Google/Chrome/User Data/Default/History", "");
  browsing_test::write_text(local / "Google/Chrome/User Data/Profile 1/History", "");
  browsing_test::write_text(local / "Google/Chrome/User Data/System Profile/Preferences", "");
  browsing_test::write_text(local / "Microsoft/Edge/User Data/Default/History", "");
  browsing_test::write_text(roaming / "360se6/User Data/Default/History", "");
  browsing_test::write_text(local / "360Chrome/Chrome/User Data/Default/History", "");
  browsing_test::write_text(local / "Tencent/QQBrowser/User Data/Default/History", "");
  browsing_test::write_text(roaming / "Mozilla/Firefox/profiles.ini",
                            "[Profile0]\r\nName=default-release\r\nIsRelative=1\r\n"
                            "Path=Profiles/ab12.default-release\r\n");
  browsing_test::write_text(roaming / "Mozilla/Firefox/Profiles/ab12.default-release/places.sqlite",
                            "");

  const std::vector<LocalUser> users = {{"alice", 1001, "/Users/alice"}};
  const auto profiles = discover_profiles(shouwei::RootFs(root.path()), users,
                                          shouwei::platform::browsing::windows_browser_locations());
  std::vector<std::string> found;
  for (const auto& p : profiles) {
    CHECK_MESSAGE(!p.error, std::string(p.browser + ": " + p.error.value_or("")));
    found.push_back(p.browser + "/" + p.profile);
  }
  std::sort(found.begin(), found.end());
  std::string listed;
  for (const auto& f : found) listed += f + ";";
  CHECK(listed ==
        "360chrome/Default;360se/Default;chrome/Default;chrome/Profile 1;edge/Default;"
        "firefox/ab12.default-release;qqbrowser/Default;");
}
