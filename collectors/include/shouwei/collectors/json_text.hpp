// The one way collectors put text from the system into a section: made valid UTF-8 (device
// descriptors, file names and config files are untrusted bytes, and the snapshot must stay
// signable), and absent facts as JSON null, never guessed.
#pragma once

#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "shouwei/common/utf8.hpp"

namespace shouwei::collectors {

inline boost::json::value text_or_null(const std::optional<std::string>& text) {
  return text ? boost::json::value(to_valid_utf8(*text)) : boost::json::value(nullptr);
}

}  // namespace shouwei::collectors
