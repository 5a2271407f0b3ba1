// Firefox's profiles.ini: which profile directories a Firefox data directory holds. Untrusted
// (the user writes it), so the parser is size-capped and fuzzed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/result.hpp"

namespace shouwei::collectors::browsing {

inline constexpr std::size_t kMaxProfilesIniBytes = 1024u * 1024u;

struct FirefoxProfileEntry {
  std::string name;         // Name= (may be empty)
  std::string path;         // Path= as written
  bool is_relative = true;  // IsRelative= (Firefox's default is relative)
};

// Returns the [ProfileN] sections that have a Path, in file order. Comment lines (';' or '#')
// and blank lines are ignored; other sections ([General], [Install...]) are skipped.
// Fails (Errc::parse, naming the line) on a line that is neither a section header nor
// key=value, on an unterminated section header, and on NUL bytes; fails with
// Errc::limit_exceeded when the text exceeds kMaxProfilesIniBytes.
Result<std::vector<FirefoxProfileEntry>> parse_profiles_ini(std::string_view text);

}  // namespace shouwei::collectors::browsing
