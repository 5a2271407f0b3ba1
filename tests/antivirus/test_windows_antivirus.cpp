// The antivirus section on Windows: Security Center and Defender from WMI outputs in their
// documented formats (tests/fixtures/antivirus/windows), registry-described products, the
// decoders, descriptor validation for Windows, and compliance over the result.
#include <algorithm>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "shouwei/collectors/antivirus/antivirus_collector.hpp"
#include "shouwei/collectors/compliance/compliance.hpp"
#include "windows_fakes.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
namespace av = shouwei::collectors::antivirus;

namespace {

const fs::path kFixtures = fs::path(SHOUWEI_FIXTURES) / "antivirus/windows";
const char* const kHuorongUninstall =
    "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\HuorongSysdiag";

shouwei::TimePoint at(const char* rfc3339) {
  return *shouwei::parse_rfc3339(rfc3339);
}

av::AntivirusConfig builtin_config() {
  auto c = av::parse_antivirus_config(nullptr);
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  return *c;
}

json::object collect(shouwei::test::FakeWindowsHost& host, const char* fixture,
                     shouwei::TimePoint now, const av::AntivirusConfig& config = builtin_config()) {
  shouwei::test::WmiFixtureSecurity wmi(kFixtures / fixture);
  auto section = av::collect_antivirus(host, config, now, &wmi);
  REQUIRE_MESSAGE(section.ok(), section.error().message);
  return *section;
}

const json::object* product(const json::object& s, std::string_view name) {
  for (const auto& p : s.at("products").as_array()) {
    if (p.as_object().at("name").as_string() == name) return &p.as_object();
  }
  return nullptr;
}

std::string check_result(const json::object& section, const char* id, shouwei::TimePoint now) {
  auto c = shouwei::collectors::compliance::evaluate_compliance(
      json::object{{"antivirus", section}}, {}, now);
  for (const auto& v : c.at("checks").as_array()) {
    if (v.as_object().at("id").as_string() == id)
      return std::string(v.as_object().at("result").as_string());
  }
  return "absent";
}

shouwei::Result<av::AntivirusConfig> parse(std::string_view text) {
  toml::table doc = toml::parse(text);
  return av::parse_antivirus_config(doc["antivirus"].as_table());
}

}  // namespace

TEST_CASE("productState: state and signature nibbles as Windows reports them") {
  struct Case {
    std::uint32_t word;
    av::WscState state;
    std::optional<bool> fresh;
  };
  for (const Case& c : {Case{397568, av::WscState::on, true},         // 0x061100 Defender on
                        Case{397584, av::WscState::on, false},        // 0x061110 out of date
                        Case{393472, av::WscState::off, true},        // 0x060100 Defender off
                        Case{266240, av::WscState::on, true},         // 0x041000 third party on
                        Case{262160, av::WscState::off, false},       // 0x040010
                        Case{0x062100, av::WscState::snoozed, true},  //
                        Case{0x063100, av::WscState::expired, true},  //
                        Case{0x06F1F0, av::WscState::unknown, std::nullopt}}) {
    CAPTURE(c.word);
    auto d = av::decode_product_state(c.word);
    CHECK(d.state == c.state);
    CHECK(d.signatures_up_to_date == c.fresh);
  }
}

TEST_CASE("CIM DATETIME and RFC 1123 times") {
  CHECK(av::parse_cim_datetime("20240219224011.000000+000") == at("2024-02-19T22:40:11Z"));
  CHECK(av::parse_cim_datetime("20240220064011.000000+480") == at("2024-02-19T22:40:11Z"));
  CHECK(av::parse_cim_datetime("20240219174011.500000-300") == at("2024-02-19T22:40:11.5Z"));
  CHECK_FALSE(av::parse_cim_datetime("2024021922401*.000000+000"));  // wildcard
  CHECK_FALSE(av::parse_cim_datetime("00000004000000.000000:000"));  // an interval
  CHECK_FALSE(av::parse_cim_datetime("20240230224011.000000+000"));  // no 30 February
  CHECK_FALSE(av::parse_cim_datetime("20240219224011.000000+999"));
  CHECK_FALSE(av::parse_cim_datetime("20240219224011"));
  CHECK_FALSE(av::parse_cim_datetime(""));
  CHECK(av::parse_rfc1123("Mon, 19 Feb 2024 22:41:05 GMT") == at("2024-02-19T22:41:05Z"));
  CHECK_FALSE(av::parse_rfc1123("Mon, 19 Fbr 2024 22:41:05 GMT"));
  CHECK_FALSE(av::parse_rfc1123("Mon, 19 Feb 2024 22:41:05 UTC"));
  CHECK_FALSE(av::parse_rfc1123("Mon, 31 Feb 2024 22:41:05 GMT"));
  CHECK_FALSE(av::parse_rfc1123(std::string(200, 'x')));
}

