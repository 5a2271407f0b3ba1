// The [browsing] table of the agent's configuration file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "shouwei/common/result.hpp"

namespace shouwei::collectors::browsing {

// The regulations' minimum for internet-behaviour logs; a lower configured value is raised.
inline constexpr int kMinRetentionDays = 60;
inline constexpr int kDefaultRetentionDays = 90;
// Categories forbidden on government networks by default (../shared/docs/regulations.md).
std::vector<std::string> default_prohibited_categories();

struct BrowsingConfig {
  std::optional<std::string> categories_file;  // compiled category file; none: uncategorised
  std::vector<std::string> prohibited = default_prohibited_categories();
  int retention_days = kDefaultRetentionDays;
  // Things the operator should know (a retention raised to the minimum); also logged.
  std::vector<std::string> warnings;
};

// Reads [browsing]: categories = "path", prohibited = ["adult", ...], retention_days = N.
// A null section gives the defaults. retention_days below kMinRetentionDays is raised to it
// with a warning. Fails naming the key ("browsing.retention_days: ...") on a wrong type, a
// non-positive or absurd retention, an empty or malformed category name, or an unknown key.
// The [browsing.category_map] subtable belongs to parse_category_map (categories) and is
// skipped here.
Result<BrowsingConfig> parse_browsing_config(const toml::table* section);

}  // namespace shouwei::collectors::browsing
