// The Windows antivirus ports on Wine's real registry, files and processes: a site descriptor
// read through HKLM values and a %VARIABLE% glob, the shipped 火绒 descriptor found by its
// uninstall key, and Security Center / Defender failing cleanly with WBEM_E_INVALID_NAMESPACE
// (Wine implements neither namespace; on Windows they must answer).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <windows.h>

#include <boost/json.hpp>
#include <doctest/doctest.h>
#include <toml++/toml.h>

#include "../under_wine.hpp"
#include "shouwei/collectors/antivirus/antivirus_collector.hpp"
#include "shouwei/collectors/compliance/compliance.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/platform/win/antivirus_ports.hpp"
#include "shouwei/platform/win/wide.hpp"

namespace av = shouwei::collectors::antivirus;
namespace fs = std::filesystem;
namespace json = boost::json;
using shouwei::Errc;
using shouwei::win_test::under_wine;

namespace {

// An HKLM key (64-bit view) created for the test and deleted with its tree afterwards.
class HklmKey {
 public:
  explicit HklmKey(const std::string& path) : path_(shouwei::win::to_wide_lossy(path)) {
    REQUIRE(::RegCreateKeyExW(HKEY_LOCAL_MACHINE, path_.c_str(), 0, nullptr, 0,
                              KEY_ALL_ACCESS | KEY_WOW64_64KEY, nullptr, &key_,
                              nullptr) == ERROR_SUCCESS);
  }
  ~HklmKey() {
    ::RegCloseKey(key_);
    ::RegDeleteTreeW(HKEY_LOCAL_MACHINE, path_.c_str());
  }
  HklmKey(const HklmKey&) = delete;
  HklmKey& operator=(const HklmKey&) = delete;
  void set_text(const wchar_t* name, const std::wstring& text) {
    REQUIRE(::RegSetValueExW(key_, name, 0, REG_SZ, reinterpret_cast<const BYTE*>(text.c_str()),
                             static_cast<DWORD>((text.size() + 1) * sizeof(wchar_t))) ==
            ERROR_SUCCESS);
  }
  void set_qword(const wchar_t* name, std::uint64_t value) {
    REQUIRE(::RegSetValueExW(key_, name, 0, REG_QWORD, reinterpret_cast<const BYTE*>(&value),
                             sizeof value) == ERROR_SUCCESS);
  }