TEST_CASE("Defender on: one product with its signature age, Security Center merged into it") {
  shouwei::test::FakeWindowsHost host;
  json::object s = collect(host, "defender_only", at("2024-02-20T10:40:11Z"));
  REQUIRE(s.at("product_count") == 1);
  const auto* d = product(s, "Microsoft Defender Antivirus");
  REQUIRE(d);
  CHECK(d->at("source") == "defender");
  CHECK(d->at("signature_version") == "1.405.350.0");
  CHECK(d->at("signature_time") == "2024-02-19T22:40:11Z");  // +480 minutes east of UTC
  CHECK(d->at("age_hours").to_number<double>() == doctest::Approx(12.0));
  CHECK(d->at("up_to_date") == true);
  CHECK(d->at("realtime") == true);
  const auto& wsc = d->at("security_center").as_object();
  CHECK(wsc.at("state") == "on");
  CHECK(wsc.at("signatures_up_to_date") == true);
  CHECK(wsc.at("product_state") == 397568);
  CHECK(wsc.at("timestamp") == "2024-02-19T22:41:05Z");
  CHECK(s.at("defender").as_object().at("am_running_mode") == "Normal");
  CHECK(s.at("sources").as_object().at("security_center").as_object().at("answered") == true);
  CHECK(s.at("warnings").as_array().empty());
  CHECK(check_result(s, "av.present", at("2024-02-20T10:40:11Z")) == "pass");
  CHECK(check_result(s, "av.signatures_fresh", at("2024-02-20T10:40:11Z")) == "pass");
  // Four days later the same signatures are stale (72 h).
  json::object later = collect(host, "defender_only", at("2024-02-23T23:00:00Z"));
  CHECK(product(later, "Microsoft Defender Antivirus")->at("up_to_date") == false);
  CHECK(check_result(later, "av.signatures_fresh", at("2024-02-23T23:00:00Z")) == "fail");
}

TEST_CASE("火绒 found by its uninstall key and process, merged with its Security Center entry") {
  shouwei::test::FakeWindowsHost host;
  host.set_text(kHuorongUninstall, "DisplayName", "火绒安全软件");  // the 32-bit view: second key
  host.processes = {"System", "svchost.exe", "hipsdaemon.exe"};     // case does not matter
  json::object s = collect(host, "huorong", at("2024-02-20T10:00:00Z"));
  // Defender switched off by 火绒 is no product; its state stays visible at section level.
  CHECK_FALSE(product(s, "Microsoft Defender Antivirus"));
  CHECK(s.at("defender").as_object().at("antivirus_enabled") == false);
  REQUIRE(s.at("product_count") == 2);
  const auto* h = product(s, "火绒安全软件 (Huorong Internet Security)");
  REQUIRE(h);
  CHECK(h->at("source") == "descriptor");
  CHECK(h->at("realtime") == true);
  CHECK(h->at("up_to_date").is_null());  // the product says fresh; its age is unknown
  CHECK(h->at("security_center").as_object().at("state") == "on");
  CHECK(h->at("errors").as_array().empty());
  // Defender's own Security Center entry, unmerged (Defender's product is not listed): off.
  const auto* wd = product(s, "Windows Defender");
  REQUIRE(wd);
  CHECK(wd->at("source") == "defender");
  CHECK(wd->at("realtime") == false);
  CHECK(check_result(s, "av.present", at("2024-02-20T10:00:00Z")) == "pass");
  CHECK(check_result(s, "av.signatures_fresh", at("2024-02-20T10:00:00Z")) == "unknown");
}

