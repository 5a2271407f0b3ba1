// os-release(5) and UOS/deepin's /etc/os-version: the files that name a Linux distribution.
// Both parsers accept any bytes: invalid lines are skipped (as the os-release spec asks), and
// the caller caps the input size when reading the file.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "shouwei/collectors/inventory/inventory_facts.hpp"

namespace shouwei::platform {

using KeyValues = std::map<std::string, std::string, std::less<>>;

// KEY=value lines in the shell-compatible subset os-release uses: values unquoted, in double
// quotes (with \" \\ \$ \` escapes) or in single quotes; '#' comments; the last assignment of a
// key wins. Lines with an invalid key or an unterminated quote are skipped.
KeyValues parse_os_release(std::string_view text);

// The [Version] section of an INI-style /etc/os-version (UOS, deepin): "Key=value" pairs,
// whitespace around both trimmed; localized keys such as "EditionName[zh_CN]" kept verbatim.
KeyValues parse_os_version(std::string_view text);

// Maps the two files to OsInfo (see inventory_facts.hpp). Empty values count as absent.
// os_version is empty when the system has no /etc/os-version.
//   build:   os-version OsBuild, else os-release BUILD_ID, else KYLIN_RELEASE_ID (Kylin V10).
//   edition: os-version EditionName.
//   version: os-release VERSION, followed by os-version MinorVersion when VERSION does not
//            already contain it (UOS says "20" in VERSION and "1060" in MinorVersion).
collectors::OsInfo os_info_from(const KeyValues& os_release, const KeyValues& os_version);

}  // namespace shouwei::platform
