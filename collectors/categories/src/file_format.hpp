// The on-disk layout of a compiled category database (docs/categories-format.md is the
// specification; this header is its C++ transcription, shared by the writer and the reader).
//
// All integers are little-endian. Every section starts at a multiple of 8. The last 32 bytes
// of the file are the SHA-256 of everything before them.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace shouwei::collectors::categories::format {

static_assert(std::endian::native == std::endian::little,
              "the category file is little-endian and read in place");

inline constexpr std::array<char, 8> kMagic = {'S', 'W', 'C', 'A', 'T', 'D', 'B', '\0'};
inline constexpr std::uint32_t kVersion = 1;

// Sections, in file order.
enum Section : std::size_t {
  kCategoryNameOffsets,  // u32[category_count + 1], byte offsets into kCategoryNames
  kCategoryNames,        // bytes: the names, concatenated
  kSetOffsets,           // u32[set_count + 1], element offsets into kSetMembers
  kSetMembers,           // u16[]: category ids of each set, ascending
  kBuckets,              // u32[2^bucket_bits + 1]: first domain entry of each bucket
  kDomainEntries,        // u64[domain_count]: (fingerprint tag << 16) | set id
  kUrlHostFingerprints,  // u64[url_host_count], strictly ascending
  kUrlHostStarts,        // u32[url_host_count + 1]: first URL entry of each host
  kUrlEntries,           // UrlEntry[url_count], paths ascending within a host
  kUrlPaths,             // bytes: the URL paths, concatenated
  kSectionCount,
};

struct SectionRef {
  std::uint64_t offset;
  std::uint64_t size;
};

// Fixed-size header at offset 0.
struct Header {
  std::array<char, 8> magic;
  std::uint32_t version;
  std::uint32_t header_size;  // sizeof(Header)
  std::uint64_t file_size;    // including the 32-byte trailer
  std::uint64_t hash_seed;    // XXH3-64 seed of every fingerprint
  std::uint32_t bucket_bits;  // domain fingerprints are bucketed by their top bits
  std::uint32_t category_count;
  std::uint32_t set_count;
  std::uint32_t domain_count;
  std::uint32_t url_host_count;
  std::uint32_t url_count;
  std::uint32_t max_url_path;  // longest stored URL path, in bytes
  std::uint32_t reserved;      // zero
  std::array<SectionRef, kSectionCount> sections;
};
static_assert(sizeof(Header) == 64 + 16 * kSectionCount);

struct UrlEntry {
  std::uint32_t path_offset;  // into kUrlPaths
  std::uint16_t path_length;
  std::uint16_t set_id;
};
static_assert(sizeof(UrlEntry) == 8);

inline constexpr std::size_t kTrailerSize = 32;  // SHA-256
inline constexpr std::uint32_t kMaxBucketBits = 24;
inline constexpr std::uint32_t kMaxCategories = 4096;
inline constexpr std::uint32_t kMaxSets = 65536;  // set ids are u16
inline constexpr std::size_t kMaxCategoryName = 64;
inline constexpr std::size_t kMaxUrlPath = 1024;
inline constexpr unsigned kTagBits = 48;
inline constexpr std::uint64_t kTagMask = (std::uint64_t{1} << kTagBits) - 1;

// Domain fingerprint fp (64 bits) -> bucket index and 48-bit tag. With bucket_bits b the
// entry identifies 48 + b bits of the fingerprint.
inline std::uint64_t bucket_of(std::uint64_t fp, std::uint32_t bucket_bits) {
  return bucket_bits == 0 ? 0 : fp >> (64 - bucket_bits);
}
inline std::uint64_t tag_of(std::uint64_t fp) {
  return fp & kTagMask;
}

// Unaligned-safe little-endian loads from the mapping (compile to single moves).
inline std::uint16_t load_u16(const char* p) {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline std::uint32_t load_u32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline std::uint64_t load_u64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace shouwei::collectors::categories::format
