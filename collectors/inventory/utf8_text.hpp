// Text read from a system (passwd, utmp, os-release, interface names) is bytes in an unknown
// encoding; the snapshot must be valid UTF-8 to be canonicalized and signed.
#pragma once

#include <string>
#include <string_view>

namespace shouwei::collectors {

// `bytes` with every invalid UTF-8 sequence (including overlong forms, surrogates and code
// points above U+10FFFF) replaced by U+FFFD; valid input is returned unchanged.
std::string to_valid_utf8(std::string_view bytes);

}  // namespace shouwei::collectors
