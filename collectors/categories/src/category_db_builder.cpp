#include "shouwei/collectors/categories/category_db_builder.hpp"

#include <algorithm>
#include <bit>
#include <tuple>

#include "file_format.hpp"
#include "fingerprint.hpp"
#include "shouwei/collectors/categories/host_names.hpp"
#include "shouwei/common/encoding.hpp"

namespace shouwei::collectors::categories {
namespace fmt = format;

namespace {

using CategorySet = std::vector<std::uint16_t>;  // ascending category ids

void merge_into(CategorySet& into, const CategorySet& from) {
  CategorySet merged;
  std::set_union(into.begin(), into.end(), from.begin(), from.end(), std::back_inserter(merged));
  into = std::move(merged);
}

template <typename T>
void append(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// Assigns every distinct category set an id, in sorted order (deterministic output).
class SetTable {
 public:
  void add(const CategorySet& s) { ids_.emplace(s, 0); }
  std::size_t size() const { return ids_.size(); }
  void number() {
    std::uint32_t next = 0;
    for (auto& [set, id] : ids_) id = next++;
  }
  std::uint16_t id(const CategorySet& s) const { return static_cast<std::uint16_t>(ids_.at(s)); }
  const std::map<CategorySet, std::uint32_t>& all() const { return ids_; }

 private:
  std::map<CategorySet, std::uint32_t> ids_;
};

struct DomainRecord {
  std::uint64_t bucket;
  std::uint64_t tag;
  CategorySet categories;
};

struct UrlRecord {
  std::string path;
  CategorySet categories;
};

}  // namespace

bool CategoryDbBuilder::valid_category_name(std::string_view name) {
  return !name.empty() && name.size() <= fmt::kMaxCategoryName &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return c > 0x20 && c < 0x7f && c != '/'; });
}

std::uint16_t CategoryDbBuilder::category_id(std::string_view name) {
  if (auto it = categories_.find(name); it != categories_.end()) return it->second;
  const auto id = static_cast<std::uint16_t>(categories_.size());
  categories_.emplace(std::string(name), id);
  return id;
}

bool CategoryDbBuilder::add_domain(std::string_view category, std::string_view entry,
                                   std::string_view* why) {
  if (!valid_category_name(category)) {
    if (why != nullptr) *why = "invalid category name";
    return false;
  }
  // "*.example.com" and ".example.com" mean the domain and its subdomains: what every entry
  // means here.
  if (entry.starts_with("*."))
    entry.remove_prefix(2);
  else if (entry.starts_with("."))
    entry.remove_prefix(1);
  auto host = normalize_host(entry, why);
  if (!host) return false;
  if (categories_.size() >= fmt::kMaxCategories && !categories_.contains(category)) {
    if (why != nullptr) *why = "more than 4096 categories";
    return false;
  }
  domains_.emplace_back(std::move(host->host), category_id(category));
  return true;
}

bool CategoryDbBuilder::add_url(std::string_view category, std::string_view entry,
                                std::string_view* why) {
  if (!valid_category_name(category)) {
    if (why != nullptr) *why = "invalid category name";
    return false;
  }
  const UrlParts parts = split_url(entry);
  auto host = normalize_host(parts.host, why);
  if (!host) return false;
  std::string path;
  if (parts.path.empty() || parts.path.front() != '/') path.push_back('/');
  path.append(parts.path);
  if (path.size() > fmt::kMaxUrlPath) {
    if (why != nullptr) *why = "URL path longer than 1024 bytes";
    return false;
  }
  for (char& c : path) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  if (categories_.size() >= fmt::kMaxCategories && !categories_.contains(category)) {
    if (why != nullptr) *why = "more than 4096 categories";
    return false;
  }
  urls_.push_back({std::string(strip_www(host->host)), std::move(path), category_id(category)});
  return true;
}

