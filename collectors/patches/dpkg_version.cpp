// The algorithm follows deb-version(7); written from the specification, not from dpkg's source.
#include "shouwei/collectors/patches/dpkg_version.hpp"

#include <charconv>

namespace shouwei::collectors::patches {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Weight of a character in the non-digit part: '~' before the end of the part, the end before
// letters, letters before everything else.
int weight(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  char c = s[i];
  if (is_digit(c)) return 0;
  if (c == '~') return -1;
  if (is_alpha(c)) return static_cast<unsigned char>(c);
  return static_cast<unsigned char>(c) + 256;
}

// Compares an upstream version or a revision string.
int compare_part(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    // Non-digit prefix, character by character.
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      int wa = weight(a, i), wb = weight(b, j);
      if (wa != wb) return wa - wb;
      ++i;
      ++j;
    }
    // Digit run, numerically: skip leading zeros, then the longer run wins, else the first
    // differing digit.
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
    int first_diff = 0;
    while (i < a.size() && j < b.size() && is_digit(a[i]) && is_digit(b[j])) {
      if (first_diff == 0) first_diff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (i < a.size() && is_digit(a[i])) return 1;
    if (j < b.size() && is_digit(b[j])) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

}  // namespace

std::optional<DpkgVersion> parse_dpkg_version(std::string_view text) {
  // dpkg ignores surrounding blanks.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  DpkgVersion v;
  std::size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    std::string_view epoch = text.substr(0, colon);
    if (epoch.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(epoch.data(), epoch.data() + epoch.size(), v.epoch);
    if (ec != std::errc() || end != epoch.data() + epoch.size() || v.epoch > 0x7fffffffUL) {
      return std::nullopt;
    }
    text.remove_prefix(colon + 1);
  }
  std::size_t dash = text.rfind('-');
  if (dash != std::string_view::npos) {
    v.revision = text.substr(dash + 1);
    text = text.substr(0, dash);
  }
  v.upstream = text;
  return v;
}

int compare_dpkg_versions(const DpkgVersion& a, const DpkgVersion& b) {
  if (a.epoch != b.epoch) return a.epoch < b.epoch ? -1 : 1;
  if (int r = compare_part(a.upstream, b.upstream); r != 0) return r;
  return compare_part(a.revision, b.revision);
}

int compare_dpkg_versions(std::string_view a, std::string_view b) {
  DpkgVersion fallback_a{0, a, {}}, fallback_b{0, b, {}};
  auto pa = parse_dpkg_version(a), pb = parse_dpkg_version(b);
  return compare_dpkg_versions(pa ? *pa : fallback_a, pb ? *pb : fallback_b);
}

}  // namespace shouwei::collectors::patches
