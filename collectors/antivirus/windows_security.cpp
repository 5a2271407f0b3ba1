// Decoding what WMI reports about antivirus: productState words and WMI/RFC 1123 times.
#include "shouwei/collectors/antivirus/windows_security.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace shouwei::collectors::antivirus {
namespace {

constexpr std::size_t kMaxTimeText = 64;

std::optional<int> digits(std::string_view s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// A UTC time from calendar fields; nullopt when a field is out of range.
std::optional<TimePoint> utc(int y, int mo, int d, int h, int mi, int s) {
  if (y < 1970 || y > 2200 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                  std::chrono::day(unsigned(d))};
  if (mo < 1 || d < 1 || !ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s);
}

}  // namespace

WscProductState decode_product_state(std::uint32_t word) {
  WscProductState out;
  switch ((word >> 12) & 0xF) {
    case 0:
      out.state = WscState::off;
      break;
    case 1:
      out.state = WscState::on;
      break;
    case 2:
      out.state = WscState::snoozed;
      break;
    case 3:
      out.state = WscState::expired;
      break;
    default:
      out.state = WscState::unknown;
  }
  switch ((word >> 4) & 0xF) {
    case 0:
      out.signatures_up_to_date = true;
      break;
    case 1:
      out.signatures_up_to_date = false;
      break;
    default:
      break;
  }
  return out;
}

std::string_view to_string(WscState state) {
  switch (state) {
    case WscState::off:
      return "off";
    case WscState::on:
      return "on";
    case WscState::snoozed:
      return "snoozed";
    case WscState::expired:
      return "expired";
    case WscState::unknown:
      break;
  }
  return "unknown";
}

std::optional<TimePoint> parse_cim_datetime(std::string_view t) {
  // yyyymmddHHMMSS.mmmmmmsUUU: exactly 25 characters.
  if (t.size() != 25 || t[14] != '.' || (t[21] != '+' && t[21] != '-')) return std::nullopt;
  auto y = digits(t.substr(0, 4)), mo = digits(t.substr(4, 2)), d = digits(t.substr(6, 2));
  auto h = digits(t.substr(8, 2)), mi = digits(t.substr(10, 2)), s = digits(t.substr(12, 2));
  auto micro = digits(t.substr(15, 6)), offset = digits(t.substr(22, 3));
  if (!y || !mo || !d || !h || !mi || !s || !micro || !offset || *offset > 14 * 60)
    return std::nullopt;
  auto local = utc(*y, *mo, *d, *h, *mi, *s);
  if (!local) return std::nullopt;
  auto shift = std::chrono::minutes(t[21] == '+' ? *offset : -*offset);
  return *local - shift + std::chrono::microseconds(*micro);
}

std::optional<TimePoint> parse_rfc1123(std::string_view t) {
  if (t.size() > kMaxTimeText) return std::nullopt;
  // "Mon, 19 Feb 2024 22:40:11 GMT"
  if (t.size() != 29 || t.substr(3, 2) != ", " || t.substr(25) != " GMT" || t[7] != ' ' ||
      t[11] != ' ' || t[16] != ' ' || t[19] != ':' || t[22] != ':') {
    return std::nullopt;
  }
  constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto month = std::find(kMonths.begin(), kMonths.end(), t.substr(8, 3));
  if (month == kMonths.end()) return std::nullopt;
  auto d = digits(t.substr(5, 2)), y = digits(t.substr(12, 4)), h = digits(t.substr(17, 2)),
       mi = digits(t.substr(20, 2)), s = digits(t.substr(23, 2));
  if (!d || !y || !h || !mi || !s) return std::nullopt;
  return utc(*y, int(month - kMonths.begin()) + 1, *d, *h, *mi, *s);
}

}  // namespace shouwei::collectors::antivirus
