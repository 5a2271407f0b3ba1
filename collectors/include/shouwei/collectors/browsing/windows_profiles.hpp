// Which Windows accounts own browser profiles, and where their homes are as in-system paths.
// Portable: platform/win/browsing reads the ProfileList registry key into LocalUsers (the
// inventory's windows_users), this chooses among them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/collectors/browsing/types.hpp"
#include "shouwei/collectors/inventory/inventory_facts.hpp"

namespace shouwei::collectors::browsing {

// "C:\Users\alice" -> "/Users/alice": the in-system path discovery resolves under the RootFs
// (whose root on Windows is the system drive, "C:\"). nullopt for paths that are not absolute
// drive paths ("\\server\share\alice" roaming homes, relative paths, empty).
std::optional<std::string> windows_home_to_system_path(std::string_view home);

// Accounts whose homes are searched: the people's accounts (login: SIDs S-1-5-21-..., never
// SYSTEM / LOCAL SERVICE / NETWORK SERVICE, whose profiles under System32 hold no browsing),
// with a drive home; two accounts sharing a home (case-insensitively, as NTFS does) yield the
// first one only.
std::vector<LocalUser> windows_profile_owners(std::span<const collectors::LocalUser> accounts);

}  // namespace shouwei::collectors::browsing
