// Interpreting what Windows servicing reports: hotfix dates, KB numbers, classifications.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "shouwei/collectors/patches/windows_patches.hpp"

namespace shouwei::collectors::patches {
namespace {

constexpr std::size_t kMaxDateText = 64;

// CategoryIDs of the update classifications (the WSUS/WUA classification GUIDs).
constexpr std::string_view kSecurityUpdatesId = "0fa1201d-4330-4fa8-8ae9-b877473b6441";
constexpr std::string_view kCriticalUpdatesId = "e6cf1350-c01b-414d-a61f-263d14d133b4";
constexpr std::string_view kDefinitionUpdatesId = "e0789628-ce08-4437-be74-2495b842f43b";
// Signature packages that Windows Update installs many times a day or week: Defender
// (KB2267602), Defender for Windows 7 era (KB915597), Security Essentials (KB2461484).
constexpr std::array<std::string_view, 3> kDefinitionKbs = {"KB2267602", "KB915597", "KB2461484"};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<int> number(std::string_view s, std::size_t min_digits, std::size_t max_digits) {
  if (s.size() < min_digits || s.size() > max_digits || !std::all_of(s.begin(), s.end(), is_digit))
    return std::nullopt;
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::optional<CalendarDate> valid(int y, int m, int d) {
  if (y < 1990 || y > 2200) return std::nullopt;  // before Windows Update, or nonsense
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(m)),
                                  std::chrono::day(unsigned(d))};
  if (m < 1 || d < 1 || !ymd.ok()) return std::nullopt;
  return CalendarDate{y, m, d};
}

std::optional<CalendarDate> from_filetime_hex(std::string_view hex) {
  std::uint64_t ticks = 0;  // 100 ns since 1601-01-01 UTC
  auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), ticks, 16);
  if (ec != std::errc() || end != hex.data() + hex.size()) return std::nullopt;
  constexpr std::uint64_t kUnixEpochTicks = 116444736000000000ULL;
  if (ticks < kUnixEpochTicks) return std::nullopt;
  auto seconds = static_cast<std::int64_t>((ticks - kUnixEpochTicks) / 10000000ULL);
  if (seconds > 7258118400LL) return std::nullopt;  // beyond 2200
  auto days = std::chrono::floor<std::chrono::days>(from_unix_seconds(seconds));
  std::chrono::year_month_day ymd{days};
  return valid(int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day())));
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    std::size_t at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

}  // namespace

std::optional<CalendarDate> parse_hotfix_date(std::string_view text) {
  if (text.size() > kMaxDateText) return std::nullopt;
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (text.size() == 16 && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
      })) {
    return from_filetime_hex(text);
  }
  if (text.size() == 8) {
    auto y = number(text.substr(0, 4), 4, 4), m = number(text.substr(4, 2), 2, 2),
         d = number(text.substr(6, 2), 2, 2);
    if (y && m && d) return valid(*y, *m, *d);
    return std::nullopt;
  }
  if (auto parts = split(text, '-'); parts.size() == 3) {
    auto y = number(parts[0], 4, 4), m = number(parts[1], 1, 2), d = number(parts[2], 1, 2);
    if (y && m && d) return valid(*y, *m, *d);
    return std::nullopt;
  }
  if (auto parts = split(text, '/'); parts.size() == 3) {
    auto a = number(parts[0], 1, 2), b = number(parts[1], 1, 2), y = number(parts[2], 4, 4);
    if (!a || !b || !y) return std::nullopt;
    if (*a > 12) return valid(*y, *b, *a);  // cannot be a month: day first
    return valid(*y, *a, *b);
  }
  return std::nullopt;
}

std::optional<std::string> normalize_kb(std::string_view id) {
  id = trim(id);
  if (id.size() >= 2 && iequals(id.substr(0, 2), "KB")) id.remove_prefix(2);
  if (id.size() < 3 || id.size() > 10 || !std::all_of(id.begin(), id.end(), is_digit))
    return std::nullopt;
  return "KB" + std::string(id);
}

std::vector<std::string> kb_ids_in_text(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    if (!iequals(text.substr(i, 2), "KB")) continue;
    if (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) continue;
    std::size_t end = i + 2;
    while (end < text.size() && is_digit(text[end])) ++end;
    if (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) continue;
    if (auto kb = normalize_kb(text.substr(i, end - i))) {
      if (std::find(out.begin(), out.end(), *kb) == out.end()) out.push_back(std::move(*kb));
    }
    i = end - 1;
  }
  return out;
}

bool is_security_update(const WindowsPendingUpdate& update) {
  if (!trim(update.msrc_severity).empty()) return true;
  return std::any_of(update.categories.begin(), update.categories.end(), [](const auto& c) {
    return iequals(c.id, kSecurityUpdatesId) || iequals(c.id, kCriticalUpdatesId) ||
           (c.id.empty() && (c.name == "Security Updates" || c.name == "Critical Updates"));
  });
}

bool is_definition_update(const std::vector<UpdateCategory>& categories,
                          const std::vector<std::string>& kbs) {
  if (std::any_of(categories.begin(), categories.end(), [](const auto& c) {
        return iequals(c.id, kDefinitionUpdatesId) ||
               (c.id.empty() && c.name == "Definition Updates");
      })) {
    return true;
  }
  return std::any_of(kbs.begin(), kbs.end(), [](const std::string& kb) {
    return std::find(kDefinitionKbs.begin(), kDefinitionKbs.end(), kb) != kDefinitionKbs.end();
  });
}

}  // namespace shouwei::collectors::patches
