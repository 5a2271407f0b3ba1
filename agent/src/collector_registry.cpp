#include "shouwei/agent/collector_registry.hpp"

#include <spdlog/spdlog.h>

#include "shouwei/collectors/antivirus/antivirus_collector.hpp"
#include "shouwei/collectors/browsing/browsing_collector.hpp"
#include "shouwei/collectors/browsing/category_db_categorizer.hpp"
#include "shouwei/collectors/browsing/config.hpp"
#include "shouwei/collectors/browsing/ports.hpp"
#include "shouwei/collectors/categories/category_db.hpp"
#include "shouwei/collectors/compliance/compliance.hpp"
#include "shouwei/collectors/inventory/inventory_collector.hpp"
#include "shouwei/collectors/media/media_collector.hpp"
#include "shouwei/collectors/media/media_event_store.hpp"
#include "shouwei/collectors/patches/patches_collector.hpp"
#include "shouwei/collectors/patches/windows_patches.hpp"
#include "shouwei/collectors/platform_ports.hpp"
#include "shouwei/collectors/usb/usb_collector.hpp"
#include "shouwei/collectors/usb/usb_event_store.hpp"
#include "shouwei/os/utf8_path.hpp"

namespace shouwei::agent {

namespace {

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

class DefaultCollectorSet final : public CollectorSet {
 public:
  SnapshotBuilder& builder() override { return *snapshot_builder; }
  collectors::categories::CategoryDbHolder& categories() override { return category_holder; }

  void apply_policy(const EffectivePolicy& in_force) override {
    if (in_force.is_default) {
      thresholds = config_thresholds;
      browsing_rules.reset();
      return;
    }
    thresholds = collectors::compliance::thresholds_from_policy(in_force.policy.thresholds);
    browsing_rules = collectors::browsing::BrowsingPolicyRules{
        in_force.policy.prohibited_categories,
        static_cast<int>(in_force.policy.log_retention_days)};
  }

  // Declared before the builder: the collectors hold references into the ports and stores.
  collectors::PlatformPorts ports;
  std::optional<collectors::usb::UsbEventStore> usb_events;
  std::optional<collectors::media::MediaEventStore> media_events;
  collectors::media::MediaRules media_rules;  // safe defaults until a signed policy supplies them
  // Lookups read the database through the holder, so a policy can swap it while they run.
  collectors::categories::CategoryDbHolder category_holder;
  std::unique_ptr<collectors::browsing::CategoryDbCategorizer> categorizer;
  // The configuration's thresholds, and those in use (the policy's while one is applied).
  collectors::compliance::ComplianceThresholds config_thresholds;
  collectors::compliance::ComplianceThresholds thresholds;
  std::optional<collectors::browsing::BrowsingPolicyRules> browsing_rules;
  std::unique_ptr<SnapshotBuilder> snapshot_builder;
};

}  // namespace

Result<std::unique_ptr<CollectorSet>> make_collector_set(const AgentConfig& config,
                                                         AgentState& state, const RootFs& root) {
  // Configuration errors of every family first, before anything is opened.
  SHOUWEI_TRY(auto antivirus_config,
              collectors::antivirus::parse_antivirus_config(config.section("antivirus")));
  SHOUWEI_TRY(auto thresholds,
              collectors::compliance::parse_compliance_config(config.section("compliance")));
  const toml::table* browsing_section = config.section("browsing");
  SHOUWEI_TRY(auto browsing_config, collectors::browsing::parse_browsing_config(browsing_section));
  SHOUWEI_TRY(
      auto category_map,
      collectors::categories::parse_category_map(
          browsing_section ? browsing_section->get_as<toml::table>("category_map") : nullptr));

  auto set = std::make_unique<DefaultCollectorSet>();
  set->ports = collectors::make_platform_ports(root);
  SHOUWEI_TRY(auto usb_events, collectors::usb::UsbEventStore::open(state.db()));
  set->usb_events.emplace(std::move(usb_events));
  SHOUWEI_TRY(auto media_events, collectors::media::MediaEventStore::open(state.db()));
  set->media_events.emplace(std::move(media_events));

  if (browsing_config.categories_file) {
    // A missing or damaged category database does not stop the agent: visits are still logged,
    // uncategorised, and the browsing section says why.
    auto db =
        collectors::categories::CategoryDb::open(path_from_utf8(*browsing_config.categories_file));
    if (db) {
      set->category_holder.store(
          std::make_shared<const collectors::categories::CategoryDb>(std::move(db).value()));
    } else {
      spdlog::error("browsing categories unavailable: {}", db.error().message);
    }
  }
  set->categorizer = std::make_unique<collectors::browsing::CategoryDbCategorizer>(
      set->category_holder, std::move(category_map));

  std::vector<std::unique_ptr<collectors::Collector>> list;
  list.push_back(collectors::make_inventory_collector(
      *set->ports.inventory, {non_empty(config.asset_tag), non_empty(config.location)}));
  if (set->ports.windows_update) {
    list.push_back(
        collectors::make_windows_patches_collector(std::move(set->ports.windows_update)));
  } else {
    list.push_back(collectors::make_patches_collector(std::move(set->ports.packages)));
  }
  list.push_back(collectors::make_antivirus_collector(std::move(set->ports.antivirus),
                                                      std::move(antivirus_config),
                                                      std::move(set->ports.windows_security)));
  list.push_back(collectors::usb::make_usb_collector(*set->ports.usb, *set->usb_events));
  if (set->ports.usb_history) {
    list.push_back(collectors::usb::make_usb_history_collector(*set->ports.usb_history));
  }
  SHOUWEI_TRY(auto browsing,
              collectors::browsing::make_browsing_collector(
                  {collectors::browsing::make_platform_profile_source(),
                   collectors::browsing::make_platform_history_copier(config.state_dir / "tmp")},
                  state.db(), *set->categorizer, std::move(browsing_config), &set->browsing_rules));
  list.push_back(std::move(browsing));
  list.push_back(collectors::media::make_media_collector(*set->media_events, set->media_rules));

  set->config_thresholds = thresholds;
  set->thresholds = thresholds;
  auto compliance = [in_use = &set->thresholds](const boost::json::object& payload, TimePoint now) {
    return collectors::compliance::evaluate_compliance(payload, *in_use, now);
  };
  set->snapshot_builder = std::make_unique<SnapshotBuilder>(std::move(list), std::move(compliance));
  return std::unique_ptr<CollectorSet>(std::move(set));
}

}  // namespace shouwei::agent
