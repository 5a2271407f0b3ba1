// The Windows servicing port on Wine: build and UBR and the reboot markers from Wine's real
// registry, Win32_QuickFixEngineering through Wine's WMI, the Windows Update Agent failing
// cleanly (Wine stubs it: E_NOTIMPL or class not registered), and the patches section built
// from what answered, with compliance reading it.
#include <string>
#include <windows.h>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "../under_wine.hpp"
#include "shouwei/collectors/compliance/compliance.hpp"
#include "shouwei/collectors/patches/windows_patches.hpp"
#include "shouwei/platform/win/windows_update_source.hpp"

namespace json = boost::json;
using shouwei::Errc;
using shouwei::win_test::under_wine;

namespace {

constexpr const wchar_t* kRebootRequired =
    L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired";

// Creates the WindowsUpdate RebootRequired marker for the test's lifetime (only when absent).
class RebootMarker {
 public:
  RebootMarker() {
    DWORD disposition = 0;
    REQUIRE(::RegCreateKeyExW(HKEY_LOCAL_MACHINE, kRebootRequired, 0, nullptr, 0,
                              KEY_ALL_ACCESS | KEY_WOW64_64KEY, nullptr, &key_,
                              &disposition) == ERROR_SUCCESS);
    created_ = disposition == REG_CREATED_NEW_KEY;
  }
  ~RebootMarker() {
    ::RegCloseKey(key_);
    if (created_) ::RegDeleteKeyExW(HKEY_LOCAL_MACHINE, kRebootRequired, KEY_WOW64_64KEY, 0);
  }
  RebootMarker(const RebootMarker&) = delete;
  RebootMarker& operator=(const RebootMarker&) = delete;
  bool created() const { return created_; }

 private:
  HKEY key_ = nullptr;
  bool created_ = false;
};

}  // namespace

TEST_CASE("build and UBR from CurrentVersion") {
  auto source = shouwei::platform::win::make_windows_update_source();
  auto build = source->build();
  REQUIRE_MESSAGE(build.ok(), build.error().message);
  REQUIRE(build->product_name.has_value());
  CHECK(build->product_name->find("Windows") != std::string::npos);
  REQUIRE(build->current_build.has_value());
  CHECK(std::stoi(*build->current_build) > 0);
}

TEST_CASE("reboot markers follow the WindowsUpdate RebootRequired key") {
  auto source = shouwei::platform::win::make_windows_update_source();
  auto before = source->reboot_markers();
  REQUIRE_MESSAGE(before.ok(), before.error().message);
  {
    RebootMarker marker;
    if (!marker.created()) return;  // a real pending reboot: nothing to vary here
    CHECK_FALSE(before->windows_update);
    auto during = source->reboot_markers();
    REQUIRE(during.ok());
    CHECK(during->windows_update);
  }
  auto after = source->reboot_markers();
  REQUIRE(after.ok());
  CHECK_FALSE(after->windows_update);
}

TEST_CASE("hotfixes through WMI ROOT\\CIMV2 Win32_QuickFixEngineering") {
  auto source = shouwei::platform::win::make_windows_update_source();
  auto hotfixes = source->hotfixes();
  REQUIRE_MESSAGE(hotfixes.ok(), hotfixes.error().message);
  for (const auto& h : *hotfixes) CHECK_FALSE(h.hotfix_id.empty());
}

TEST_CASE("Windows Update search and history: a clean error under Wine") {
  if (!under_wine()) return;  // on Windows they answer (slowly: the search goes online)
  auto source = shouwei::platform::win::make_windows_update_source();
  auto search = source->pending_updates();
  REQUIRE_FALSE(search.ok());
  CHECK(search.error().message.find("Windows Update") != std::string::npos);
  CHECK(search.error().message.find("HRESULT 0x") != std::string::npos);
  auto history = source->update_history();
  if (!history.ok()) CHECK(history.error().message.find("Windows Update") != std::string::npos);
}

TEST_CASE("the patches section under Wine: what answered, unknown pending, compliance") {
  if (!under_wine()) return;
  auto source = shouwei::platform::win::make_windows_update_source();
  auto section = shouwei::collectors::patches::collect_windows_patches(*source);
  REQUIRE_MESSAGE(section.ok(), section.error().message);
  CHECK(section->at("family") == "windows");
  const auto& sources = section->at("sources").as_object();
  CHECK(sources.at("update_search").at("answered") == false);
  CHECK(sources.at("update_search").at("error").is_string());
  CHECK(sources.at("build").at("answered") == true);
  CHECK(sources.at("hotfixes").at("answered") == true);
  CHECK(section->at("pending_security_count").is_null());
  CHECK(section->at("windows").at("build").is_string());

  auto compliance = shouwei::collectors::compliance::evaluate_compliance(
      json::object{{"patches", *section}}, {}, std::chrono::system_clock::now());
  std::string pending;
  for (const auto& c : compliance.at("checks").as_array()) {
    if (c.at("id") == "patches.security_pending") pending = std::string(c.at("result").as_string());
  }
  CHECK(pending == "unknown");
}
