// Time is injected: code asks a Clock, so tests can pin "now" and the server can judge an
// agent's clock against its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shouwei {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint t) : t_(t) {}
  TimePoint now() const override { return t_; }
  void set(TimePoint t) { t_ = t; }

 private:
  TimePoint t_;
};

// "2026-11-21T08:30:00Z" (UTC, second precision), the form every timestamp we emit takes.
std::string format_rfc3339(TimePoint t);
inline constexpr int kMinRfc3339Year = 1700;
inline constexpr int kMaxRfc3339Year = 2200;

// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)" with a year in
// [kMinRfc3339Year, kMaxRfc3339Year]; nullopt on anything else.
std::optional<TimePoint> parse_rfc3339(std::string_view text);
// Seconds since the Unix epoch, for storage.
inline std::int64_t to_unix_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline TimePoint from_unix_seconds(std::int64_t s) { return TimePoint(std::chrono::seconds(s)); }

}  // namespace shouwei