TEST_CASE("Security Center saying out of date makes the product known stale") {
  shouwei::test::FakeWindowsHost host;
  host.processes = {"HipsDaemon.exe"};
  shouwei::test::WmiFixtureSecurity wmi(kFixtures / "huorong");
  struct StaleCentre final : av::WindowsSecuritySource {
    av::WindowsSecuritySource& real;
    explicit StaleCentre(av::WindowsSecuritySource& r) : real(r) {}
    shouwei::Result<std::vector<av::SecurityCenterProduct>> security_center_products() override {
      auto products = real.security_center_products();
      for (auto& p : *products) p.product_state = 266256;  // 0x041010: on, out of date
      return products;
    }
    shouwei::Result<av::DefenderStatus> defender_status() override {
      return real.defender_status();
    }
  } stale(wmi);
  auto s = av::collect_antivirus(host, builtin_config(), at("2024-02-20T10:00:00Z"), &stale);
  REQUIRE(s.ok());
  const auto* h = product(*s, "火绒安全软件 (Huorong Internet Security)");
  REQUIRE(h);
  CHECK(h->at("up_to_date") == false);
  CHECK(check_result(*s, "av.signatures_fresh", at("2024-02-20T10:00:00Z")) == "fail");
}

TEST_CASE("under Wine: neither WMI namespace answers; descriptors still work; sources say why") {
  shouwei::test::FakeWindowsHost host;
  host.processes = {"ZhuDongFangYu.exe"};
  json::object s = collect(host, "no_such_fixture", at("2024-02-20T10:00:00Z"));
  REQUIRE(s.at("product_count") == 1);
  CHECK(s.at("products").as_array()[0].as_object().at("name") == "360安全卫士 (360 Safe Guard)");
  CHECK(s.at("defender").is_null());
  const auto& sources = s.at("sources").as_object();
  for (const char* name : {"security_center", "defender"}) {
    CAPTURE(name);
    CHECK(sources.at(name).as_object().at("answered") == false);
    CHECK(sources.at(name).as_object().at("error").as_string().find("0x8004100E") !=
          json::string::npos);
  }
  CHECK(s.at("warnings").as_array().size() == 2);
}

TEST_CASE("a site descriptor reading version and time from the registry") {
  auto config = parse(R"(
[antivirus]
builtin_products = false
[[antivirus.product]]
name = "Site AV"
platform = "windows"
version_registry = { key = ['HKLM\SOFTWARE\SiteAV', 'HKLM\SOFTWARE\WOW6432Node\SiteAV'], value = 'VirusLib', regex = '^v(\d+\.\d+)' }
time_registry = { key = 'HKLM\SOFTWARE\WOW6432Node\SiteAV', value = 'UpdateTime' }
process_names = ["SiteAVService.exe"]
)");
  REQUIRE_MESSAGE(config.ok(), config.error().message);
  const auto now = at("2024-02-20T12:00:00Z");
  struct Case {
    shouwei::collectors::antivirus::RegistryValue time;
    const char* expected;
  };
  using K = av::RegistryValue::Kind;
  for (const Case& c :
       {Case{{K::text, "2024-02-20 08:00:00", 0}, "2024-02-20T00:00:00Z"},     // local UTC+8
        Case{{K::number, "", 1708387200}, "2024-02-20T00:00:00Z"},             // Unix
        Case{{K::number, "", 133528608000000000ULL}, "2024-02-20T00:00:00Z"},  // FILETIME
        Case{{K::text, "soon", 0}, nullptr}}) {
    CAPTURE(c.time.text);
    shouwei::test::FakeWindowsHost host;
    host.set_text("HKLM\\SOFTWARE\\WOW6432Node\\SiteAV", "VirusLib", "v2024.0220 (daily)");
    host.registry[{"HKLM\\SOFTWARE\\WOW6432Node\\SiteAV", "UpdateTime"}] = c.time;
    json::object s = collect(host, "no_such_fixture", now, *config);
    const auto* p = product(s, "Site AV");
    REQUIRE(p);
    CHECK(p->at("signature_version") == "2024.0220");
    CHECK(p->at("realtime") == false);
    if (c.expected) {
      CHECK(p->at("signature_time") == c.expected);
      CHECK(p->at("age_hours").to_number<double>() == doctest::Approx(12.0));
      CHECK(p->at("up_to_date") == true);
    } else {
      CHECK(p->at("signature_time").is_null());
      CHECK(p->at("errors").as_array().size() == 1);
    }
  }
}

