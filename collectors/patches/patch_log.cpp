#include "shouwei/collectors/patches/patch_log.hpp"

#include <chrono>
#include <string>

#include "shouwei/common/clock.hpp"

namespace shouwei::collectors::patches {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<CivilTime> parse_civil_time(std::string_view s) {
  // "YYYY-MM-DD", blanks, "HH:MM:SS": validated by the one RFC 3339 parser, read as if UTC so
  // the fields come back unchanged.
  if (s.size() < 19 || s[10] != ' ') return std::nullopt;
  std::string_view time = s.substr(10);
  while (!time.empty() && time.front() == ' ') time.remove_prefix(1);
  if (time.size() != 8) return std::nullopt;
  std::string text = std::string(s.substr(0, 10)) + "T" + std::string(time) + "Z";
  auto parsed = parse_rfc3339(text);
  if (!parsed) return std::nullopt;
  auto secs = std::chrono::floor<std::chrono::seconds>(*parsed);
  auto day = std::chrono::floor<std::chrono::days>(secs);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{secs - day};
  return CivilTime{
      int(ymd.year()),          int(unsigned(ymd.month())), int(unsigned(ymd.day())),
      int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count())};
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
