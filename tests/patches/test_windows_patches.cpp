// The Windows patches section from API outputs in the formats Windows documents (fixtures in
// tests/fixtures/patches/windows), its parsers, and compliance evaluated over it.
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "../common/temp_dir.hpp"
#include "shouwei/collectors/compliance/compliance.hpp"
#include "shouwei/collectors/patches/windows_patches.hpp"
#include "windows_fixture_source.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
namespace p = shouwei::collectors::patches;

namespace {

const fs::path kOfficePc = fs::path(SHOUWEI_FIXTURES) / "patches/windows/office_pc";

json::object collect(const fs::path& dir) {
  shouwei::test::WindowsFixtureSource source(dir);
  auto section = p::collect_windows_patches(source);
  REQUIRE_MESSAGE(section.ok(), section.error().message);
  return *section;
}

const json::object* find_kb(const json::object& section, const char* list, std::string_view kb) {
  for (const auto& v : section.at(list).as_array()) {
    if (v.as_object().at("kb").as_string() == kb) return &v.as_object();
  }
  return nullptr;
}

std::string check_result(const json::object& compliance, std::string_view id) {
  for (const auto& c : compliance.at("checks").as_array()) {
    if (c.as_object().at("id").as_string() == id)
      return std::string(c.as_object().at("result").as_string());
  }
  return "absent";
}

// A copy of office_pc with only the named files, for sources that do not answer.
void copy_some(const fs::path& to, std::initializer_list<const char*> names) {
  for (const char* n : names) fs::copy_file(kOfficePc / n, to / n);
}

}  // namespace

TEST_CASE("hotfix InstalledOn: every format Win32_QuickFixEngineering uses, nothing else") {
  using D = p::CalendarDate;
  CHECK(p::parse_hotfix_date("3/12/2024") == D{2024, 3, 12});
  CHECK(p::parse_hotfix_date(" 12/3/2024 ") == D{2024, 12, 3});
  CHECK(p::parse_hotfix_date("13/3/2024") == D{2024, 3, 13});  // day first: 13 is no month
  CHECK(p::parse_hotfix_date("20240312") == D{2024, 3, 12});
  CHECK(p::parse_hotfix_date("2024-03-12") == D{2024, 3, 12});
  CHECK(p::parse_hotfix_date("01d88a3c5b0f4000") == D{2022, 6, 27});  // FILETIME, hex
  CHECK(p::parse_hotfix_date("01D88A3C5B0F4000") == D{2022, 6, 27});
  CHECK_FALSE(p::parse_hotfix_date(""));
  CHECK_FALSE(p::parse_hotfix_date("yesterday"));
  CHECK_FALSE(p::parse_hotfix_date("2/30/2024"));
  CHECK_FALSE(p::parse_hotfix_date("13/13/2024"));
  CHECK_FALSE(p::parse_hotfix_date("20241301"));
  CHECK_FALSE(p::parse_hotfix_date("1/1/1601"));
  CHECK_FALSE(p::parse_hotfix_date("0000000000000000"));
  CHECK_FALSE(p::parse_hotfix_date("ffffffffffffffff"));
  CHECK_FALSE(p::parse_hotfix_date("3/12/2024/1"));
  CHECK_FALSE(p::parse_hotfix_date(std::string(100, '1')));
}

TEST_CASE("KB numbers: normalised from KBArticleIDs and found in localised titles") {
  CHECK(p::normalize_kb("5034441") == "KB5034441");
  CHECK(p::normalize_kb("kb5034441") == "KB5034441");
  CHECK_FALSE(p::normalize_kb("File 1"));
  CHECK_FALSE(p::normalize_kb("KB"));
  CHECK_FALSE(p::normalize_kb("KB12"));
  CHECK_FALSE(p::normalize_kb("KB12345678901"));
  CHECK(p::kb_ids_in_text(
            "2024-01 适用于 Windows 10 Version 22H2 的安全更新，适合基于 x64 的系统 (KB5034441)") ==
        std::vector<std::string>{"KB5034441"});
  CHECK(p::kb_ids_in_text("安全智能更新 - KB2267602 (版本 1.405.350.0)") ==
        std::vector<std::string>{"KB2267602"});
  CHECK(p::kb_ids_in_text("KB100 and kb200, again KB100") ==
        std::vector<std::string>{"KB100", "KB200"});
  CHECK(p::kb_ids_in_text("NKB12345 KB123x KB").empty());
  CHECK(p::kb_ids_in_text("").empty());
}

