// The 64-bit fingerprint of a normalised host name: XXH3-64 with the file's seed. Inlined
// (XXH_INLINE_ALL) because the lookup computes one per label.
#pragma once

#include <cstdint>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace shouwei::collectors::categories {

inline std::uint64_t fingerprint(std::string_view text, std::uint64_t seed) noexcept {
  return XXH3_64bits_withSeed(text.data(), text.size(), seed);
}

}  // namespace shouwei::collectors::categories
