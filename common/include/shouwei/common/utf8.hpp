// Text read from a system or a device (passwd, utmp, sysfs, USB descriptors) is bytes in an
// unknown encoding; everything we sign must be valid UTF-8 (RFC 8785 refuses anything else).
#pragma once

#include <string>
#include <string_view>

namespace shouwei {

// `bytes` unchanged when it is valid UTF-8; otherwise every byte that does not start a valid
// sequence (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, a
// code point past U+10FFFF) is replaced by U+FFFD.
std::string to_valid_utf8(std::string_view bytes);

}  // namespace shouwei
