// Chinese names on Windows, under Wine: libstdc++ on mingw reads a path made from a plain
// std::string in the ANSI code page, so every path the agent makes from UTF-8 text goes through
// shouwei::path_from_utf8. Checked here end to end: a user 张伟 in the ProfileList whose home
// holds a Chromium History (and a profile named in Chinese) is found by the Windows profile
// source, copied and read; RootFs lists and reads Chinese names; path_to_utf8 never throws.
#include <algorithm>
#include <string>
#include <windows.h>

#include <doctest/doctest.h>

#include "../../browsing/copy_check.hpp"
#include "../../browsing/support.hpp"
#include "shouwei/collectors/browsing/ports.hpp"
#include "shouwei/common/root_fs.hpp"
#include "shouwei/os/utf8_path.hpp"

using namespace shouwei::collectors::browsing;
using browsing_test::TempDir;
using shouwei::path_from_utf8;
using shouwei::path_to_utf8;
namespace fs = std::filesystem;

namespace {

constexpr const wchar_t* kProfile =
    L"SOFTWARE\\Microsoft\\Windows "
    L"NT\\CurrentVersion\\ProfileList\\S-1-5-21-3623811015-3361044348-30300820-1077";

// A ProfileList entry as Windows writes it for a local account (REG_EXPAND_SZ path); removed
// again when the test ends, so other tests in the prefix do not see the user.
class SeededProfile {
 public:
  explicit SeededProfile(const std::wstring& image_path) {
    REQUIRE(::RegCreateKeyExW(HKEY_LOCAL_MACHINE, kProfile, 0, nullptr, 0,
                              KEY_ALL_ACCESS | KEY_WOW64_64KEY, nullptr, &key_,
                              nullptr) == ERROR_SUCCESS);
    REQUIRE(::RegSetValueExW(key_, L"ProfileImagePath", 0, REG_EXPAND_SZ,
                             reinterpret_cast<const BYTE*>(image_path.c_str()),
                             static_cast<DWORD>((image_path.size() + 1) * sizeof(wchar_t))) ==
            ERROR_SUCCESS);
  }
  ~SeededProfile() {
    ::RegCloseKey(key_);
    ::RegDeleteKeyExW(HKEY_LOCAL_MACHINE, kProfile, KEY_WOW64_64KEY, 0);
  }
  SeededProfile(const SeededProfile&) = delete;
  SeededProfile& operator=(const SeededProfile&) = delete;

 private:
  HKEY key_ = nullptr;
};

}  // namespace

TEST_CASE("path_from_utf8 names the file Windows knows by the UTF-16 name; back to the same text") {
  TempDir dir;
  const fs::path made = dir.path() / path_from_utf8("张伟的文件.txt");
  browsing_test::write_text(made, "x");
  // The name as Windows stores it, written out in UTF-16 independently of the helper.
  const std::wstring wide_name = L"\u5f20\u4f1f\u7684\u6587\u4ef6.txt";
  CHECK(made.filename().native() == wide_name);
  CHECK(::GetFileAttributesW((dir.path() / wide_name).c_str()) != INVALID_FILE_ATTRIBUTES);
  CHECK(path_to_utf8(made.filename()) == "张伟的文件.txt");
  // A name Windows allows but UTF-8 cannot spell (an unpaired surrogate) becomes U+FFFD, and
  // malformed UTF-8 becomes a name that does not exist, never an exception.
  CHECK(path_to_utf8(fs::path(std::wstring(L"a\xD800z"))) == "a\xEF\xBF\xBDz");
  CHECK(path_from_utf8("a\xFFz").native() == L"a\uFFFDz");
}

TEST_CASE("RootFs lists, reads and resolves Chinese names under its root") {
  TempDir root;
  browsing_test::write_text(root.path() / path_from_utf8("Users/张伟/文档/说明.txt"), "内容");
  const shouwei::RootFs fs_root(root.path());
  const auto names = fs_root.list("/Users/张伟/文档");
  REQUIRE(names.size() == 1);
  CHECK(names[0] == "说明.txt");
  auto text = fs_root.read("/Users/张伟/文档/说明.txt");
  REQUIRE_MESSAGE(text.ok(), (text.ok() ? "" : text.error().message));
  CHECK(*text == "内容");
  CHECK(fs_root.exists("/Users/张伟"));
  // A missing file's error names it in UTF-8.
  auto missing = fs_root.read("/Users/张伟/没有.txt");
  REQUIRE(!missing.ok());
  CHECK(missing.error().message.find("没有.txt") != std::string::npos);
}

TEST_CASE("a ProfileList user 张伟 with a Chromium History is found, copied and read") {
  TempDir root, temp;
  const fs::path user_data =
      root.path() / path_from_utf8("Users/张伟/AppData/Local/Google/Chrome/User Data");
  browsing_test::add_visits(
      user_data / "Default" / "History", "chromium",
      {{1, 13344473600000000, "http://a.example/"}, {2, 13344473700000000, "http://b.example/"}});
  browsing_test::add_visits(user_data / path_from_utf8("工作 1") / "History", "chromium",
                            {{1, 13344473600000000, "http://c.example/"}});
  // RootFs's root stands for the system drive: C:\Users\张伟 is <root>/Users/张伟.
  SeededProfile user(L"C:\\Users\\\u5f20\u4f1f");

  auto profiles = make_platform_profile_source()->find(shouwei::RootFs(root.path()));
  REQUIRE_MESSAGE(profiles.ok(), (profiles.ok() ? "" : profiles.error().message));
  std::vector<BrowserProfile> mine;
  for (auto& p : *profiles) {
    if (p.user == "张伟") mine.push_back(std::move(p));
  }
  std::sort(mine.begin(), mine.end(),
            [](const BrowserProfile& a, const BrowserProfile& b) { return a.profile < b.profile; });
  REQUIRE(mine.size() == 2);
  CHECK(mine[0].browser == "chrome");
  CHECK(mine[0].profile == "Default");
  CHECK(mine[0].directory == "/Users/张伟/AppData/Local/Google/Chrome/User Data/Default");
  CHECK(mine[1].profile == "工作 1");
  CHECK(!mine[0].error);
  CHECK(!mine[1].error);

  auto copier = make_platform_history_copier(temp.path() / "copies");
  auto copy = copier->copy(shouwei::RootFs(root.path()), mine[0]);
  REQUIRE_MESSAGE(copy.ok(), (copy.ok() ? "" : copy.error().message));
  CHECK(browsing_test::visits_in(copy->database(), BrowserEngine::chromium) == 2);
  auto second = copier->copy(shouwei::RootFs(root.path()), mine[1]);
  REQUIRE_MESSAGE(second.ok(), (second.ok() ? "" : second.error().message));
  CHECK(browsing_test::visits_in(second->database(), BrowserEngine::chromium) == 1);
}
