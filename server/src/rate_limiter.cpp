#include "shouwei/server/rate_limiter.hpp"

namespace shouwei::server {

void FailureLimiter::expire(std::deque<TimePoint>& times, TimePoint now) const {
  while (!times.empty() && now - times.front() >= window_) times.pop_front();
}

bool FailureLimiter::blocked(const std::string& address, TimePoint now) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(address);
  if (it == failures_.end()) return false;
  expire(it->second, now);
  return static_cast<int>(it->second.size()) >= max_failures_;
}

void FailureLimiter::record_failure(const std::string& address, TimePoint now) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = failures_.try_emplace(address);
  if (inserted) {
    order_.push_back(address);
    while (failures_.size() > kMaxTrackedAddresses) {
      failures_.erase(order_.front());
      order_.pop_front();
    }
  }
  expire(it->second, now);
  // Keep at most max_failures_ stamps: enough to decide, and bounded per address.
  if (static_cast<int>(it->second.size()) >= max_failures_) it->second.pop_front();
  it->second.push_back(now);
}

}  // namespace shouwei::server
