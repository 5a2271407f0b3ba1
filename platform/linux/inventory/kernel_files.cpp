#include "shouwei/platform/inventory/kernel_files.hpp"

#include <charconv>
#include <cstdint>

#include "shouwei/platform/inventory/ip_text.hpp"
#include "text_lines.hpp"

namespace shouwei::platform {
namespace {

template <typename T>
std::optional<T> parse_number(std::string_view text, int base) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits on runs of spaces and tabs.
std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < line.size();) {
    const auto start = line.find_first_not_of(" \t", i);
    if (start == std::string_view::npos) break;
    const auto end = line.find_first_of(" \t", start);
    out.push_back(line.substr(start, end - start));
    if (end == std::string_view::npos) break;
    i = end;
  }
  return out;
}

std::optional<Inet6Address> parse_inet6_line(std::string_view line) {
  const auto f = fields_of(line);
  if (f.size() != 6 || f[0].size() != 32) return std::nullopt;
  std::uint8_t bytes[16] = {};
  for (std::size_t i = 0; i < 16; ++i) {
    const int hi = hex_digit(f[0][2 * i]), lo = hex_digit(f[0][2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  const auto plen = parse_number<unsigned>(f[2], 16);
  if (!plen || *plen > 128) return std::nullopt;
  return Inet6Address{std::string(f[5]), collectors::IpPrefix{ipv6_text(bytes), *plen}};
}

}  // namespace

std::optional<std::string> first_value_line(std::string_view text) {
  std::optional<std::string> out;
  for_each_line(text, [&](std::string_view line) {
    line = trim(line);
    if (!out && !line.empty() && line.front() != '#') out = std::string(line);
  });
  return out;
}

std::optional<TimePoint> parse_btime(std::string_view proc_stat) {
  std::optional<TimePoint> out;
  for_each_line(proc_stat, [&](std::string_view line) {
    const auto f = fields_of(line);
    if (out || f.size() != 2 || f[0] != "btime") return;
    // Beyond 2100 the value is damage, not a boot time (and it would overflow TimePoint).
    constexpr std::int64_t kLatest = 4102444800;  // 2100-01-01T00:00:00Z
    if (const auto s = parse_number<std::int64_t>(f[1], 10); s && *s > 0 && *s < kLatest) {
      out = from_unix_seconds(*s);
    }
  });
  return out;
}

std::optional<std::string> parse_mac(std::string_view file) {
  const std::string text = first_value_line(file).value_or("");
  // "xx" then ":xx" repeated: 3n-1 characters for n bytes.
  if (text.size() < 2 || (text.size() + 1) % 3 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i % 3 == 2) {
      if (c != ':') return std::nullopt;
      out += c;
    } else {
      const int d = hex_digit(c);
      if (d < 0) return std::nullopt;
      out += "0123456789abcdef"[d];
    }
  }
  return out;
}

std::optional<unsigned long> parse_hex_flags(std::string_view file) {
  const std::string line = first_value_line(file).value_or("");
  std::string_view text = line;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  return parse_number<unsigned long>(text, 16);
}

Inet6Parse parse_if_inet6(std::string_view text) {
  Inet6Parse out;
  for_each_line(text, [&](std::string_view line) {
    if (trim(line).empty()) return;
    if (auto a = parse_inet6_line(line)) {
      out.addresses.push_back(std::move(*a));
    } else {
      ++out.malformed_lines;
    }
  });
  return out;
}

}  // namespace shouwei::platform
