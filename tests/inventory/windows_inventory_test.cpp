// The portable rules of the Windows inventory (collectors/inventory/windows_inventory.cpp), fed
// with values in the formats Microsoft documents for the CurrentVersion registry key
// (HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion) and its ProfileList subkey. Built
// natively and in the Windows build.
#include "shouwei/collectors/inventory/windows_inventory.hpp"

#include <doctest/doctest.h>

using namespace shouwei::collectors;

namespace {

WindowsVersionValues windows11_23h2() {
  WindowsVersionValues v;
  v.product_name = "Windows 10 Pro";  // what Windows 11 really writes
  v.edition_id = "Professional";
  v.display_version = "23H2";
  v.release_id = "2009";
  v.current_build_number = "22631";
  v.current_version = "6.3";
  v.major = 10;
  v.minor = 0;
  v.ubr = 2861;
  return v;
}

}  // namespace

TEST_CASE("Windows 11 reports itself as Windows 11 with build and UBR") {
  const OsInfo os = windows_os_info(windows11_23h2());
  CHECK(os.id == "windows");
  CHECK(os.name == "Windows 11 Pro");
  CHECK(os.version == "23H2");
  CHECK(os.version_id == "10.0");
  CHECK(os.build == "22631.2861");
  CHECK(os.edition == "Professional");
  CHECK(os.pretty_name == "Windows 11 Pro 23H2 (OS build 22631.2861)");
  CHECK(!os.id_like);
  CHECK(windows_kernel_version(windows11_23h2()) == "10.0.22631.2861");
}

TEST_CASE("Windows 10 keeps its name; ReleaseId stands in for DisplayVersion before 20H2") {
  WindowsVersionValues v = windows11_23h2();
  v.current_build_number = "18363";
  v.ubr = 1556;
  v.display_version.reset();
  v.release_id = "1909";
  const OsInfo os = windows_os_info(v);
  CHECK(os.name == "Windows 10 Pro");
  CHECK(os.version == "1909");
  CHECK(os.build == "18363.1556");
}

TEST_CASE("missing values stay unknown instead of being guessed") {
  WindowsVersionValues v;
  v.product_name = "Windows 10 Enterprise LTSC 2019";
  v.current_version = "6.3";
  const OsInfo os = windows_os_info(v);
  CHECK(os.name == "Windows 10 Enterprise LTSC 2019");  // no build: no renaming
  CHECK(!os.build);
  CHECK(!os.version);
  CHECK(os.version_id == "6.3");  // the legacy value when the major/minor numbers are absent
  CHECK(os.pretty_name == "Windows 10 Enterprise LTSC 2019");
  CHECK(!windows_kernel_version(v));
  CHECK(!windows_os_info(WindowsVersionValues{}).name);
  CHECK(!windows_os_info(WindowsVersionValues{}).pretty_name);

  v.current_build_number = "17763";  // no UBR value: the build alone
  CHECK(windows_os_info(v).build == "17763");
}

TEST_CASE("profile list entries become users keyed by RID; service accounts cannot log in") {
  std::vector<std::string> warnings;
  const auto users = windows_users(
      {{"S-1-5-18", "SYSTEM", "C:\\Windows\\system32\\config\\systemprofile"},
       {"S-1-5-21-3623811015-3361044348-30300820-1001", std::nullopt, "C:\\Users\\张伟"},
       {"S-1-5-21-3623811015-3361044348-30300820-500", "Administrator", "C:\\Users\\Administrator"},
       {"not-a-sid", std::nullopt, "C:\\Users\\x"},
       {"S-1-5-21-1-2-99999999999", std::nullopt, "C:\\Users\\y"}},
      warnings);
  REQUIRE(users.size() == 3);
  CHECK(users[0].name == "SYSTEM");
  CHECK(users[0].uid == 18);
  CHECK_FALSE(users[0].login);
  CHECK(users[1].name == "张伟");  // no account name: the profile directory's name
  CHECK(users[1].uid == 1001);
  CHECK(users[1].home == "C:\\Users\\张伟");
  CHECK(users[1].login);
  CHECK(users[1].shell.empty());
  CHECK(users[2].uid == 500);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] == "ProfileList\\not-a-sid: not a well-formed SID, skipped");
}

TEST_CASE("MAC addresses: six bytes, lowercase, colon separated; none for other lengths or zeros") {
  CHECK(format_mac({0x00, 0xE0, 0x4C, 0x68, 0x0A, 0x1B}) == "00:e0:4c:68:0a:1b");
  CHECK(!format_mac({}));
  CHECK(!format_mac({0, 0, 0, 0, 0, 0}));
  CHECK(!format_mac({1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST_CASE("NetGetJoinInformation's join status and name become the domain fact") {
  std::vector<std::string> warnings;
  // NETSETUP_JOIN_STATUS: 3 NetSetupDomainName, 2 NetSetupWorkgroupName, 1 NetSetupUnjoined.
  CHECK(windows_domain_membership(3, "GOV.LOCAL", warnings) ==
        DomainMembership{"GOV.LOCAL", DomainJoin::domain});
  CHECK(windows_domain_membership(2, "WORKGROUP", warnings) ==
        DomainMembership{"WORKGROUP", DomainJoin::workgroup});
  CHECK(windows_domain_membership(1, std::nullopt, warnings) ==
        DomainMembership{std::nullopt, DomainJoin::unjoined});
  // An unjoined PC may still hand back a name buffer; it names nothing.
  CHECK(windows_domain_membership(1, "WORKGROUP", warnings) ==
        DomainMembership{std::nullopt, DomainJoin::unjoined});
  CHECK(warnings.empty());
}

TEST_CASE("an unknown join status or a join without a name is not known, with a warning") {
  std::vector<std::string> warnings;
  CHECK(!windows_domain_membership(0, "WORKGROUP", warnings));  // NetSetupUnknownStatus
  CHECK(!windows_domain_membership(7, "WORKGROUP", warnings));
  CHECK(!windows_domain_membership(3, std::nullopt, warnings));
  CHECK(!windows_domain_membership(2, "", warnings));
  REQUIRE(warnings.size() == 4);
  CHECK(warnings[0] == "NetGetJoinInformation: join status 0 is not known");
  CHECK(warnings[2] == "NetGetJoinInformation: joined but no domain or workgroup name");
}
