// The compiled category database: a read-only, memory-mapped file (format in
// docs/categories-format.md) that answers "which source categories list this host or URL?".
//
// Matching rules:
//  - a host matches itself or its nearest listed parent domain ("a.b.example.com" is looked up
//    as a.b.example.com, b.example.com, example.com; the first listed one wins);
//  - an IPv4 address matches only the same address;
//  - URL entries ("host/path") match when the host is the same (after squidGuard's "www."
//    stripping on both sides) and the entry's path is a byte prefix of the URL's path; the
//    longest such entry wins;
//  - the result is the union of the domain match and the URL match, sorted by name; a host
//    listed in several source categories keeps all of them.
//
// Domains are stored as 64-bit fingerprints, so an unlisted host is reported as listed with a
// probability below 2^-45 per name probed, one per label (docs/categories-format.md).
//
// Thread safety: a CategoryDb is immutable after open(); any number of threads may call its
// const methods concurrently. Use CategoryDbHolder to swap databases while lookups continue.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "shouwei/common/result.hpp"
#include "shouwei/os/mapped_file.hpp"

namespace shouwei::collectors::categories {

// Files larger than this are refused by open() (the full UT1 set compiles to ~6 MB).
inline constexpr std::size_t kMaxCategoryFileBytes = std::size_t{1} << 30;

// What a lookup matched, as indexes into the database's category-set table; kNone when the
// corresponding side did not match. Cheap to copy; valid only with the CategoryDb it came from.
struct Match {
  static constexpr std::uint32_t kNone = 0xffffffff;
  std::uint32_t domain_set = kNone;
  std::uint32_t url_set = kNone;
  bool any() const noexcept { return domain_set != kNone || url_set != kNone; }
};

struct CategoryDbInfo {
  std::uint32_t format_version;
  std::uint32_t categories;
  std::uint32_t category_sets;
  std::uint32_t domains;
  std::uint32_t url_hosts;
  std::uint32_t urls;
  std::uint64_t file_bytes;
};

class CategoryDb {
 public:
  // Maps path and checks it completely: magic, version, sizes, the SHA-256 trailer and every
  // offset, count and id, so lookups afterwards never read outside the mapping. A corrupt,
  // truncated or hostile file fails with Errc::corrupt (Errc::unsupported for a newer format
  // version), naming the path and the first inconsistency.
  static Result<CategoryDb> open(const std::filesystem::path& path);

  // The same checks on bytes already in memory (tests, the fuzzer). REQUIRES: bytes outlive
  // the returned object.
  static Result<CategoryDb> from_bytes(std::string_view bytes, std::string_view name);

  CategoryDb(CategoryDb&&) noexcept = default;
  CategoryDb& operator=(CategoryDb&&) noexcept = default;

  // Source categories of a host or URL ("example.com", "https://user@www.example.com:8443/a?b"),
  // sorted and unique; empty when nothing matches or the input holds no usable host. The views
  // point into the mapping: valid while this CategoryDb lives.
  std::vector<std::string_view> lookup(std::string_view host_or_url) const;

  // The same match without allocating; see categories_of() to list a Match.
  Match match(std::string_view host_or_url) const;
  std::vector<std::string_view> categories_of(Match m) const;

  // All source category names in the file, sorted.
  std::vector<std::string_view> category_names() const;
  CategoryDbInfo info() const noexcept;

 private:
  CategoryDb() = default;
  Result<void> parse(std::string_view bytes, std::string_view name);
  std::uint32_t match_domain(std::string_view host, bool is_ipv4) const;
  std::uint32_t match_url(std::string_view host, std::string_view path) const;
  std::uint32_t find_fingerprint(std::uint64_t fp) const;
  std::string_view category_name(std::uint32_t id) const;
  std::string_view section(std::size_t index) const;

  os::MappedFile file_;
  std::string_view bytes_;
  std::uint64_t seed_ = 0;
  std::uint32_t bucket_bits_ = 0;
  std::uint32_t category_count_ = 0;
  std::uint32_t set_count_ = 0;
  std::uint32_t domain_count_ = 0;
  std::uint32_t url_host_count_ = 0;
  std::uint32_t url_count_ = 0;
  std::uint32_t max_url_path_ = 0;
  std::uint32_t version_ = 0;
  // Section base pointers into bytes_ (validated by parse()).
  const char* name_offsets_ = nullptr;
  const char* names_ = nullptr;
  const char* set_offsets_ = nullptr;
  const char* set_members_ = nullptr;
  const char* buckets_ = nullptr;
  const char* domains_ = nullptr;
  const char* url_host_fps_ = nullptr;
  const char* url_host_starts_ = nullptr;
  const char* url_entries_ = nullptr;
  const char* url_paths_ = nullptr;
  std::size_t url_paths_size_ = 0;
};

// Holds the current database for readers on any thread while policy swaps in a new one.
// Readers keep the shared_ptr they loaded for as long as they use views from it; the old
// database is unmapped when the last reader lets go.
class CategoryDbHolder {
 public:
  std::shared_ptr<const CategoryDb> load() const noexcept { return db_.load(); }
  void store(std::shared_ptr<const CategoryDb> db) noexcept { db_.store(std::move(db)); }

 private:
  std::atomic<std::shared_ptr<const CategoryDb>> db_;
};

}  // namespace shouwei::collectors::categories
