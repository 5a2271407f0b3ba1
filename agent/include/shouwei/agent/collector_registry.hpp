// The one place that turns the configuration into the list of collectors, in snapshot order,
// and the compliance evaluator. Platform ports come from the platform libraries.
#pragma once

#include <memory>
#include <vector>

#include "shouwei/agent/config.hpp"
#include "shouwei/agent/snapshot.hpp"
#include "shouwei/agent/state.hpp"
#include "shouwei/collectors/collector.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::agent {

// Owns the ports the collectors read through; lives as long as the collectors.
class CollectorSet {
 public:
  virtual ~CollectorSet() = default;
  virtual SnapshotBuilder& builder() = 0;
};

// Builds every collector the configuration enables. Fails only on configuration errors of a
// family's table (naming the file and key); a collector that cannot read its facts fails later,
// inside its own section.
Result<std::unique_ptr<CollectorSet>> make_collector_set(const AgentConfig& config, AgentState& state,
                                                         const RootFs& root);

}  // namespace shouwei::agent
