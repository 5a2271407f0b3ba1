// Where browsers keep their data on Linux, relative to a user's home: the one table the
// profile discovery uses (see browser_table_linux.cpp for the sources of each entry).
#pragma once

#include <span>

#include "shouwei/collectors/browsing/discovery.hpp"

namespace shouwei::platform::browsing {

std::span<const collectors::browsing::BrowserLocation> linux_browser_locations();

}  // namespace shouwei::platform::browsing
