#include "shouwei/agent/collector_registry.hpp"

#include "shouwei/collectors/antivirus/antivirus_collector.hpp"
#include "shouwei/collectors/compliance/compliance.hpp"
#include "shouwei/collectors/inventory/inventory_collector.hpp"
#include "shouwei/collectors/patches/patches_collector.hpp"
#include "shouwei/collectors/platform_ports.hpp"
#include "shouwei/collectors/usb/usb_collector.hpp"
#include "shouwei/collectors/usb/usb_event_store.hpp"

namespace shouwei::agent {

namespace {

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

class DefaultCollectorSet final : public CollectorSet {
 public:
  SnapshotBuilder& builder() override { return *snapshot_builder; }

  // Declared before the builder: the collectors hold references into the ports and stores.
  collectors::PlatformPorts ports;
  std::optional<collectors::usb::UsbEventStore> usb_events;
  std::unique_ptr<SnapshotBuilder> snapshot_builder;
};

}  // namespace

Result<std::unique_ptr<CollectorSet>> make_collector_set(const AgentConfig& config, AgentState& state,
                                                         const RootFs& root) {
  // Configuration errors of every family first, before anything is opened.
  SHOUWEI_TRY(auto antivirus_config, collectors::antivirus::parse_antivirus_config(config.section("antivirus")));
  SHOUWEI_TRY(auto thresholds, collectors::compliance::parse_compliance_config(config.section("compliance")));

  auto set = std::make_unique<DefaultCollectorSet>();
  set->ports = collectors::make_platform_ports(root);
  SHOUWEI_TRY(auto usb_events, collectors::usb::UsbEventStore::open(state.db()));
  set->usb_events.emplace(std::move(usb_events));

  std::vector<std::unique_ptr<collectors::Collector>> list;
  list.push_back(collectors::make_inventory_collector(
      *set->ports.inventory, {non_empty(config.asset_tag), non_empty(config.location)}));
  list.push_back(collectors::make_patches_collector(std::move(set->ports.packages)));
  list.push_back(collectors::make_antivirus_collector(std::move(set->ports.antivirus), std::move(antivirus_config)));
  list.push_back(collectors::usb::make_usb_collector(*set->ports.usb, *set->usb_events));

  auto compliance = [thresholds](const boost::json::object& payload, TimePoint now) {
    return collectors::compliance::evaluate_compliance(payload, thresholds, now);
  };
  set->snapshot_builder = std::make_unique<SnapshotBuilder>(std::move(list), std::move(compliance));
  return std::unique_ptr<CollectorSet>(std::move(set));
}

}  // namespace shouwei::agent
