// The password database (/etc/passwd format) as the list of accounts whose homes the browsing
// collector searches. Portable: the bytes come from RootFs, so a fixture tree or a mounted disk
// works like the live system.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "shouwei/collectors/browsing/types.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::browsing {

inline constexpr std::size_t kMaxPasswdBytes = 4u * 1024u * 1024u;
inline constexpr std::size_t kMaxPasswdUsers = 100000;

// Parses "name:password:uid:gid:gecos:home:shell" lines. Returns the accounts that can own
// browser profiles: root, regular users (uid >= 1000 except nobody, 65534) and any account
// whose home is under /home. Accounts without a usable home ("", "/", "/nonexistent") are
// skipped, and so are malformed lines (NIS "+" entries, wrong field count): one bad line must
// not hide every other user. Two accounts sharing a home yield the first one only.
// Fails only when the text is larger than kMaxPasswdBytes.
Result<std::vector<LocalUser>> parse_passwd(std::string_view text);

}  // namespace shouwei::collectors::browsing
