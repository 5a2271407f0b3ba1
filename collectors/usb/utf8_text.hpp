// Text from devices and sysfs is not trusted to be UTF-8; the snapshot must be (it is
// canonicalized and signed, and RFC 8785 refuses invalid UTF-8).
#pragma once

#include <string>
#include <string_view>

namespace shouwei::collectors::usb {

// text unchanged when it is valid UTF-8; otherwise every invalid byte (a stray continuation
// byte, a truncated sequence, an overlong form, a surrogate, a code point past U+10FFFF)
// replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

}  // namespace shouwei::collectors::usb
