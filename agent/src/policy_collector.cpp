// The "policy" snapshot section: the policy in force and the refusal events not yet
// acknowledged (docs/snapshot.md).
#include <boost/json.hpp>

#include "shouwei/agent/policy_manager.hpp"
#include "shouwei/common/utf8.hpp"

namespace shouwei::agent {
namespace json = boost::json;

namespace {

json::value time_or_null(bool is_default, TimePoint t) {
  if (is_default) return nullptr;
  return json::string(format_rfc3339(t));
}

class PolicyCollector final : public collectors::StoredRecordsCollector {
 public:
  explicit PolicyCollector(PolicyManager& manager) : manager_(manager) {}

  std::string_view section() const override { return "policy"; }

  Result<json::object> collect(const collectors::CollectContext& context) override {
    reset_included();
    SHOUWEI_TRY(auto in_force, manager_.effective(context.clock.now()));
    json::object section;
    section["version"] = in_force.policy.version;
    section["is_default"] = in_force.is_default;
    section["expired"] = in_force.expired;
    section["key_pinned"] = manager_.key_pinned();
    section["issued_at"] = time_or_null(in_force.is_default, in_force.policy.issued_at);
    section["expires_at"] = time_or_null(in_force.is_default, in_force.policy.expires_at);
    if (const auto& db = manager_.category_db_in_use()) {
      section["category_db"] = json::object{{"version", db->version}, {"sha256", db->sha256}};
    } else {
      section["category_db"] = nullptr;
    }
    json::array events;
    std::int64_t dropped = 0;
    if (PolicyStore* store = manager_.store()) {
      SHOUWEI_TRY(auto pending, store->pending_rejections());
      SHOUWEI_TRY(dropped, store->dropped_count());
      for (const auto& e : pending) {
        note_included(e.id);
        json::value offered = nullptr;
        if (e.offered_version) offered = *e.offered_version;
        events.push_back(json::object{{"time", format_rfc3339(e.time)},
                                      {"reason", e.reason},
                                      {"offered_version", offered},
                                      {"message", to_valid_utf8(e.message)}});
      }
    }
    section["events"] = std::move(events);
    section["events_dropped"] = dropped;
    return section;
  }

 private:
  Result<void> acknowledge_through(std::int64_t id) override {
    PolicyStore* store = manager_.store();
    if (store == nullptr) return {};
    return store->acknowledge_through(id);
  }

  PolicyManager& manager_;
};

}  // namespace

std::unique_ptr<collectors::Collector> PolicyManager::make_collector() {
  return std::make_unique<PolicyCollector>(*this);
}

}  // namespace shouwei::agent
