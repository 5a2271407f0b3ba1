#include "shouwei/collectors/categories/host_names.hpp"

#include <algorithm>

namespace shouwei::collectors::categories {
namespace {

constexpr char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}
constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
constexpr bool is_label_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
}

// Parses a dotted quad and writes it without leading zeros; false when text is not one.
bool canonical_ipv4(std::string_view text, HostBuffer& out) {
  std::size_t pos = 0;
  out.size = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (pos >= text.size() || text[pos] != '.') return false;
      ++pos;
    }
    unsigned value = 0;
    std::size_t digits = 0;
    while (pos < text.size() && is_digit(text[pos]) && digits < 4) {
      value = value * 10 + unsigned(text[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    // At most "255." per octet: 16 bytes in all, far below the buffer.
    char tmp[3];
    std::size_t n = 0;
    do {
      tmp[n++] = char('0' + value % 10);
      value /= 10;
    } while (value != 0);
    if (octet > 0) out.bytes[out.size++] = '.';
    while (n > 0) out.bytes[out.size++] = tmp[--n];
  }
  return pos == text.size();
}

}  // namespace

std::optional<HostKind> normalize_host(std::string_view text, HostBuffer& out,
                                       std::string_view* why) {
  auto refuse = [why](std::string_view reason) -> std::optional<HostKind> {
    if (why != nullptr) *why = reason;
    return std::nullopt;
  };
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return refuse("empty host");
  if (text.size() > kMaxHostLength) return refuse("host longer than 253 bytes");

  std::size_t labels = 1;
  std::size_t label_length = 0;
  bool last_label_numeric = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = lower(text[i]);
    out.bytes[i] = c;
    if (c == '.') {
      if (label_length == 0) return refuse("empty label");
      ++labels;
      label_length = 0;
      last_label_numeric = true;
      continue;
    }
    if (static_cast<unsigned char>(c) >= 0x80) return refuse("non-ASCII host (use xn-- form)");
    if (!is_label_char(c)) return refuse("character not allowed in a host name");
    if (++label_length > 63) return refuse("label longer than 63 bytes");
    last_label_numeric = last_label_numeric && is_digit(c);
  }
  out.size = text.size();
  if (label_length == 0) return refuse("empty label");
  if (last_label_numeric) {
    HostBuffer raw = out;
    if (canonical_ipv4(raw.view(), out)) return HostKind::ipv4;
    return refuse("numeric top-level label and not an IPv4 address");
  }
  if (labels < 2) return refuse("single-label host");
  return HostKind::name;
}

std::optional<NormalizedHost> normalize_host(std::string_view text, std::string_view* why) {
  HostBuffer buffer;
  auto kind = normalize_host(text, buffer, why);
  if (!kind) return std::nullopt;
  return NormalizedHost{std::string(buffer.view()), *kind};
}

std::string_view strip_www(std::string_view host) {
  if (host.size() < 4) return host;
  const std::string_view head = host.substr(0, 3);
  if (head != "www" && head != "web" && head != "ftp") return host;
  std::size_t i = 3;
  while (i < host.size() && is_digit(host[i])) ++i;
  if (i >= host.size() || host[i] != '.') return host;
  std::string_view rest = host.substr(i + 1);
  if (rest.find('.') == std::string_view::npos) return host;  // "www.com" stays itself
  return rest;
}

UrlParts split_url(std::string_view url) {
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
    // Only a scheme if everything before "://" looks like one (no '/', '?', '@'...).
    const std::string_view head = url.substr(0, scheme);
    if (head.find_first_of("/?#@") == std::string_view::npos) url.remove_prefix(scheme + 3);
  }
  const std::size_t authority_end = std::min(url.find_first_of("/?#"), url.size());
  std::string_view authority = url.substr(0, authority_end);
  std::string_view rest = url.substr(authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    host = close == std::string_view::npos ? host.substr(1) : host.substr(1, close - 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  return UrlParts{host, rest};
}

}  // namespace shouwei::collectors::categories
