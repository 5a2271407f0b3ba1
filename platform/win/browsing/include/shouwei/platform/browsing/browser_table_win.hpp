// Where browsers keep their data on Windows, relative to a user's profile directory (the home
// from ProfileList): the one table the Windows profile discovery uses (see
// browser_table_win.cpp for the sources of each entry).
#pragma once

#include <span>

#include "shouwei/collectors/browsing/discovery.hpp"

namespace shouwei::platform::browsing {

std::span<const collectors::browsing::BrowserLocation> windows_browser_locations();

}  // namespace shouwei::platform::browsing
