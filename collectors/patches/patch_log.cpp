#include "shouwei/collectors/patches/patch_log.hpp"

#include <charconv>
#include <chrono>

namespace shouwei::collectors::patches {
namespace {

bool take_number(std::string_view& s, std::size_t digits, int& out) {
  if (s.size() < digits) return false;
  for (std::size_t i = 0; i < digits; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  std::from_chars(s.data(), s.data() + digits, out);
  s.remove_prefix(digits);
  return true;
}

bool take(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<CivilTime> parse_civil_time(std::string_view s) {
  CivilTime t;
  if (!take_number(s, 4, t.year) || !take(s, '-') || !take_number(s, 2, t.month) || !take(s, '-') ||
      !take_number(s, 2, t.day) || !take(s, ' ')) {
    return std::nullopt;
  }
  while (take(s, ' ')) {
  }
  if (!take_number(s, 2, t.hour) || !take(s, ':') || !take_number(s, 2, t.minute) ||
      !take(s, ':') || !take_number(s, 2, t.second)) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year(t.year), std::chrono::month(unsigned(t.month)),
                                  std::chrono::day(unsigned(t.day))};
  if (!ymd.ok() || t.hour > 23 || t.minute > 59 || t.second > 60) return std::nullopt;
  return t;
}

void PatchLogScanner::keep_latest(std::optional<CivilTime>& slot, const CivilTime& t) {
  if (!slot || *slot < t) slot = t;
}

void PatchLogScanner::line(std::string_view text) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (kind_ == PatchLogKind::dpkg) {
    dpkg_line(text);
  } else {
    history_line(text);
  }
}

// "2025-06-24 14:36:25 upgrade libudev1:amd64 252.36-1~deb12u1 252.38-1~deb12u1"
void PatchLogScanner::dpkg_line(std::string_view text) {
  if (text.size() < 20) return;
  auto t = parse_civil_time(text.substr(0, 19));
  if (!t || text[19] != ' ') return;
  std::string_view action = text.substr(20);
  action = action.substr(0, action.find(' '));
  if (action == "upgrade") {
    keep_latest(last_upgrade_, *t);
    keep_latest(last_change_, *t);
  } else if (action == "install" || action == "remove" || action == "purge") {
    keep_latest(last_change_, *t);
  }
}

// Entries: "Start-Date: 2025-06-24  14:36:25", "Upgrade: ...", "Install: ...", "End-Date: ...".
void PatchLogScanner::history_line(std::string_view text) {
  if (starts_with(text, "Start-Date:")) {
    std::string_view value = text.substr(11);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    entry_start_ = parse_civil_time(value);
    return;
  }
  if (!entry_start_) return;
  if (starts_with(text, "Upgrade:")) {
    keep_latest(last_upgrade_, *entry_start_);
    keep_latest(last_change_, *entry_start_);
  } else if (starts_with(text, "Install:") || starts_with(text, "Remove:") ||
             starts_with(text, "Purge:") || starts_with(text, "Downgrade:") ||
             starts_with(text, "Reinstall:")) {
    keep_latest(last_change_, *entry_start_);
  } else if (starts_with(text, "End-Date:")) {
    entry_start_.reset();
  }
}

}  // namespace shouwei::collectors::patches