 private:
  std::wstring path_;
  HKEY key_ = nullptr;
};

std::uint64_t filetime_now() {
  FILETIME ft;
  ::GetSystemTimeAsFileTime(&ft);
  return (std::uint64_t{ft.dwHighDateTime} << 32) | ft.dwLowDateTime;
}

std::string own_exe_name() {
  wchar_t path[MAX_PATH];
  DWORD n = ::GetModuleFileNameW(nullptr, path, MAX_PATH);
  REQUIRE(n > 0);
  return shouwei::win::to_utf8_lossy(fs::path(std::wstring(path, n)).filename().wstring());
}

const json::object* product(const json::object& s, std::string_view name) {
  for (const auto& p : s.at("products").as_array()) {
    if (p.as_object().at("name").as_string() == name) return &p.as_object();
  }
  return nullptr;
}

struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("shouwei-av-" + shouwei::hex_encode(shouwei::random_bytes(6)));
  TempDir() { fs::create_directories(path / "Virus"); }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

TEST_CASE("files and processes: %VARIABLE% paths, case-insensitive glob, executable names") {
  TempDir dir;
  std::ofstream(dir.path / "Virus" / "MAIN.VDB") << "sig";
  std::ofstream(dir.path / "Virus" / "daily.vdb") << "sig2";
  std::ofstream(dir.path / "Virus" / "notes.txt") << "x";
  std::ofstream(dir.path / "version.ini") << "[Update]\nVirusLibVer=2024.02.19\n";
  REQUIRE(::SetEnvironmentVariableW(L"SHOUWEI_AV_TEST", dir.path.wstring().c_str()));

  auto host = shouwei::platform::win::make_windows_av_products();
  CHECK(host->platform() == "windows");
  auto text = host->read_text("%SHOUWEI_AV_TEST%\\version.ini", 4096);
  REQUIRE_MESSAGE(text.ok(), text.error().message);
  CHECK(text->find("VirusLibVer=2024.02.19") != std::string::npos);
  auto small = host->read_text("%SHOUWEI_AV_TEST%\\version.ini", 8);
  REQUIRE_FALSE(small.ok());
  CHECK(small.error().code == Errc::limit_exceeded);
  auto head = host->read_head("%SHOUWEI_AV_TEST%\\version.ini", 8);
  REQUIRE(head.ok());
  CHECK(*head == "[Update]");
  CHECK_FALSE(host->read_text("%SHOUWEI_AV_TEST%\\absent.ini", 100).ok());

  auto found = host->glob("%SHOUWEI_AV_TEST%\\Virus\\*.vdb");
  REQUIRE_MESSAGE(found.ok(), found.error().message);
  REQUIRE(found->size() == 2);
  CHECK((*found)[0].path.ends_with("\\Virus\\MAIN.VDB"));
  CHECK((*found)[1].size == 4);
  auto none = host->glob("%SHOUWEI_AV_TEST%\\NoSuchDir\\*.vdb");
  REQUIRE(none.ok());
  CHECK(none->empty());
  CHECK_FALSE(host->glob("%SHOUWEI_AV_TEST%\\Vir*\\x.vdb").ok());

  auto processes = host->process_names();
  REQUIRE_MESSAGE(processes.ok(), processes.error().message);
  const std::string self = own_exe_name();
  CHECK(std::any_of(processes->begin(), processes->end(), [&](const std::string& name) {
    return ::CompareStringOrdinal(shouwei::win::to_wide_lossy(name).c_str(), -1,
                                  shouwei::win::to_wide_lossy(self).c_str(), -1,
                                  TRUE) == CSTR_EQUAL;
  }));
  CHECK(host->local_to_utc(2024, 2, 19, 12, 0, 0).has_value());
  CHECK_FALSE(host->local_to_utc(2024, 13, 1, 0, 0, 0).has_value());
}

TEST_CASE("registry values: text, QWORD, absent value and key, only HKLM") {
  const std::string path =
      "SOFTWARE\\ShouweiTest\\av-" + shouwei::hex_encode(shouwei::random_bytes(6));
  HklmKey key(path);
  key.set_text(L"VirusLibVer", L"2024.02.19.01 火绒");
  key.set_qword(L"UpdateTime", 133528296000000000ULL);
  auto host = shouwei::platform::win::make_windows_av_products();
  auto v = host->read_registry_value("HKLM\\" + path, "VirusLibVer");
  REQUIRE_MESSAGE(v.ok(), v.error().message);
  CHECK(v->kind == av::RegistryValue::Kind::text);
  CHECK(v->text == "2024.02.19.01 火绒");
  auto q = host->read_registry_value("HKEY_LOCAL_MACHINE\\" + path, "UpdateTime");
  REQUIRE(q.ok());
  CHECK(q->kind == av::RegistryValue::Kind::number);
  CHECK(q->number == 133528296000000000ULL);
  auto absent = host->read_registry_value("HKLM\\" + path, "Nothing");
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().code == Errc::not_found);
  auto no_key = host->read_registry_value("HKLM\\" + path + "\\Missing", "x");
  REQUIRE_FALSE(no_key.ok());
  CHECK(no_key.error().code == Errc::not_found);
  CHECK_FALSE(host->read_registry_value("HKCU\\Software", "x").ok());
}

