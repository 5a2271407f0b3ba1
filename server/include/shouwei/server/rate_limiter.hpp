// Counts failed attempts per source address in a sliding window, so that guessing enrollment
// secrets from one address is slowed to enroll_max_failures per window. Memory is bounded:
// at most kMaxTrackedAddresses addresses are tracked; past that the oldest are forgotten
// first (an attacker with that many addresses is beyond what a per-address limit can stop).
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "shouwei/common/clock.hpp"

namespace shouwei::server {

class FailureLimiter {
 public:
  static constexpr std::size_t kMaxTrackedAddresses = 100000;

  FailureLimiter(int max_failures, std::chrono::seconds window)
      : max_failures_(max_failures), window_(window) {}

  // True when `address` has max_failures or more failures within the window before `now`.
  bool blocked(const std::string& address, TimePoint now);
  void record_failure(const std::string& address, TimePoint now);

 private:
  void expire(std::deque<TimePoint>& times, TimePoint now) const;

  int max_failures_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::map<std::string, std::deque<TimePoint>, std::less<>> failures_;
  std::deque<std::string> order_;  // addresses in first-seen order, for eviction
};

}  // namespace shouwei::server
