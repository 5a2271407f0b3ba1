// The Windows InventorySource on Wine: the version values and a profile are seeded into Wine's
// real registry (HKLM), then read back through make_inventory_source; the computer name and
// adapters are compared with what the Win32 API itself reports.
// <winsock2.h> before <windows.h>, and <windows.h> before the headers that need it.
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <iphlpapi.h>
#include <lm.h>
// clang-format on

#include <algorithm>
#include <string>

#include <doctest/doctest.h>

#include "shouwei/collectors/inventory/inventory_source.hpp"

using namespace shouwei;
using namespace shouwei::collectors;

namespace {

constexpr const wchar_t* kCurrentVersion = L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
constexpr const wchar_t* kTestProfile =
    L"SOFTWARE\\Microsoft\\Windows "
    L"NT\\CurrentVersion\\ProfileList\\S-1-5-21-3623811015-3361044348-30300820-1001";

void set_string(HKEY key, const wchar_t* name, const std::wstring& value, DWORD type = REG_SZ) {
  REQUIRE(::RegSetValueExW(key, name, 0, type, reinterpret_cast<const BYTE*>(value.c_str()),
                           static_cast<DWORD>((value.size() + 1) * sizeof(wchar_t))) ==
          ERROR_SUCCESS);
}

void set_dword(HKEY key, const wchar_t* name, DWORD value) {
  REQUIRE(::RegSetValueExW(key, name, 0, REG_DWORD, reinterpret_cast<const BYTE*>(&value),
                           sizeof value) == ERROR_SUCCESS);
}

HKEY create(const wchar_t* path) {
  HKEY key = nullptr;
  REQUIRE(::RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, nullptr, 0,
                            KEY_ALL_ACCESS | KEY_WOW64_64KEY, nullptr, &key,
                            nullptr) == ERROR_SUCCESS);
  return key;
}

// What Windows 11 23H2 (build 22631, UBR 2861) keeps in CurrentVersion, and a user profile.
void seed_windows11() {
  HKEY cv = create(kCurrentVersion);
  set_string(cv, L"ProductName", L"Windows 10 Pro");
  set_string(cv, L"EditionID", L"Professional");
  set_string(cv, L"DisplayVersion", L"23H2");
  set_string(cv, L"CurrentBuildNumber", L"22631");
  set_dword(cv, L"CurrentMajorVersionNumber", 10);
  set_dword(cv, L"CurrentMinorVersionNumber", 0);
  set_dword(cv, L"UBR", 2861);
  ::RegCloseKey(cv);
  HKEY profile = create(kTestProfile);
  set_string(profile, L"ProfileImagePath", L"%SystemDrive%\\Users\\张伟", REG_EXPAND_SZ);
  ::RegCloseKey(profile);
}

std::string computer_name() {
  wchar_t name[256];
  DWORD size = 256;
  REQUIRE(::GetComputerNameExW(ComputerNamePhysicalDnsHostname, name, &size));
  std::string out;
  for (DWORD i = 0; i < size; ++i) out += static_cast<char>(name[i]);  // host names are ASCII
  return out;
}

}  // namespace

TEST_CASE("edition, version, build and UBR come from CurrentVersion; Windows 11 is named so") {
  seed_windows11();
  auto facts = make_inventory_source(RootFs("/"))->read();
  REQUIRE(facts.ok());
  CAPTURE(facts->warnings.size());
  CHECK(facts->os.id == "windows");
  CHECK(facts->os.name == "Windows 11 Pro");
  CHECK(facts->os.edition == "Professional");
  CHECK(facts->os.version == "23H2");
  CHECK(facts->os.version_id == "10.0");
  CHECK(facts->os.build == "22631.2861");
  CHECK(facts->kernel == "10.0.22631.2861");
  CHECK(facts->arch == "x86_64");
  CHECK(facts->boot_time.has_value());
}

TEST_CASE("users come from the ProfileList with expanded profile paths") {
  seed_windows11();
  auto facts = make_inventory_source(RootFs("/"))->read();
  REQUIRE(facts.ok());
  REQUIRE(facts->users.has_value());
  const auto& users = *facts->users;
  auto it =
      std::find_if(users.begin(), users.end(), [](const LocalUser& u) { return u.uid == 1001; });
  REQUIRE(it != users.end());
  CHECK(it->name == "张伟");  // an account Wine does not know: the profile directory's name
  CHECK(it->home == "C:\\Users\\张伟");
  CHECK(it->login);
  ::RegDeleteKeyExW(HKEY_LOCAL_MACHINE, kTestProfile, KEY_WOW64_64KEY, 0);
}

TEST_CASE("the host name and the adapters are the ones Windows reports") {
  auto facts = make_inventory_source(RootFs("/"))->read();
  REQUIRE(facts.ok());
  CHECK(facts->hostname == computer_name());
  REQUIRE(facts->interfaces.has_value());
  REQUIRE(!facts->interfaces->empty());
  // Wine reports the Linux host's interfaces, loopback included.
  bool loopback = false;
  for (const auto& nic : *facts->interfaces) {
    CAPTURE(nic.name);
    REQUIRE(nic.ipv4.has_value());
    for (const auto& p : *nic.ipv4) {
      if (p.address == "127.0.0.1") loopback = true;
    }
  }
  CHECK(loopback);
  REQUIRE(facts->sessions.has_value());  // Wine answers WTSEnumerateSessionsW
}

TEST_CASE("the workgroup Wine reports through NetGetJoinInformation is the domain fact") {
  wchar_t* name = nullptr;
  NETSETUP_JOIN_STATUS status = NetSetupUnknownStatus;
  REQUIRE(::NetGetJoinInformation(nullptr, &name, &status) == NERR_Success);
  REQUIRE(name != nullptr);
  std::string expected;
  for (const wchar_t* c = name; *c != L'\0'; ++c) expected += static_cast<char>(*c);  // ASCII
  ::NetApiBufferFree(name);
  REQUIRE(status == NetSetupWorkgroupName);  // what Wine answers: a PC in a workgroup

  auto facts = make_inventory_source(RootFs("/"))->read();
  REQUIRE(facts.ok());
  REQUIRE(facts->domain.has_value());
  CHECK(facts->domain->join == DomainJoin::workgroup);
  CHECK(facts->domain->name == expected);
  CHECK(expected == "Workgroup");  // Wine's answer
}