TEST_CASE("Security Center and Defender: fail cleanly under Wine, answer on Windows") {
  auto source = shouwei::platform::win::make_windows_security_source();
  auto products = source->security_center_products();
  auto defender = source->defender_status();
  if (under_wine()) {
    REQUIRE_FALSE(products.ok());
    CHECK(products.error().code == Errc::unsupported);
    CHECK(products.error().message.find("SecurityCenter2") != std::string::npos);
    CHECK(products.error().message.find("0x8004100E") != std::string::npos);
    REQUIRE_FALSE(defender.ok());
    CHECK(defender.error().code == Errc::unsupported);
    CHECK(defender.error().message.find("Defender") != std::string::npos);
  } else {
    CHECK_MESSAGE(products.ok(), products.error().message);
  }
}

TEST_CASE("the antivirus section on Windows: described products, sources, compliance") {
  TempDir dir;
  std::ofstream(dir.path / "Virus" / "main.vdb") << "sig";
  REQUIRE(::SetEnvironmentVariableW(L"SHOUWEI_AV_TEST", dir.path.wstring().c_str()));
  const std::string path =
      "SOFTWARE\\ShouweiTest\\av-" + shouwei::hex_encode(shouwei::random_bytes(6));
  HklmKey key(path);
  key.set_text(L"VirusLibVer", L"2024.02.19.01");
  const std::uint64_t two_hours_ago = filetime_now() - 2ULL * 3600ULL * 10000000ULL;
  key.set_qword(L"UpdateTime", two_hours_ago);
  HklmKey huorong(
      "SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\HuorongSysdiag");
  huorong.set_text(L"DisplayName", L"火绒安全软件");

  const std::string config_text = R"(
[antivirus]
clamav = false
[[antivirus.product]]
name = "Example AV"
platform = "windows"
signature_glob = '%SHOUWEI_AV_TEST%\Virus\*.vdb'
version_registry = { key = ['HKLM\SOFTWARE\ShouweiTest\absent', 'HKLM\)" +
                                  path +
                                  R"('], value = 'VirusLibVer', regex = '^(\d{4}\.\d\d\.\d\d)' }
time_registry = { key = 'HKLM\)" + path +
                                  R"(', value = 'UpdateTime' }
process_names = [")" + own_exe_name() +
                                  R"("]
)";
  toml::table doc = toml::parse(config_text);
  auto config = av::parse_antivirus_config(doc["antivirus"].as_table());
  REQUIRE_MESSAGE(config.ok(), config.error().message);

  auto host = shouwei::platform::win::make_windows_av_products();
  auto wmi = shouwei::platform::win::make_windows_security_source();
  auto now = std::chrono::system_clock::now();
  auto section = av::collect_antivirus(*host, *config, now, wmi.get());
  REQUIRE_MESSAGE(section.ok(), section.error().message);

  const json::object* example = product(*section, "Example AV");
  REQUIRE(example);
  CHECK(example->at("signature_version") == "2024.02.19");
  CHECK(example->at("age_hours").to_number<double>() == doctest::Approx(2.0).epsilon(0.05));
  CHECK(example->at("up_to_date") == true);
  CHECK(example->at("realtime") == true);
  const json::object* fire = product(*section, "火绒安全软件 (Huorong Internet Security)");
  REQUIRE(fire);
  CHECK(fire->at("age_hours").is_null());  // the shipped descriptor knows no signature value

  if (under_wine()) {
    const auto& sources = section->at("sources").as_object();
    CHECK(sources.at("security_center").at("answered") == false);
    CHECK(sources.at("defender").at("answered") == false);
    CHECK(section->at("defender").is_null());
    CHECK(section->at("product_count") == 2);
  }
  auto compliance = shouwei::collectors::compliance::evaluate_compliance(
      json::object{{"antivirus", *section}}, {}, now);
  std::string fresh;
  for (const auto& c : compliance.at("checks").as_array()) {
    if (c.at("id") == "av.signatures_fresh") fresh = std::string(c.at("result").as_string());
  }
  CHECK(fresh == "pass");
}
