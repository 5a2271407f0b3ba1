#include "shouwei/agent/collector_registry.hpp"

#include "shouwei/collectors/inventory/inventory_collector.hpp"
#include "shouwei/collectors/inventory/inventory_source.hpp"

namespace shouwei::agent {

namespace {

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

class DefaultCollectorSet final : public CollectorSet {
 public:
  SnapshotBuilder& builder() override { return *builder_; }

  // Ports first: the collectors hold references into them.
  std::unique_ptr<collectors::InventorySource> inventory_source;
  std::unique_ptr<SnapshotBuilder> builder_;
};

}  // namespace

Result<std::unique_ptr<CollectorSet>> make_collector_set(const AgentConfig& config, AgentState& state,
                                                         const RootFs& root) {
  (void)state;
  auto set = std::make_unique<DefaultCollectorSet>();
  std::vector<std::unique_ptr<collectors::Collector>> list;

  set->inventory_source = collectors::make_inventory_source(root);
  list.push_back(collectors::make_inventory_collector(
      *set->inventory_source, {non_empty(config.asset_tag), non_empty(config.location)}));

  set->builder_ = std::make_unique<SnapshotBuilder>(std::move(list));
  return std::unique_ptr<CollectorSet>(std::move(set));
}

}  // namespace shouwei::agent
