// UTF-8 <-> UTF-16 at the Windows API boundary. Everything inside Shouwei is UTF-8
// (std::string); every Windows call takes and returns UTF-16 (the W functions). Conversions
// happen only here.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "shouwei/common/result.hpp"

namespace shouwei::win {

// Strict conversions: invalid input (malformed UTF-8, unpaired surrogates) fails naming `what`.
Result<std::wstring> to_wide(std::string_view utf8, std::string_view what);
Result<std::string> to_utf8(std::wstring_view utf16, std::string_view what);

// Lossy conversions for text that is only displayed or logged: invalid sequences become U+FFFD.
std::wstring to_wide_lossy(std::string_view utf8);
std::string to_utf8_lossy(std::wstring_view utf16);

}  // namespace shouwei::win
