// The one place that turns the configuration into the list of collectors, in snapshot order,
// and the compliance evaluator. Platform ports come from the platform libraries.
#pragma once

#include <memory>
#include <vector>

#include "shouwei/agent/config.hpp"
#include "shouwei/agent/policy_store.hpp"
#include "shouwei/agent/snapshot.hpp"
#include "shouwei/agent/state.hpp"
#include "shouwei/collectors/categories/category_db.hpp"
#include "shouwei/collectors/collector.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::agent {

// Owns the ports the collectors read through; lives as long as the collectors.
class CollectorSet {
 public:
  virtual ~CollectorSet() = default;
  virtual SnapshotBuilder& builder() = 0;
  // The category database the browsing lookups read; a policy swaps it (CategoryDbInstaller).
  virtual collectors::categories::CategoryDbHolder& categories() = 0;
  // What the policy in force sets for the collectors, from the next snapshot on: compliance
  // thresholds, prohibited browsing categories and log retention. With the safe defaults
  // (no policy applied) the configuration's values apply. Call on the snapshot thread.
  virtual void apply_policy(const EffectivePolicy& policy) = 0;
};

// Builds every collector the configuration enables. Fails only on configuration errors of a
// family's table (naming the file and key); a collector that cannot read its facts fails later,
// inside its own section.
Result<std::unique_ptr<CollectorSet>> make_collector_set(const AgentConfig& config, AgentState& state,
                                                         const RootFs& root);

}  // namespace shouwei::agent
