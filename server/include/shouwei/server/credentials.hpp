// Console tokens and enrollment secrets: high-entropy random strings shown once to the
// administrator; the server keeps only their SHA-256, so a copy of the database does not
// hand out working credentials.
#pragma once

#include <string>
#include <string_view>

namespace shouwei::server {

inline constexpr std::string_view kTokenPrefix = "swt_";
inline constexpr std::string_view kSecretPrefix = "swe_";

// prefix + 64 lowercase hex digits (256 random bits).
std::string new_credential(std::string_view prefix);
// What the store keys credentials by: lowercase hex SHA-256 of the text.
std::string credential_hash(std::string_view text);

}  // namespace shouwei::server
