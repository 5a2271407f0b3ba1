// A task run on an io_context now and then every `interval`, where the interval may change
// while it runs (a new policy's snapshot interval): the next run is re-armed one new interval
// after the last run started, or runs at once when that moment has passed already. So a
// shorter interval takes effect without waiting out the old one, and a longer one without
// running early.
//
// The clock is a template parameter so the timer logic is tested with a clock the test moves
// (no sleeping); the agent uses std::chrono::steady_clock. All calls on the io_context's thread.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <utility>

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>

namespace shouwei::agent {

template <typename Clock, typename WaitTraits = boost::asio::wait_traits<Clock>>
class PeriodicTask {
 public:
  // REQUIRES: io outlives the task; task does not destroy this object.
  PeriodicTask(boost::asio::io_context& io, std::chrono::seconds interval,
               std::function<void()> task)
      : timer_(io), interval_(interval), task_(std::move(task)) {}

  // Runs the task now (from the io_context), then every interval.
  void start() { run_now(); }

  // Runs the task as soon as the io_context gets to it (e.g. an event that needs reporting at
  // once); the next run is then one interval after this one.
  void run_now() {
    timer_.expires_at(Clock::now());
    arm();
  }

  // Takes effect for the run after the current one (see the header comment).
  void set_interval(std::chrono::seconds interval) {
    if (interval == interval_) return;
    interval_ = interval;
    if (last_start_) {
      timer_.expires_at(*last_start_ + interval_);  // cancels the pending wait
      arm();
    }
  }

  std::chrono::seconds interval() const noexcept { return interval_; }
  // When the next run is due; meaningful after start().
  typename Clock::time_point due() const { return timer_.expiry(); }

 private:
  void arm() {
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: re-armed by set_interval, or stopping
      last_start_ = Clock::now();
      task_();
      timer_.expires_at(*last_start_ + interval_);
      arm();
    });
  }

  boost::asio::basic_waitable_timer<Clock, WaitTraits> timer_;
  std::chrono::seconds interval_;
  std::function<void()> task_;
  std::optional<typename Clock::time_point> last_start_;
};

}  // namespace shouwei::agent
