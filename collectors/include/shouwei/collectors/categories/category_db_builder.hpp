// Compiles category lists into the file format CategoryDb reads (docs/categories-format.md).
// Used by `shouweictl categories build` and by tests; it holds every entry on the heap while
// building, unlike the reader.
//
// Output is deterministic: the same entries, in any order, give byte-identical files, so the
// file's SHA-256 (carried in the policy) identifies its content.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/result.hpp"

namespace shouwei::collectors::categories {

struct BuildStats {
  std::size_t categories = 0;
  std::size_t domains = 0;  // distinct host names and addresses
  std::size_t url_hosts = 0;
  std::size_t urls = 0;                    // distinct (host, path) entries
  std::size_t category_sets = 0;           // distinct combinations of categories
  std::size_t fingerprint_collisions = 0;  // distinct domains sharing a fingerprint (merged)
  std::size_t file_bytes = 0;
};

class CategoryDbBuilder {
 public:
  // Category names: 1..64 printable ASCII bytes, no space or '/'.
  static bool valid_category_name(std::string_view name);

  // Adds a domain or IPv4 entry (as in a UT1 "domains" file: "example.com", "*.example.com",
  // ".example.com", "EXAMPLE.COM." are all the same entry). False, with *why set, when the
  // entry or the category name is refused (host_names.hpp lists the rules).
  bool add_domain(std::string_view category, std::string_view entry, std::string_view* why);

  // Adds a URL entry ("example.com/path", optionally with a scheme, user info or port). The
  // entry is lower-cased; its path is compared as a byte prefix. A URL without a path is kept
  // as "host/", which matches every URL of that host. False, with *why set, when refused.
  bool add_url(std::string_view category, std::string_view entry, std::string_view* why);

  // The file's bytes. Fails (limit_exceeded) beyond 4096 categories or 65536 distinct
  // category combinations, the format's limits.
  Result<std::string> build(BuildStats* stats = nullptr) const;

 private:
  std::uint16_t category_id(std::string_view name);

  std::map<std::string, std::uint16_t, std::less<>> categories_;  // name -> insertion id
  std::vector<std::pair<std::string, std::uint16_t>> domains_;
  struct UrlEntry {
    std::string host;  // normalised, "www." stripped
    std::string path;  // lower-case, starts with '/'
    std::uint16_t category;
  };
  std::vector<UrlEntry> urls_;
};

}  // namespace shouwei::collectors::categories