TEST_CASE(
    "descriptors apply on their platform only; ClamAV's Unix layout is not looked for on Windows") {
  shouwei::test::FakeWindowsHost host;
  host.processes = {"wdavdaemon", "clamd", "360Tray.exe"};
  json::object s = collect(host, "no_such_fixture", at("2024-02-20T10:00:00Z"));
  REQUIRE(s.at("product_count") == 1);  // not the Linux Defender, not ClamAV
  CHECK(product(s, "360安全卫士 (360 Safe Guard)"));
}

TEST_CASE("process names: Windows file names ignore case; Linux comm is cut at 15") {
  shouwei::test::FakeWindowsHost host;
  auto config = parse(R"(
[antivirus]
builtin_products = false
[[antivirus.product]]
name = "Long"
platform = "windows"
install_registry = { key = 'HKLM\SOFTWARE\Nothing', value = 'X' }
process_names = ["AVeryLongServiceName.exe"]
)");
  REQUIRE(config.ok());
  host.processes = {"averylongservicename.exe"};
  CHECK(collect(host, "no_such_fixture", at("2024-02-20T10:00:00Z"), *config).at("product_count") ==
        1);
  host.processes = {"AVeryLongServic"};  // what /proc/<pid>/comm would show
  CHECK(collect(host, "no_such_fixture", at("2024-02-20T10:00:00Z"), *config).at("product_count") ==
        1);
  host.processes = {"AVeryLongServ"};
  CHECK(collect(host, "no_such_fixture", at("2024-02-20T10:00:00Z"), *config).at("product_count") ==
        0);
}

TEST_CASE("Windows descriptor errors name the key") {
  auto error_of = [](std::string_view text) {
    auto r = parse(text);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  const char* head = "[antivirus]\nbuiltin_products = false\n[[antivirus.product]]\nname = \"X\"\n";
  CHECK(error_of(std::string(head) + "platform = \"macos\"\nsignature_glob = '/x'") ==
        "antivirus.product[0].platform: must be \"linux\" or \"windows\"");
  CHECK(error_of(std::string(head) + "install_registry = { key = 'HKLM\\X', value = 'V' }") ==
        "antivirus.product[0]: registry sources need platform = \"windows\"");
  CHECK(error_of(std::string(head) +
                 "platform = \"windows\"\ninstall_registry = { key = 'HKCU\\X', value = 'V' }") ==
        "antivirus.product[0].install_registry.key: \"HKCU\\X\" is not under HKLM\\");
  CHECK(error_of(std::string(head) +
                 "platform = \"windows\"\nversion_registry = { key = 'HKLM\\X' }") ==
        "antivirus.product[0].version_registry.value: missing");
  CHECK(error_of(
            std::string(head) +
            "platform = \"windows\"\ntime_registry = { key = 'HKLM\\X', value = 'V', rx = 1 }") ==
        "antivirus.product[0].time_registry.rx: unknown key");
  CHECK(error_of(std::string(head) + "platform = \"windows\"\nversion_registry = { key = "
                                     "'HKLM\\X', value = 'V', regex = 'x' }") ==
        "antivirus.product[0].version_registry.regex: needs a capture group");
  CHECK(error_of(std::string(head) +
                 "platform = \"windows\"\nsignature_glob = 'Program Files\\AV\\*.db'") ==
        "antivirus.product[0]: path \"Program Files\\AV\\*.db\" is not absolute on windows");
  CHECK(error_of(std::string(head) + "platform = \"windows\"\nsignature_glob = '/opt/av/*.db'") ==
        "antivirus.product[0]: path \"/opt/av/*.db\" is not absolute on windows");
  for (const char* ok : {"C:\\AV\\*.db", "c:/AV/*.db", "%ProgramFiles%\\AV\\*.db"}) {
    CAPTURE(ok);
    CHECK(parse(std::string(head) + "platform = \"windows\"\nsignature_glob = '" + ok + "'").ok());
  }
  CHECK_FALSE(
      parse(std::string(head) + "platform = \"windows\"\nsignature_glob = '%%\\AV\\*.db'").ok());
}
