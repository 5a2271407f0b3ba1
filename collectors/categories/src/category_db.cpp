// Reading a compiled category file: validation at open (every later access is then in
// bounds by construction) and the lookups.
#include "shouwei/collectors/categories/category_db.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "file_format.hpp"
#include "fingerprint.hpp"
#include "shouwei/collectors/categories/host_names.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/os/utf8_path.hpp"

namespace shouwei::collectors::categories {
namespace fmt = format;

namespace {

bool is_printable_name(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// Lower-cases src into dst (ASCII only), copying at most dst.size() bytes; returns the count.
std::size_t lower_into(std::string_view src, char* dst, std::size_t capacity) {
  const std::size_t n = std::min(src.size(), capacity);
  for (std::size_t i = 0; i < n; ++i) {
    const char c = src[i];
    dst[i] = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  }
  return n;
}

std::size_t common_prefix(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

Result<CategoryDb> CategoryDb::open(const std::filesystem::path& path) {
  SHOUWEI_TRY(auto file, os::MappedFile::open(path, kMaxCategoryFileBytes));
  CategoryDb db;
  db.file_ = std::move(file);
  SHOUWEI_TRY_VOID(db.parse(db.file_.bytes(), path_to_utf8(path)));
  return db;
}

Result<CategoryDb> CategoryDb::from_bytes(std::string_view bytes, std::string_view name) {
  CategoryDb db;
  SHOUWEI_TRY_VOID(db.parse(bytes, name));
  return db;
}

std::string_view CategoryDb::section(std::size_t index) const {
  fmt::Header h;
  std::memcpy(&h, bytes_.data(), sizeof h);
  return bytes_.substr(h.sections[index].offset, h.sections[index].size);
}

Result<void> CategoryDb::parse(std::string_view bytes, std::string_view name) {
  auto corrupt = [&](const std::string& what) {
    return fail(Errc::corrupt, std::string(name) + ": corrupt category file: " + what);
  };
  if (bytes.size() < sizeof(fmt::Header) + fmt::kTrailerSize) {
    return corrupt("truncated to " + std::to_string(bytes.size()) + " bytes");
  }
  fmt::Header h;
  std::memcpy(&h, bytes.data(), sizeof h);
  if (h.magic != fmt::kMagic) {
    return fail(Errc::corrupt, std::string(name) + ": not a Shouwei category file (bad magic)");
  }
  if (h.version != fmt::kVersion) {
    return fail(Errc::unsupported, std::string(name) + ": category file format version " +
                                       std::to_string(h.version) + ", this build reads " +
                                       std::to_string(fmt::kVersion));
  }
  if (h.header_size != sizeof(fmt::Header))
    return corrupt("header size " + std::to_string(h.header_size));
  if (h.file_size != bytes.size()) {
    return corrupt("header says " + std::to_string(h.file_size) + " bytes, file has " +
                   std::to_string(bytes.size()) + " (truncated or extended)");
  }
  const std::size_t body_end = bytes.size() - fmt::kTrailerSize;
  if (sha256(bytes.substr(0, body_end)) != bytes.substr(body_end)) {
    return corrupt("SHA-256 trailer does not match the content");
  }
  if (h.bucket_bits > fmt::kMaxBucketBits)
    return corrupt("bucket_bits " + std::to_string(h.bucket_bits));
  if (h.category_count > fmt::kMaxCategories) return corrupt("category_count too large");
  if (h.set_count > fmt::kMaxSets) return corrupt("set_count too large");
  if (h.max_url_path > fmt::kMaxUrlPath) return corrupt("max_url_path too large");

  // Expected section sizes (0 = free-sized byte or u16 array). u32 counts: no overflow in u64.
  const std::uint64_t bucket_count = std::uint64_t{1} << h.bucket_bits;
  const std::array<std::uint64_t, fmt::kSectionCount> expected = {
      4 * (std::uint64_t{h.category_count} + 1),
      0,
      4 * (std::uint64_t{h.set_count} + 1),
      0,
      4 * (bucket_count + 1),
      8 * std::uint64_t{h.domain_count},
      8 * std::uint64_t{h.url_host_count},
      4 * (std::uint64_t{h.url_host_count} + 1),
      8 * std::uint64_t{h.url_count},
      0};
  for (std::size_t i = 0; i < fmt::kSectionCount; ++i) {
    const auto [offset, size] = h.sections[i];
    const std::string which = "section " + std::to_string(i);
    if (offset % 8 != 0 || offset < sizeof(fmt::Header) || offset > body_end ||
        size > body_end - offset) {
      return corrupt(which + " lies outside the file");
    }
    if (expected[i] != 0 && size != expected[i]) return corrupt(which + " has the wrong size");
  }
  bytes_ = bytes;
  seed_ = h.hash_seed;
  bucket_bits_ = h.bucket_bits;
  category_count_ = h.category_count;
  set_count_ = h.set_count;
  domain_count_ = h.domain_count;
  url_host_count_ = h.url_host_count;
  url_count_ = h.url_count;
  max_url_path_ = h.max_url_path;
  version_ = h.version;
  name_offsets_ = section(fmt::kCategoryNameOffsets).data();
  names_ = section(fmt::kCategoryNames).data();
  set_offsets_ = section(fmt::kSetOffsets).data();
  set_members_ = section(fmt::kSetMembers).data();
  buckets_ = section(fmt::kBuckets).data();
  domains_ = section(fmt::kDomainEntries).data();
  url_host_fps_ = section(fmt::kUrlHostFingerprints).data();
  url_host_starts_ = section(fmt::kUrlHostStarts).data();
  url_entries_ = section(fmt::kUrlEntries).data();
  url_paths_ = section(fmt::kUrlPaths).data();
  url_paths_size_ = section(fmt::kUrlPaths).size();

  // Category names: ascending offsets within the names section, printable, sorted, unique.
  const std::size_t names_size = section(fmt::kCategoryNames).size();
  if (fmt::load_u32(name_offsets_) != 0) return corrupt("first category name offset is not 0");
  std::string_view previous;
  for (std::uint32_t i = 0; i < category_count_; ++i) {
    const std::uint32_t begin = fmt::load_u32(name_offsets_ + 4 * i);
    const std::uint32_t end = fmt::load_u32(name_offsets_ + 4 * (i + 1));
    if (end <= begin || end > names_size || end - begin > fmt::kMaxCategoryName) {
      return corrupt("category name " + std::to_string(i) + " out of bounds");
    }
    const std::string_view current(names_ + begin, end - begin);
    if (!is_printable_name(current))
      return corrupt("category name " + std::to_string(i) + " is not printable");
    if (i > 0 && !(previous < current)) return corrupt("category names are not sorted");
    previous = current;
  }
  if (fmt::load_u32(name_offsets_ + 4 * category_count_) != names_size) {
    return corrupt("category names section has trailing bytes");
  }

  // Category sets: non-empty, members strictly ascending valid category ids.
  const std::size_t member_count = section(fmt::kSetMembers).size() / 2;
  if (section(fmt::kSetMembers).size() % 2 != 0)
    return corrupt("set members section has an odd size");
  if (fmt::load_u32(set_offsets_) != 0) return corrupt("first set offset is not 0");
  for (std::uint32_t s = 0; s < set_count_; ++s) {
    const std::uint32_t begin = fmt::load_u32(set_offsets_ + 4 * s);
    const std::uint32_t end = fmt::load_u32(set_offsets_ + 4 * (s + 1));
    if (end <= begin || end > member_count)
      return corrupt("category set " + std::to_string(s) + " out of bounds");
    for (std::uint32_t m = begin; m < end; ++m) {
      const std::uint16_t id = fmt::load_u16(set_members_ + 2 * m);
      if (id >= category_count_ || (m > begin && id <= fmt::load_u16(set_members_ + 2 * (m - 1)))) {
        return corrupt("category set " + std::to_string(s) + " holds an invalid category id");
      }
    }
  }
  if (fmt::load_u32(set_offsets_ + 4 * set_count_) != member_count) {
    return corrupt("set members section has trailing entries");
  }

  // Domain buckets and entries: monotone bucket starts, entries ascending within a bucket and
  // in the bucket their fingerprint belongs to, valid set ids.
  if (fmt::load_u32(buckets_) != 0) return corrupt("first bucket does not start at 0");
  for (std::uint64_t b = 0; b < bucket_count; ++b) {
    const std::uint32_t begin = fmt::load_u32(buckets_ + 4 * b);
    const std::uint32_t end = fmt::load_u32(buckets_ + 4 * (b + 1));
    if (end < begin || end > domain_count_)
      return corrupt("bucket " + std::to_string(b) + " out of bounds");
    for (std::uint32_t i = begin; i < end; ++i) {
      const std::uint64_t entry = fmt::load_u64(domains_ + 8 * std::size_t{i});
      if ((entry & 0xffff) >= set_count_)
        return corrupt("domain entry " + std::to_string(i) + " has an invalid set id");
      if (i > begin && (entry >> 16) <= (fmt::load_u64(domains_ + 8 * std::size_t{i - 1}) >> 16)) {
        return corrupt("domain entries of bucket " + std::to_string(b) + " are not sorted");
      }
    }
  }
  if (fmt::load_u32(buckets_ + 4 * bucket_count) != domain_count_) {
    return corrupt("buckets do not cover every domain entry");
  }

  // URL hosts and entries.
  if (fmt::load_u32(url_host_starts_) != 0) return corrupt("first URL host does not start at 0");
  for (std::uint32_t u = 0; u < url_host_count_; ++u) {
    if (u > 0 &&
        fmt::load_u64(url_host_fps_ + 8 * u) <= fmt::load_u64(url_host_fps_ + 8 * (u - 1))) {
      return corrupt("URL host fingerprints are not sorted");
    }
    const std::uint32_t begin = fmt::load_u32(url_host_starts_ + 4 * u);
    const std::uint32_t end = fmt::load_u32(url_host_starts_ + 4 * (u + 1));
    if (end <= begin || end > url_count_)
      return corrupt("URL host " + std::to_string(u) + " out of bounds");
    std::string_view previous_path;
    for (std::uint32_t i = begin; i < end; ++i) {
      fmt::UrlEntry e;
      std::memcpy(&e, url_entries_ + 8 * std::size_t{i}, sizeof e);
      if (e.set_id >= set_count_ || e.path_length > max_url_path_ ||
          e.path_offset > url_paths_size_ || e.path_length > url_paths_size_ - e.path_offset) {
        return corrupt("URL entry " + std::to_string(i) + " out of bounds");
      }
      const std::string_view path(url_paths_ + e.path_offset, e.path_length);
      if (i > begin && !(previous_path < path))
        return corrupt("URL paths of host " + std::to_string(u) + " are not sorted");
      previous_path = path;
    }
  }
  if (fmt::load_u32(url_host_starts_ + 4 * url_host_count_) != url_count_) {
    return corrupt("URL hosts do not cover every URL entry");
  }
  return {};
}

std::uint32_t CategoryDb::find_fingerprint(std::uint64_t fp) const {
  const std::uint64_t bucket = fmt::bucket_of(fp, bucket_bits_);
  const std::uint64_t tag = fmt::tag_of(fp);
  const std::uint32_t end = fmt::load_u32(buckets_ + 4 * (bucket + 1));
  for (std::uint32_t i = fmt::load_u32(buckets_ + 4 * bucket); i < end; ++i) {
    const std::uint64_t entry = fmt::load_u64(domains_ + 8 * std::size_t{i});
    const std::uint64_t entry_tag = entry >> 16;
    if (entry_tag == tag) return static_cast<std::uint32_t>(entry & 0xffff);
    if (entry_tag > tag) break;
  }
  return Match::kNone;
}

std::uint32_t CategoryDb::match_domain(std::string_view host, bool is_ipv4) const {
  for (;;) {
    if (const auto set = find_fingerprint(fingerprint(host, seed_)); set != Match::kNone)
      return set;
    if (is_ipv4) return Match::kNone;
    // Next parent; single labels are never stored (host_names.hpp), so stop before the TLD.
    host.remove_prefix(host.find('.') + 1);
    if (host.find('.') == std::string_view::npos) return Match::kNone;
  }
}

std::uint32_t CategoryDb::match_url(std::string_view host, std::string_view path) const {
  const std::uint64_t fp = fingerprint(host, seed_);
  std::uint32_t lo = 0;
  std::uint32_t hi = url_host_count_;
  while (lo < hi) {
    const std::uint32_t mid = lo + (hi - lo) / 2;
    if (fmt::load_u64(url_host_fps_ + 8 * std::size_t{mid}) < fp)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == url_host_count_ || fmt::load_u64(url_host_fps_ + 8 * std::size_t{lo}) != fp) {
    return Match::kNone;
  }
  const std::uint32_t first = fmt::load_u32(url_host_starts_ + 4 * lo);
  std::uint32_t limit = fmt::load_u32(url_host_starts_ + 4 * (lo + 1));

  // The query path, lower-cased like the entries; "" and "?q" become "/" and "/?q". Bytes past
  // the longest stored path cannot change a prefix match, so the copy stops there.
  std::array<char, fmt::kMaxUrlPath + 1> buffer;
  std::size_t length = 0;
  if (path.empty() || path.front() != '/') buffer[length++] = '/';
  length += lower_into(path, buffer.data() + length, max_url_path_ + 1 - length);
  std::string_view query(buffer.data(), length);

  auto path_at = [this](std::uint32_t i) {
    fmt::UrlEntry e;
    std::memcpy(&e, url_entries_ + 8 * std::size_t{i}, sizeof e);
    return std::pair{std::string_view(url_paths_ + e.path_offset, e.path_length), e.set_id};
  };
  // Longest stored prefix of query: take the last entry <= query; if it is not a prefix, any
  // prefix of query that is stored sorts before it and is no longer than their common
  // prefix, so shorten query to that and repeat. query shrinks every round.
  for (;;) {
    std::uint32_t a = first;
    std::uint32_t b = limit;
    while (a < b) {
      const std::uint32_t mid = a + (b - a) / 2;
      if (path_at(mid).first <= query)
        a = mid + 1;
      else
        b = mid;
    }
    if (a == first) return Match::kNone;
    const auto [candidate, set] = path_at(a - 1);
    if (query.starts_with(candidate)) return set;
    query = query.substr(0, common_prefix(candidate, query));
    limit = a - 1;
  }
}

Match CategoryDb::match(std::string_view host_or_url) const {
  Match m;
  if (bytes_.empty()) return m;
  const UrlParts parts = split_url(host_or_url);
  HostBuffer host;
  const auto kind = normalize_host(parts.host, host);
  if (!kind) return m;
  m.domain_set = match_domain(host.view(), *kind == HostKind::ipv4);
  if (url_host_count_ > 0) m.url_set = match_url(strip_www(host.view()), parts.path);
  return m;
}

std::string_view CategoryDb::category_name(std::uint32_t id) const {
  const std::uint32_t begin = fmt::load_u32(name_offsets_ + 4 * id);
  const std::uint32_t end = fmt::load_u32(name_offsets_ + 4 * (id + 1));
  return {names_ + begin, end - begin};
}

std::vector<std::string_view> CategoryDb::categories_of(Match m) const {
  std::vector<std::uint16_t> ids;
  for (const std::uint32_t set : {m.domain_set, m.url_set}) {
    if (set >= set_count_) continue;
    const std::uint32_t end = fmt::load_u32(set_offsets_ + 4 * (set + 1));
    for (std::uint32_t i = fmt::load_u32(set_offsets_ + 4 * set); i < end; ++i) {
      ids.push_back(fmt::load_u16(set_members_ + 2 * std::size_t{i}));
    }
  }
  // Ids are assigned in name order, so sorting ids sorts names.
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<std::string_view> names;
  names.reserve(ids.size());
  for (const auto id : ids) names.push_back(category_name(id));
  return names;
}

std::vector<std::string_view> CategoryDb::lookup(std::string_view host_or_url) const {
  return categories_of(match(host_or_url));
}

std::vector<std::string_view> CategoryDb::category_names() const {
  std::vector<std::string_view> names;
  names.reserve(category_count_);
  for (std::uint32_t i = 0; i < category_count_; ++i) names.push_back(category_name(i));
  return names;
}

CategoryDbInfo CategoryDb::info() const noexcept {
  return {version_,        category_count_, set_count_,   domain_count_,
          url_host_count_, url_count_,      bytes_.size()};
}

}  // namespace shouwei::collectors::categories
