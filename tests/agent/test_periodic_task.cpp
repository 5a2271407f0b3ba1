// The service's timer logic (PeriodicTask) on a real io_context with a clock the test moves:
// a new snapshot interval takes effect without a restart, re-armed from the last run, and a
// run the new interval has made overdue happens at once. No sleeping.
#include <chrono>
#include <functional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include "shouwei/agent/periodic_task.hpp"

namespace {

using namespace std::chrono_literals;

struct TestClock {
  using duration = std::chrono::milliseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<TestClock>;
  [[maybe_unused]] static constexpr bool is_steady = true;
  static time_point now() noexcept { return current; }
  static inline time_point current{};
};

// The reactor never sleeps waiting for TestClock: whether a timer is due is decided by
// TestClock::now() alone.
struct TestWaitTraits {
  static TestClock::duration to_wait_duration(const TestClock::duration&) {
    return TestClock::duration(0);
  }
  static TestClock::duration to_wait_duration(const TestClock::time_point&) {
    return TestClock::duration(0);
  }
};

using Task = shouwei::agent::PeriodicTask<TestClock, TestWaitTraits>;

// Runs every handler that is ready at TestClock::now().
void settle(boost::asio::io_context& io) {
  int idle = 0;
  while (idle < 3) {
    io.restart();
    idle = io.poll() == 0 ? idle + 1 : 0;
  }
}

std::chrono::seconds at(const TestClock::time_point& t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch());
}

struct TaskFixture {
  boost::asio::io_context io;
  std::vector<std::chrono::seconds> runs;  // times the task ran
  void advance_to(std::chrono::seconds t) {
    TestClock::current = TestClock::time_point(t);
    settle(io);
  }
  TaskFixture() { TestClock::current = TestClock::time_point(1000s); }
  // The task of most cases: note when it ran.
  std::function<void()> record() {
    return [this] { runs.push_back(at(TestClock::now())); };
  }
  void start(Task& task) {
    task.start();
    settle(io);
  }
};

}  // namespace

TEST_CASE_FIXTURE(TaskFixture, "runs at start, then every interval") {
  Task task(io, 300s, record());
  start(task);
  CHECK(runs == std::vector{1000s});
  advance_to(1299s);
  CHECK(runs.size() == 1);
  advance_to(1300s);
  advance_to(1600s);
  CHECK(runs == std::vector{1000s, 1300s, 1600s});
}

TEST_CASE_FIXTURE(TaskFixture, "a new interval is counted from the last run, without a restart") {
  Task task(io, 3600s, record());
  start(task);
  advance_to(1030s);
  task.set_interval(60s);  // a policy shortens the interval
  advance_to(1059s);
  CHECK(runs.size() == 1);
  advance_to(1060s);
  advance_to(1120s);
  CHECK(runs == std::vector{1000s, 1060s, 1120s});

  task.set_interval(600s);  // and lengthens it: nothing runs early
  advance_to(1180s);
  advance_to(1719s);
  CHECK(runs.size() == 3);
  advance_to(1720s);
  CHECK(runs.back() == 1720s);

  advance_to(2000s);
  task.set_interval(120s);  // 1720 + 120 has passed: runs at once
  settle(io);
  CHECK(runs.back() == 2000s);
  advance_to(2119s);
  CHECK(runs.size() == 5);
  advance_to(2120s);
  CHECK(runs.size() == 6);
}

TEST_CASE_FIXTURE(TaskFixture,
                  "the task itself may change the interval (a policy applied during a cycle)") {
  Task* self = nullptr;
  Task task(io, 900s, [&] {
    runs.push_back(at(TestClock::now()));
    if (runs.size() == 1) self->set_interval(60s);
  });
  self = &task;
  start(task);
  CHECK(task.interval() == 60s);
  advance_to(1060s);
  advance_to(1120s);
  CHECK(runs == std::vector{1000s, 1060s, 1120s});
}

TEST_CASE_FIXTURE(TaskFixture, "run_now runs at once and the next run is one interval later") {
  Task task(io, 300s, record());
  start(task);
  advance_to(1100s);
  task.run_now();
  settle(io);
  advance_to(1399s);
  CHECK(runs == std::vector{1000s, 1100s});
  advance_to(1400s);
  CHECK(runs.back() == 1400s);
}