Result<std::string> CategoryDbBuilder::build(BuildStats* stats) const {
  BuildStats st;
  const std::uint64_t seed = 0;

  // Category ids in name order: the reader relies on it to return sorted names.
  std::vector<std::uint16_t> renumber(categories_.size());
  std::string names;
  std::vector<std::uint32_t> name_offsets{0};
  {
    std::uint16_t next = 0;
    for (const auto& [name, id] : categories_) {
      renumber[id] = next++;
      names += name;
      name_offsets.push_back(static_cast<std::uint32_t>(names.size()));
    }
  }

  // Domains: group by name, then by stored fingerprint (bucket, tag).
  std::vector<std::pair<std::string_view, std::uint16_t>> by_name;
  by_name.reserve(domains_.size());
  for (const auto& [host, id] : domains_) by_name.emplace_back(host, renumber[id]);
  std::sort(by_name.begin(), by_name.end());
  by_name.erase(std::unique(by_name.begin(), by_name.end()), by_name.end());
  std::vector<std::pair<std::string_view, CategorySet>> named;
  for (const auto& [host, id] : by_name) {
    if (named.empty() || named.back().first != host) named.push_back({host, {}});
    named.back().second.push_back(id);
  }
  st.domains = named.size();
  const auto bucket_bits = std::min<std::uint32_t>(
      fmt::kMaxBucketBits, static_cast<std::uint32_t>(std::bit_width(named.size() / 8)));
  std::vector<DomainRecord> records;
  records.reserve(named.size());
  for (auto& [host, set] : named) {
    const std::uint64_t fp = fingerprint(host, seed);
    records.push_back({fmt::bucket_of(fp, bucket_bits), fmt::tag_of(fp), std::move(set)});
  }
  std::sort(records.begin(), records.end(), [](const DomainRecord& a, const DomainRecord& b) {
    return std::tie(a.bucket, a.tag) < std::tie(b.bucket, b.tag);
  });
  std::vector<DomainRecord> unique_records;
  for (auto& r : records) {
    if (!unique_records.empty() && unique_records.back().bucket == r.bucket &&
        unique_records.back().tag == r.tag) {
      merge_into(unique_records.back().categories, r.categories);  // a collision: keep both
      ++st.fingerprint_collisions;
      continue;
    }
    unique_records.push_back(std::move(r));
  }

  // URLs: group by host fingerprint, then by path.
  std::map<std::uint64_t, std::map<std::string, CategorySet>> url_hosts;
  std::map<std::uint64_t, std::string_view> host_of_fp;
  for (const auto& u : urls_) {
    const std::uint64_t fp = fingerprint(u.host, seed);
    if (auto [it, inserted] = host_of_fp.emplace(fp, u.host); !inserted && it->second != u.host) {
      ++st.fingerprint_collisions;  // two hosts share a fingerprint: their paths are merged
    }
    CategorySet& set = url_hosts[fp][u.path];
    const std::uint16_t id = renumber[u.category];
    if (!std::binary_search(set.begin(), set.end(), id))
      set.insert(std::upper_bound(set.begin(), set.end(), id), id);
  }

  SetTable sets;
  for (const auto& r : unique_records) sets.add(r.categories);
  for (const auto& [fp, paths] : url_hosts) {
    for (const auto& [path, set] : paths) sets.add(set);
  }
  if (sets.size() > fmt::kMaxSets) {
    return fail(Errc::limit_exceeded,
                "category build: " + std::to_string(sets.size()) +
                    " distinct category combinations, the format allows 65536");
  }
  if (categories_.size() > fmt::kMaxCategories) {
    return fail(Errc::limit_exceeded, "category build: more than 4096 categories");
  }
  sets.number();

  // Sections.
  std::array<std::string, fmt::kSectionCount> sec;
  for (auto o : name_offsets) append(sec[fmt::kCategoryNameOffsets], o);
  sec[fmt::kCategoryNames] = names;
  std::uint32_t members = 0;
  append(sec[fmt::kSetOffsets], members);
  for (const auto& [set, id] : sets.all()) {
    for (auto c : set) append(sec[fmt::kSetMembers], c);
    members += static_cast<std::uint32_t>(set.size());
    append(sec[fmt::kSetOffsets], members);
  }
  const std::uint64_t bucket_count = std::uint64_t{1} << bucket_bits;
  std::size_t r = 0;
  for (std::uint64_t b = 0; b <= bucket_count; ++b) {
    while (r < unique_records.size() && unique_records[r].bucket < b) ++r;
    append(sec[fmt::kBuckets], static_cast<std::uint32_t>(r));
  }
  for (const auto& rec : unique_records) {
    append(sec[fmt::kDomainEntries], (rec.tag << 16) | sets.id(rec.categories));
  }
  std::uint32_t url_count = 0;
  std::uint32_t max_path = 0;
  append(sec[fmt::kUrlHostStarts], url_count);
  for (const auto& [fp, paths] : url_hosts) {
    append(sec[fmt::kUrlHostFingerprints], fp);
    for (const auto& [path, set] : paths) {
      append(sec[fmt::kUrlEntries], static_cast<std::uint32_t>(sec[fmt::kUrlPaths].size()));
      append(sec[fmt::kUrlEntries], static_cast<std::uint16_t>(path.size()));
      append(sec[fmt::kUrlEntries], sets.id(set));
      sec[fmt::kUrlPaths] += path;
      max_path = std::max(max_path, static_cast<std::uint32_t>(path.size()));
      ++url_count;
    }
    append(sec[fmt::kUrlHostStarts], url_count);
  }

  fmt::Header h{};
  h.magic = fmt::kMagic;
  h.version = fmt::kVersion;
  h.header_size = sizeof(fmt::Header);
  h.hash_seed = seed;
  h.bucket_bits = bucket_bits;
  h.category_count = static_cast<std::uint32_t>(categories_.size());
  h.set_count = static_cast<std::uint32_t>(sets.size());
  h.domain_count = static_cast<std::uint32_t>(unique_records.size());
  h.url_host_count = static_cast<std::uint32_t>(url_hosts.size());
  h.url_count = url_count;
  h.max_url_path = max_path;
  std::string out(sizeof(fmt::Header), '\0');
  for (std::size_t i = 0; i < fmt::kSectionCount; ++i) {
    out.resize((out.size() + 7) / 8 * 8, '\0');
    h.sections[i] = {out.size(), sec[i].size()};
    out += sec[i];
  }
  h.file_size = out.size() + fmt::kTrailerSize;
  std::memcpy(out.data(), &h, sizeof h);
  out += sha256(out);

  st.categories = categories_.size();
  st.url_hosts = url_hosts.size();
  st.urls = url_count;
  st.category_sets = sets.size();
  st.file_bytes = out.size();
  if (stats != nullptr) *stats = st;
  return out;
}

}  // namespace shouwei::collectors::categories
