#include "shouwei/agent/collector_registry.hpp"

namespace shouwei::agent {

namespace {
class DefaultCollectorSet final : public CollectorSet {
 public:
  SnapshotBuilder& builder() override { return *builder_; }
  std::unique_ptr<SnapshotBuilder> builder_;
};
}  // namespace

Result<std::unique_ptr<CollectorSet>> make_collector_set(const AgentConfig& config, AgentState& state,
                                                         const RootFs& root) {
  (void)config;
  (void)state;
  (void)root;
  auto set = std::make_unique<DefaultCollectorSet>();
  std::vector<std::unique_ptr<collectors::Collector>> list;
  set->builder_ = std::make_unique<SnapshotBuilder>(std::move(list));
  return std::unique_ptr<CollectorSet>(std::move(set));
}

}  // namespace shouwei::agent
