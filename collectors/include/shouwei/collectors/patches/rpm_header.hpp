// RPM header blobs as stored in the sqlite rpmdb (/var/lib/rpm/rpmdb.sqlite, table Packages,
// column blob): the "immutable header" without the 8-byte lead magic, i.e. big-endian
// index-entry count, data length, the entries (tag, type, offset, count; 16 bytes each) and the
// data store. Untrusted bytes: every offset and count is checked against the blob.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shouwei/collectors/patches/installed_package.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::patches {

inline constexpr std::size_t kMaxRpmHeaderBytes = 64u * 1024u * 1024u;

// NAME, VERSION, RELEASE, EPOCH (optional), ARCH (optional: "gpg-pubkey" has none) and
// INSTALLTIME. version is "[epoch:]version-release". Errc::parse names what is wrong.
Result<InstalledPackage> parse_rpm_header(std::string_view blob);

}  // namespace shouwei::collectors::patches
