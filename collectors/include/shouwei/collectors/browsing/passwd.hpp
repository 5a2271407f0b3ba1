// Which accounts of the local account database can own browser profiles. The database itself is
// parsed by the inventory's parser (platform/linux/inventory/passwd.hpp); this is the browsing
// collector's choice among its accounts. Portable.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "shouwei/collectors/browsing/types.hpp"
#include "shouwei/collectors/inventory/inventory_facts.hpp"

namespace shouwei::collectors::browsing {

// The password database is read with this cap (RootFs::read never reads past it).
inline constexpr std::size_t kMaxPasswdBytes = 4u * 1024u * 1024u;

// Returns, in order, the accounts whose homes are searched: root, regular users (uid >= 1000
// except nobody, 65534) and any account whose home is under /home (a person's account with a
// low uid, e.g. migrated from an older system), whatever their shell. Accounts without a usable
// home ("", "/", "/nonexistent", a relative path) are skipped; trailing '/' of a home is cut;
// two accounts sharing a home yield the first one only.
std::vector<LocalUser> select_profile_owners(std::span<const collectors::LocalUser> accounts);

}  // namespace shouwei::collectors::browsing
