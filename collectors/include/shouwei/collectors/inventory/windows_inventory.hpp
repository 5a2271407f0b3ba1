// The portable half of the Windows InventorySource (platform/win/inventory): turns the raw
// values Windows keeps (the CurrentVersion registry key, the ProfileList) into InventoryFacts.
// No OS header here, so these rules are tested natively on Linux with Microsoft's documented
// value formats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shouwei/collectors/inventory/inventory_facts.hpp"

namespace shouwei::collectors {

// Values of HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion; nullopt when absent.
struct WindowsVersionValues {
  std::optional<std::string> product_name;          // ProductName, "Windows 10 Pro"
  std::optional<std::string> edition_id;            // EditionID, "Professional"
  std::optional<std::string> display_version;       // DisplayVersion, "22H2" (20H2 and later)
  std::optional<std::string> release_id;            // ReleaseId, "1909" (before 20H2)
  std::optional<std::string> current_build_number;  // CurrentBuildNumber, "19045"
  std::optional<std::string> current_version;       // CurrentVersion, "6.3" (legacy)
  std::optional<std::uint64_t> major;               // CurrentMajorVersionNumber, 10
  std::optional<std::uint64_t> minor;               // CurrentMinorVersionNumber, 0
  std::optional<std::uint64_t> ubr;                 // UBR, the update build revision, 3803
};

// OsInfo for Windows: id "windows"; name from ProductName, corrected to "Windows 11" for builds
// 22000 and later (Windows 11 still writes "Windows 10" there); version = DisplayVersion or
// ReleaseId; version_id = "major.minor"; build = "CurrentBuildNumber.UBR" (the patch level);
// edition = EditionID; pretty_name "Windows 11 Pro 23H2 (OS build 22631.2861)".
OsInfo windows_os_info(const WindowsVersionValues& values);

// The NT version string reported as the kernel: "10.0.22631.2861", nullopt when unknown.
std::optional<std::string> windows_kernel_version(const WindowsVersionValues& values);

// One subkey of HKLM\...\CurrentVersion\ProfileList.
struct WindowsProfile {
  std::string sid;                          // the subkey name, "S-1-5-21-...-1001"
  std::optional<std::string> account_name;  // LookupAccountSid's name, when it resolved
  std::string profile_path;                 // ProfileImagePath, expanded
};

// LocalUsers from the profile list: uid = the SID's last sub-authority (the RID), home = the
// profile path, name = the account name or else the profile directory's name, shell empty.
// login is true for user accounts (S-1-5-21-...), false for SYSTEM, LOCAL SERVICE and
// NETWORK SERVICE (S-1-5-18/19/20). Entries whose SID is not well formed are skipped and
// named in warnings.
std::vector<LocalUser> windows_users(const std::vector<WindowsProfile>& profiles,
                                     std::vector<std::string>& warnings);

// NetGetJoinInformation's answer: the NETSETUP_JOIN_STATUS value (0 unknown, 1 unjoined,
// 2 workgroup, 3 domain) and the name it returned. Unjoined has no name; an unknown status or
// a workgroup/domain without a name is not known (nullopt), with a warning.
std::optional<DomainMembership> windows_domain_membership(unsigned long join_status,
                                                          std::optional<std::string> name,
                                                          std::vector<std::string>& warnings);

// "02:fc:00:00:00:01" for a 6-byte hardware address; nullopt for other lengths or all zeros.
std::optional<std::string> format_mac(const std::vector<std::uint8_t>& address);

}  // namespace shouwei::collectors