TEST_CASE(
    "security classification by CategoryID, English name or MSRC severity; definitions apart") {
  p::WindowsPendingUpdate u;
  u.categories = {{"0FA1201D-4330-4FA8-8AE9-B877473B6441", "安全更新", "UpdateClassification"}};
  CHECK(p::is_security_update(u));
  u.categories = {{"e6cf1350-c01b-414d-a61f-263d14d133b4", "关键更新", "UpdateClassification"}};
  CHECK(p::is_security_update(u));
  u.categories = {{"", "Critical Updates", "UpdateClassification"}};
  CHECK(p::is_security_update(u));
  u.categories = {
      {"cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83", "Security Updates", "UpdateClassification"}};
  CHECK_FALSE(p::is_security_update(u));  // the id decides when there is one
  u.msrc_severity = "Moderate";
  CHECK(p::is_security_update(u));
  u.msrc_severity = "  ";
  CHECK_FALSE(p::is_security_update(u));

  CHECK(p::is_definition_update(
      {{"e0789628-ce08-4437-be74-2495b842f43b", "定义更新", "UpdateClassification"}}, {}));
  CHECK(p::is_definition_update({}, {"KB2267602"}));
  CHECK_FALSE(p::is_definition_update({}, {"KB5034122"}));
}

TEST_CASE("office PC: pending with security flags, reconciled installed list, failures, reboot") {
  json::object s = collect(kOfficePc);
  CHECK(s.at("family") == "windows");
  const auto& win = s.at("windows").as_object();
  CHECK(win.at("version") == "10.0.19045.3930");
  CHECK(win.at("display_version") == "22H2");
  CHECK(win.at("ubr") == 3930);

  CHECK(s.at("pending_count") == 5);
  CHECK(s.at("pending_security_count") == 3);  // KB5034763 (class), KB5034467 (MSRC), KB5034441
  CHECK(s.at("last_search_success_at") == "2024-02-20T01:15:02Z");
  for (const auto& v : s.at("pending").as_array()) {
    const auto& u = v.as_object();
    const auto& kbs = u.at("kb").as_array();
    REQUIRE(kbs.size() == 1);
    bool expected_security =
        kbs[0] == "KB5034763" || kbs[0] == "KB5034467" || kbs[0] == "KB5034441";
    CAPTURE(kbs[0]);
    CHECK(u.at("security").as_bool() == expected_security);
    if (kbs[0] == "KB5034763") {
      CHECK(u.at("classifications") == json::array{"安全更新"});
      CHECK(u.at("msrc_severity").is_null());
    }
  }

  // Both sources: history gives the time, CBS the day.
  const auto* cu = find_kb(s, "installed", "KB5034122");
  REQUIRE(cu);
  CHECK(cu->at("sources") == json::array{"update_history", "hotfix"});
  CHECK(cu->at("installed_at") == "2024-01-10T03:12:44Z");
  CHECK(cu->at("installed_on") == "2024-01-10");
  // Only CBS knows the offline install; only history knows the MSI-delivered .NET update.
  const auto* offline = find_kb(s, "installed", "KB5031988");
  REQUIRE(offline);
  CHECK(offline->at("sources") == json::array{"hotfix"});
  CHECK(offline->at("installed_on") == "2023-11-15");
  CHECK(offline->at("installed_at").is_null());
  const auto* dotnet = find_kb(s, "installed", "KB5033909");
  REQUIRE(dotnet);
  CHECK(dotnet->at("sources") == json::array{"update_history"});
  CHECK(find_kb(s, "installed", "KB5015684")->at("installed_on") == "2022-06-27");  // FILETIME
  // Uninstalled later: neither installed nor failed.
  CHECK_FALSE(find_kb(s, "installed", "KB5032278"));
  CHECK_FALSE(find_kb(s, "failed", "KB5032278"));
  // The WinRE update failing with 0x80070643 twice.
  const auto* winre = find_kb(s, "failed", "KB5034441");
  REQUIRE(winre);
  CHECK(winre->at("hresult") == "0x80070643");
  CHECK(winre->at("date") == "2024-02-14T02:05:40Z");
  CHECK(winre->at("result") == "failed");
  CHECK_FALSE(find_kb(s, "installed", "KB5034441"));
  // "File 1" names no package. KB2267602 is installed, but never counts as patching.
  CHECK(s.at("installed_count") == s.at("installed").as_array().size());
  CHECK(s.at("installed_count") == 6);  // 5034122 5031988 5033909 5015684 5011048 2267602
  CHECK(s.at("last_patched_at") == "2024-01-10T03:12:44Z");
  CHECK(s.at("last_patched_source") == "update_history");

  CHECK(s.at("reboot_required") == true);
  CHECK(s.at("reboot_reasons") == json::array{"component_based_servicing"});
  // A plain loop variable: clang 14 cannot capture structured bindings in CAPTURE's lambda.
  for (const auto& source : s.at("sources").as_object()) {
    const std::string name(source.key());
    CAPTURE(name);
    CHECK(source.value().as_object().at("answered") == true);
    CHECK(source.value().as_object().at("error").is_null());
  }
  REQUIRE(s.at("warnings").as_array().size() == 1);
  CHECK(s.at("warnings").as_array()[0].as_string().find("1 InstalledOn") != json::string::npos);
}

