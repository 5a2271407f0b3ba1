#include "shouwei/agent/policy_manager.hpp"

#include <spdlog/spdlog.h>

namespace shouwei::agent {

namespace {
constexpr std::string_view kGroupMeta = "device_group";
constexpr std::string_view kEtagMeta = "policy_etag";
}  // namespace

Result<std::unique_ptr<PolicyManager>> PolicyManager::open(
    const AgentConfig& config, AgentState& state,
    collectors::categories::CategoryDbHolder& holder) {
  std::optional<PublicKey> pinned;
  if (config.policy_public_key) {
    SHOUWEI_TRY(auto key, PublicKey::load(*config.policy_public_key));
    pinned.emplace(std::move(key));
  }
  std::unique_ptr<PolicyManager> manager(new PolicyManager(state, std::move(pinned), holder));
  if (manager->pinned_) {
    SHOUWEI_TRY(auto group, state.get_meta(kGroupMeta));
    SHOUWEI_TRY_VOID(manager->open_store(group.value_or("")));
  }
  SHOUWEI_TRY_VOID(manager->installer_.restore());
  return manager;
}

Result<void> PolicyManager::open_store(const std::string& group) {
  store_.reset();
  SHOUWEI_TRY(auto store, PolicyStore::open(state_.db(), *pinned_, group));
  store_.emplace(std::move(store));
  return {};
}

Result<EffectivePolicy> PolicyManager::effective(TimePoint now) {
  if (!store_) return EffectivePolicy{policy::safe_defaults(), true, false};
  return store_->effective(now);
}

Result<void> PolicyManager::set_device_group(const std::string& group) {
  SHOUWEI_TRY(auto known, state_.get_meta(kGroupMeta));
  if (known && *known == group) return {};
  SHOUWEI_TRY_VOID(state_.set_meta(kGroupMeta, group));
  SHOUWEI_TRY_VOID(state_.set_meta(kEtagMeta, ""));
  if (pinned_) SHOUWEI_TRY_VOID(open_store(group));
  return {};
}

PollOutcome PolicyManager::poll(PolicySource& source, TimePoint now) {
  PollOutcome outcome;
  if (!store_) {
    if (!warned_unpinned_) {
      spdlog::warn(
          "no policy_public_key configured: no policy is applied, the safe defaults are "
          "in force");
      warned_unpinned_ = true;
    }
    return outcome;
  }
  auto etag = state_.get_meta(kEtagMeta);
  if (!etag) {
    outcome.error = etag.error().message;
    return outcome;
  }
  PolicyFetch fetch = source.fetch_policy(*etag, now);
  switch (fetch.status) {
    case PolicyFetchStatus::fetched: {
      // The envelope in force fetched whole again (ETag forgotten) is no replay to report.
      auto current = store_->current_envelope();
      if (current && *current == fetch.envelope) {
        (void)state_.set_meta(kEtagMeta, fetch.etag);
        break;
      }
      auto offered = store_->offer(fetch.envelope, now);
      if (!offered) {
        outcome.error = offered.error().message;
        return outcome;  // not stored: the ETag is kept unknown so it is offered again
      }
      if (offered->applied) {
        outcome.applied = true;
        spdlog::info("policy version {} applied",
                     policy::claimed_version(fetch.envelope).value_or(0));
      } else {
        spdlog::warn("policy refused: {}", offered->message);
      }
      // Refused or applied, the same envelope is not worth fetching (or reporting) again.
      if (auto saved = state_.set_meta(kEtagMeta, fetch.etag); !saved)
        outcome.error = saved.error().message;
      break;
    }
    case PolicyFetchStatus::unchanged:
    case PolicyFetchStatus::no_policy:
      break;
    case PolicyFetchStatus::reenroll:
      outcome.reenroll = true;
      outcome.error = "policy: server does not know this device (HTTP " +
                      std::to_string(fetch.http_status) + "): " + fetch.detail;
      return outcome;
    case PolicyFetchStatus::failed:
      outcome.error = "policy poll failed: " + fetch.detail;
      return outcome;
  }
  if (auto db = ensure_category_db(source, now); !db) outcome.error = db.error().message;
  return outcome;
}

Result<void> PolicyManager::ensure_category_db(PolicySource& source, TimePoint now) {
  SHOUWEI_TRY(auto in_force, effective(now));
  const auto& wanted = in_force.policy.category_db;
  if (in_force.is_default || !wanted || installer_.is_in_use(*wanted) ||
      wanted->sha256 == refused_sha256_) {
    return {};
  }
  auto failure = installer_.install(*wanted, source);
  if (!failure) return {};
  spdlog::warn("policy {}: {}", failure->reason, failure->message);
  if (failure->reason != kCategoryDbDownloadFailed) refused_sha256_ = wanted->sha256;
  const std::string key = wanted->sha256 + " " + std::string(failure->reason);
  if (key == last_db_failure_) return {};
  last_db_failure_ = key;
  return store_->record_event(failure->reason, in_force.policy.version,
                              std::string(failure->reason) + ": " + failure->message, now);
}

}  // namespace shouwei::agent
