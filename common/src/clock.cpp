#include "shouwei/common/clock.hpp"

#include <charconv>
#include <cstdio>

namespace shouwei {
namespace chr = std::chrono;

std::string format_rfc3339(TimePoint t) {
  auto secs = chr::floor<chr::seconds>(t);
  auto day = chr::floor<chr::days>(secs);
  chr::year_month_day ymd{day};
  chr::hh_mm_ss hms{secs - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

namespace {
bool take_int(std::string_view& s, std::size_t digits, int& out) {
  if (s.size() < digits) return false;
  for (std::size_t i = 0; i < digits; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  std::from_chars(s.data(), s.data() + digits, out);
  s.remove_prefix(digits);
  return true;
}
bool take_char(std::string_view& s, char a, char b = '\0') {
  if (s.empty() || (s[0] != a && (b == '\0' || s[0] != b))) return false;
  s.remove_prefix(1);
  return true;
}
}  // namespace

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!take_int(s, 4, y) || !take_char(s, '-') || !take_int(s, 2, mo) || !take_char(s, '-') ||
      !take_int(s, 2, d) || !take_char(s, 'T', 't') || !take_int(s, 2, h) || !take_char(s, ':') ||
      !take_int(s, 2, mi) || !take_char(s, ':') || !take_int(s, 2, sec)) {
    return std::nullopt;
  }
  // TimePoint counts nanoseconds in 64 bits (about 1678..2261): years outside a sane window
  // would overflow it, so they are not timestamps we accept.
  if (y < kMinRfc3339Year || y > kMaxRfc3339Year) return std::nullopt;
  chr::year_month_day ymd{chr::year(y), chr::month(unsigned(mo)), chr::day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  chr::microseconds frac{0};
  if (!s.empty() && s[0] == '.') {
    s.remove_prefix(1);
    std::size_t n = 0;
    long long value = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
      if (n < 6) value = value * 10 + (s[n] - '0');
      ++n;
    }
    if (n == 0) return std::nullopt;
    for (std::size_t i = n; i < 6; ++i) value *= 10;
    frac = chr::microseconds(value);
    s.remove_prefix(n);
  }
  chr::minutes offset{0};
  if (take_char(s, 'Z', 'z')) {
  } else if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    int sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
    int oh = 0, om = 0;
    if (!take_int(s, 2, oh) || !take_char(s, ':') || !take_int(s, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = chr::minutes(sign * (oh * 60 + om));
  } else {
    return std::nullopt;
  }
  if (!s.empty()) return std::nullopt;
  TimePoint t = chr::sys_days(ymd) + chr::hours(h) + chr::minutes(mi) + chr::seconds(sec);
  return t + frac - offset;
}

}  // namespace shouwei