TEST_CASE("a hotfix day later than the history wins last_patched_at, as 00:00 UTC") {
  shouwei::test::TempDir dir;
  copy_some(dir.path(),
            {"IUpdateSearcher.QueryHistory.json", "CurrentVersion.json", "RebootMarkers.json"});
  shouwei::test::write_test_file(
      dir / "Win32_QuickFixEngineering.json",
      R"([{"HotFixID":"KB5035845","Description":"Security Update","InstalledOn":"3/12/2024","InstalledBy":""}])");
  json::object s = collect(dir.path());
  CHECK(s.at("last_patched_at") == "2024-03-12T00:00:00Z");
  CHECK(s.at("last_patched_source") == "hotfix");
  CHECK(s.at("pending_security_count").is_null());
}

TEST_CASE("under Wine: WUA and WMI do not answer; the section says so and stays usable") {
  shouwei::test::TempDir dir;
  copy_some(dir.path(), {"CurrentVersion.json", "RebootMarkers.json"});
  json::object s = collect(dir.path());
  CHECK(s.at("pending_count").is_null());
  CHECK(s.at("pending_security_count").is_null());
  CHECK(s.at("pending").is_null());
  CHECK(s.at("last_patched_at").is_null());
  CHECK(s.at("installed_count") == 0);
  const auto& sources = s.at("sources").as_object();
  CHECK(sources.at("update_search").as_object().at("answered") == false);
  CHECK(sources.at("update_search").as_object().at("error").as_string().find("E_NOTIMPL") !=
        json::string::npos);
  CHECK(sources.at("hotfixes").as_object().at("answered") == false);
  CHECK(sources.at("build").as_object().at("answered") == true);
  CHECK(s.at("warnings").as_array()[0].as_string().find("pending updates unknown") == 0);

  auto compliance = shouwei::collectors::compliance::evaluate_compliance(
      json::object{{"patches", s}}, {}, *shouwei::parse_rfc3339("2024-02-20T12:00:00Z"));
  CHECK(check_result(compliance, "patches.security_pending") == "unknown");
  CHECK(check_result(compliance, "patches.recent") == "unknown");
  CHECK(check_result(compliance, "reboot.pending") == "fail");
}

TEST_CASE("no source answering at all is an error naming each failure") {
  shouwei::test::TempDir dir;
  shouwei::test::WindowsFixtureSource source(dir.path());
  auto section = p::collect_windows_patches(source);
  REQUIRE_FALSE(section.ok());
  CHECK(section.error().message.find("E_NOTIMPL") != std::string::npos);
  CHECK(section.error().message.find("Win32_QuickFixEngineering") != std::string::npos);
}

TEST_CASE("compliance reads the Windows section like the Linux one") {
  json::object s = collect(kOfficePc);
  shouwei::collectors::compliance::ComplianceThresholds t;
  auto at = [&](const char* now) {
    return shouwei::collectors::compliance::evaluate_compliance(json::object{{"patches", s}}, t,
                                                                *shouwei::parse_rfc3339(now));
  };
  auto c = at("2024-02-01T00:00:00Z");
  CHECK(check_result(c, "patches.security_pending") == "fail");  // 3 pending
  CHECK(check_result(c, "patches.recent") == "pass");            // 21.9 days
  CHECK(check_result(c, "reboot.pending") == "fail");
  CHECK(check_result(at("2024-02-20T00:00:00Z"), "patches.recent") == "fail");  // the definition
  t.max_pending_security = 3;                                                   // update of 02-19
  CHECK(check_result(at("2024-02-01T00:00:00Z"), "patches.security_pending") ==
        "pass");  // doesn't count
}
