// The agent's cycle: (enroll if needed) -> snapshot -> outbox -> upload everything pending,
// oldest first. `run --once` does one cycle; `run` repeats it every snapshot interval and
// retries uploads with capped exponential backoff and jitter until stopped (SIGTERM/SIGINT, or
// request_stop() from a service manager's thread, e.g. the Windows service control handler).
//
// Policy: the service notifies policy_listeners() at start with the policy in force and after
// each newly applied one. `run` polls the server for a newer policy at start and every
// [server] policy_poll_interval_seconds; `run --once` polls once per cycle, before the
// snapshot when already enrolled (so the snapshot shows the policy just applied), else after
// the enrollment. The service's own listener applies the snapshot interval (the running timer
// is re-armed), the compliance thresholds, browsing categories and log retention.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "shouwei/agent/collector_registry.hpp"
#include "shouwei/agent/outbox.hpp"
#include "shouwei/agent/policy_listeners.hpp"
#include "shouwei/agent/policy_manager.hpp"
#include "shouwei/agent/runtime.hpp"
#include "shouwei/agent/server_link.hpp"

namespace shouwei::agent {

struct DrainReport {
  int acknowledged = 0;
  int rejected = 0;
  std::int64_t remaining = 0;
  std::optional<std::string> last_error;  // why the drain stopped early
};

// Asks the running run_forever() to stop, from any thread: the stop is posted onto its
// io_context, where SIGTERM's handler also runs, so both end the loop the same way (the cycle in
// progress finishes; nothing is cut mid-write). A request made while no run_forever() runs is
// kept, and the next run_forever() returns as soon as it starts (a stop during start-up).
// Thread-safe; not async-signal-safe (signals go through the loop's own signal_set).
void request_stop();

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
  // Until SIGTERM/SIGINT or request_stop(). Returns the exit code (kExitOk when stopped).
  int run_forever();

  // Delay before the next attempt after `failures` consecutive failures: 5 s doubling, capped at
  // 15 min, times a random factor in [0.5, 1] so that ten thousand PCs do not retry in lockstep.
  static std::chrono::milliseconds backoff(int failures);

  // Subscribe before run_once()/run_forever(); see policy_listeners.hpp.
  PolicyListeners& policy_listeners() { return policy_listeners_; }

  // Notifies the listeners with the policy in force (called at start by run_once/run_forever).
  Result<void> announce_policy();
  // Asks the server for a newer policy (no-op without a server, or before enrollment) and
  // notifies the listeners when one was applied. Returns whether it asked.
  bool poll_policy();
  // The snapshot interval in force (the policy's, or the configuration's on safe defaults).
  std::chrono::seconds snapshot_interval() const noexcept { return snapshot_interval_; }

 private:
  AgentService(Runtime& runtime, std::unique_ptr<CollectorSet> collectors, Outbox outbox,
               std::optional<ServerLink> link, std::unique_ptr<PolicyManager> policy)
      : runtime_(runtime),
        collectors_(std::move(collectors)),
        outbox_(std::move(outbox)),
        link_(std::move(link)),
        policy_(std::move(policy)),
        snapshot_interval_(runtime.config.snapshot_interval) {}
  bool enrolled() const;

  Runtime& runtime_;
  std::unique_ptr<CollectorSet> collectors_;
  Outbox outbox_;
  std::optional<ServerLink> link_;
  std::unique_ptr<PolicyManager> policy_;
  boost::json::object last_inventory_;
  PolicyListeners policy_listeners_;
  std::chrono::seconds snapshot_interval_;
  std::optional<std::int64_t> policy_version_;  // of the applied policy; null on safe defaults
  std::function<void(std::chrono::seconds)> on_interval_change_;  // set while run_forever runs
};

}  // namespace shouwei::agent
