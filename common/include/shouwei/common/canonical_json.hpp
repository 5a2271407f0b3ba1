// RFC 8785 JSON Canonicalization Scheme: the byte form of every payload we sign, so that the
// signer and any verifier agree on the bytes regardless of the library that produced them.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "shouwei/common/result.hpp"

namespace shouwei::json {

// Object members sorted by their UTF-16 code units, numbers in ECMAScript's shortest form,
// strings with the minimal escapes. Fails (Errc::invalid_argument) on NaN or infinity, on
// strings or keys that are not valid UTF-8, and on integers (int64/uint64) beyond +-2^53:
// RFC 8785 treats every number as an IEEE double, so such an integer would either lose
// precision or be printed differently by another JCS implementation; refusing it keeps our
// bytes identical to any conforming canonicalizer. Integers up to 2^53 (seq, sizes, counts)
// print as plain digits, which is also their JCS form. Nesting deeper than 64 fails with
// Errc::limit_exceeded.
Result<std::string> canonicalize(const boost::json::value& value);

// Parses text (strictly: no comments, no trailing commas, duplicate keys rejected) and
// canonicalizes it.
Result<std::string> canonicalize_text(std::string_view text);

// Strict parse shared by every reader of untrusted JSON. Refuses, with Errc::parse and a message
// naming the byte offset: syntax errors, comments, trailing commas, invalid UTF-8 or lone
// surrogates, an object repeating a key (two readers could pick different values), numbers a
// double cannot hold, nesting deeper than 64, and anything after the document. Text longer than
// max_bytes fails with Errc::limit_exceeded before parsing. Decimal numbers are converted with
// correct rounding (std::from_chars), and integers beyond +-2^53 are read as doubles (as RFC
// 8785 reads every number), so parse_strict + canonicalize reproduce RFC 8785 exactly and
// canonical text canonicalizes to itself. Integers up to 2^53 stay int64/uint64.
Result<boost::json::value> parse_strict(std::string_view text,
                                        std::size_t max_bytes = 16u * 1024u * 1024u);

}  // namespace shouwei::json
