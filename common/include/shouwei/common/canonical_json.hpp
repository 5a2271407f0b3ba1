// RFC 8785 JSON Canonicalization Scheme: the byte form of every payload we sign, so that the
// signer and any verifier agree on the bytes regardless of the library that produced them.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "shouwei/common/result.hpp"

namespace shouwei::json {

// Object members sorted by their UTF-16 code units, numbers in ECMAScript's shortest form,
// strings with the minimal escapes. Fails (Errc::invalid_argument) on NaN or infinity, and on
// strings that are not valid UTF-8.
Result<std::string> canonicalize(const boost::json::value& value);

// Parses text (strictly: no comments, no trailing commas, duplicate keys rejected) and
// canonicalizes it.
Result<std::string> canonicalize_text(std::string_view text);

// Strict parse shared by every reader of untrusted JSON: errors name the position.
Result<boost::json::value> parse_strict(std::string_view text, std::size_t max_bytes = 16u * 1024u * 1024u);

}  // namespace shouwei::json
