// Profile discovery over a RootFs: given users and where a platform's browsers keep their data,
// lists the profiles that hold a history database. Portable; the table of locations is the
// platform's (platform/linux/browsing/browser_table_linux.cpp).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "shouwei/collectors/browsing/types.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::collectors::browsing {

// Where one browser keeps its data, relative to a user's home.
struct BrowserLocation {
  std::string_view browser;  // stable id reported in the section ("chrome", "firefox")
  BrowserEngine engine;
  // Chromium family: the user-data directory, whose subdirectories ("Default", "Profile 1")
  // are profiles. Firefox: the directory holding profiles.ini.
  std::string_view home_relative;
};

// The rows of a platform's table (platform/<os>/browsing/browser_table_<os>.cpp).
constexpr BrowserLocation chromium_at(std::string_view browser, std::string_view home_relative) {
  return {browser, BrowserEngine::chromium, home_relative};
}
constexpr BrowserLocation firefox_at(std::string_view browser, std::string_view home_relative) {
  return {browser, BrowserEngine::firefox, home_relative};
}

// Chromium family: every direct subdirectory of the user-data directory holding a "History"
// file. Firefox: the profiles listed in profiles.ini (relative or absolute Path=), or, when
// profiles.ini is missing or malformed, every subdirectory holding places.sqlite (a malformed
// profiles.ini is also reported as an error entry). A data directory that exists but is not a
// directory or cannot be listed yields one error entry. Profiles are unique by directory.
std::vector<BrowserProfile> discover_profiles(const RootFs& root, std::span<const LocalUser> users,
                                              std::span<const BrowserLocation> locations);

}  // namespace shouwei::collectors::browsing
