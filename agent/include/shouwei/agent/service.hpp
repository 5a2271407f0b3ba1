// The agent's cycle: (enroll if needed) -> snapshot -> outbox -> upload everything pending,
// oldest first. `run --once` does one cycle; `run` repeats it every snapshot interval and
// retries uploads with capped exponential backoff and jitter until stopped (SIGTERM/SIGINT).
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "shouwei/agent/collector_registry.hpp"
#include "shouwei/agent/outbox.hpp"
#include "shouwei/agent/policy_listeners.hpp"
#include "shouwei/agent/runtime.hpp"
#include "shouwei/agent/server_link.hpp"

namespace shouwei::agent {

struct DrainReport {
  int acknowledged = 0;
  int rejected = 0;
  std::int64_t remaining = 0;
  std::optional<std::string> last_error;  // why the drain stopped early
};

class AgentService {
 public:
  // REQUIRES: runtime outlives the service.
  static Result<std::unique_ptr<AgentService>> create(Runtime& runtime);

  // Enrolls with the server when not enrolled yet (no-op without a server URL).
  Result<void> ensure_enrolled(const boost::json::object& inventory);
  // Takes a snapshot and queues it. Returns its seq.
  Result<std::int64_t> take_snapshot();
  // Uploads queued snapshots oldest first until the outbox is empty or the server fails.
  DrainReport drain();

  // One cycle; exit code kExitPending when anything is left unsent.
  int run_once();
  // Until SIGTERM/SIGINT. Returns the exit code.
  int run_forever();

  // Delay before the next attempt after `failures` consecutive failures: 5 s doubling, capped at
  // 15 min, times a random factor in [0.5, 1] so that ten thousand PCs do not retry in lockstep.
  static std::chrono::milliseconds backoff(int failures);

  // Subscribe before run_once()/run_forever(); see policy_listeners.hpp.
  PolicyListeners& policy_listeners() { return policy_listeners_; }

 private:
  AgentService(Runtime& runtime, std::unique_ptr<CollectorSet> collectors, Outbox outbox,
               std::optional<ServerLink> link)
      : runtime_(runtime), collectors_(std::move(collectors)), outbox_(std::move(outbox)), link_(std::move(link)) {}

  Runtime& runtime_;
  std::unique_ptr<CollectorSet> collectors_;
  Outbox outbox_;
  std::optional<ServerLink> link_;
  boost::json::object last_inventory_;
  PolicyListeners policy_listeners_;
};

}  // namespace shouwei::agent
