// When the PC was last patched, from dpkg's log (/var/log/dpkg.log*) and apt's history
// (/var/log/apt/history.log*). Both write local wall-clock time; converting it to UTC is the
// port's job (it knows the system's time zone).
#pragma once

#include <compare>
#include <optional>
#include <string_view>

namespace shouwei::collectors::patches {

// A local wall-clock time as written in a log ("2025-06-24 14:36:25").
struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  auto operator<=>(const CivilTime&) const = default;
};

// "YYYY-MM-DD HH:MM:SS" with one or more spaces between date and time; nullopt otherwise or
// when a field is out of range.
std::optional<CivilTime> parse_civil_time(std::string_view text);

enum class PatchLogKind { dpkg, apt_history };

// Feed every line of every log (any order, any file); keeps the latest events seen.
class PatchLogScanner {
 public:
  explicit PatchLogScanner(PatchLogKind kind) : kind_(kind) {}
  void line(std::string_view text);
  // Starts a new file (apt history entries never span files).
  void next_file() { entry_start_.reset(); }

  // The latest package upgrade (dpkg "upgrade" action, apt "Upgrade:" entry).
  const std::optional<CivilTime>& last_upgrade() const noexcept { return last_upgrade_; }
  // The latest install, upgrade, removal or purge of any package.
  const std::optional<CivilTime>& last_change() const noexcept { return last_change_; }

 private:
  void dpkg_line(std::string_view text);
  void history_line(std::string_view text);
  static void keep_latest(std::optional<CivilTime>& slot, const CivilTime& t);

  PatchLogKind kind_;
  std::optional<CivilTime> entry_start_;  // apt history: Start-Date of the current entry
  std::optional<CivilTime> last_upgrade_;
  std::optional<CivilTime> last_change_;
};

}  // namespace shouwei::collectors::patches
