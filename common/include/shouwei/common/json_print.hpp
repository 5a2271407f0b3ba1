// Human-readable JSON for terminals and reports (Boost.JSON 1.81 only serializes compactly).
#pragma once

#include <string>

#include <boost/json/value.hpp>

namespace shouwei::json {

// Two-space indentation, members in stored order, strings escaped by Boost.JSON; non-ASCII text
// (Chinese titles) is kept as UTF-8.
std::string pretty_print(const boost::json::value& value);

}  // namespace shouwei::json
