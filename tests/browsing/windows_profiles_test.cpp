// The portable half of the Windows profile source: which ProfileList accounts are searched and
// how their homes become in-system paths.
#include "shouwei/collectors/browsing/windows_profiles.hpp"

#include <doctest/doctest.h>

using namespace shouwei::collectors::browsing;

TEST_CASE("Windows homes become in-system paths under the system drive root") {
  CHECK(windows_home_to_system_path("C:\\Users\\alice") == "/Users/alice");
  CHECK(windows_home_to_system_path("c:/Users/张伟/") == "/Users/张伟");
  CHECK(windows_home_to_system_path("D:\\Profiles\\bob") == "/Profiles/bob");
  CHECK_FALSE(windows_home_to_system_path("C:\\"));
  CHECK_FALSE(windows_home_to_system_path("\\\\server\\share\\alice"));
  CHECK_FALSE(windows_home_to_system_path("Users\\alice"));
  CHECK_FALSE(windows_home_to_system_path("%SystemDrive%\\Users\\x"));
  CHECK_FALSE(windows_home_to_system_path(""));
}

TEST_CASE("people's accounts are searched, service accounts and duplicate homes are not") {
  using Account = shouwei::collectors::LocalUser;
  std::vector<Account> accounts = {
      {"SYSTEM", 18, "C:\\Windows\\system32\\config\\systemprofile", "", false},
      {"LocalService", 19, "C:\\Windows\\ServiceProfiles\\LocalService", "", false},
      {"alice", 1001, "C:\\Users\\alice", "", true},
      {"ALICE-old", 1002, "c:\\users\\ALICE", "", true},  // the same directory on NTFS
      {"roaming", 1003, "\\\\fs01\\profiles\\roaming", "", true},
      {"张伟", 1004, "C:\\Users\\张伟", "", true},
  };
  const auto owners = windows_profile_owners(accounts);
  REQUIRE(owners.size() == 2);
  CHECK(owners[0].name == "alice");
  CHECK(owners[0].uid == 1001);
  CHECK(owners[0].home == "/Users/alice");
  CHECK(owners[1].home == "/Users/张伟");
}
