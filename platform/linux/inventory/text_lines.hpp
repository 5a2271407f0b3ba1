// Line helpers shared by the parsers of the text files the inventory reads.
#pragma once

#include <string_view>

namespace shouwei::platform {

// s without leading and trailing spaces, tabs and carriage returns.
inline std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\v\f";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Calls f(line) for every '\n'-separated line of text (without the '\n'); a final line without
// a newline is included.
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    f(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace shouwei::platform
