// The agent's side of the signed policy: which policy is in force, polling the server for a
// newer one, and the category database it names.
//
//  - Without a pinned key (config policy_public_key) no policy is ever applied: the safe
//    defaults are in force and reported, and poll() does nothing (warned once).
//  - poll() fetches the policy with the ETag of the last envelope offered (persisted, so an
//    unchanged policy costs a 304 even after a restart), offers a new envelope to the
//    PolicyStore (a refusal becomes an event there), and then makes sure the category database
//    of the policy in force is the one in use (CategoryDbInstaller; a failed download or a
//    hash mismatch becomes an event, once per database and reason, and the old one stays).
//  - The device's group comes from enrollment (set_device_group, persisted as state meta
//    "device_group"); the store checks a policy's groups against it.
//
// Not thread-safe: the service's thread owns it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "shouwei/agent/category_db_install.hpp"
#include "shouwei/agent/config.hpp"
#include "shouwei/agent/policy_source.hpp"
#include "shouwei/agent/policy_store.hpp"
#include "shouwei/agent/state.hpp"
#include "shouwei/collectors/categories/category_db.hpp"
#include "shouwei/collectors/collector.hpp"

namespace shouwei::agent {

struct PollOutcome {
  bool applied = false;              // a newer policy is now in force: notify the listeners
  bool reenroll = false;             // the server does not know this device
  std::optional<std::string> error;  // why nothing could be asked or stored this time
};

class PolicyManager {
 public:
  // Loads the pinned key when configured (an unreadable or invalid key file fails, naming it),
  // opens the store, and puts back the category database recorded as in use.
  // REQUIRES: state and holder outlive the manager.
  static Result<std::unique_ptr<PolicyManager>> open(
      const AgentConfig& config, AgentState& state,
      collectors::categories::CategoryDbHolder& holder);

  bool key_pinned() const noexcept { return store_.has_value(); }
  Result<EffectivePolicy> effective(TimePoint now);
  const std::optional<InstalledCategoryDb>& category_db_in_use() const noexcept {
    return installer_.in_use();
  }

  PollOutcome poll(PolicySource& source, TimePoint now);

  // Records the group the server enrolled this device in; a change reopens the store for it
  // and forgets the ETag (the new group's policy must be fetched whole).
  Result<void> set_device_group(const std::string& group);

  // The "policy" snapshot section (docs/snapshot.md), acknowledging events like usb/media.
  // REQUIRES: the manager outlives the collector.
  std::unique_ptr<collectors::Collector> make_collector();

  // For the collector: nullptr without a pinned key.
  PolicyStore* store() noexcept { return store_ ? &*store_ : nullptr; }

 private:
  PolicyManager(AgentState& state, std::optional<PublicKey> pinned,
                collectors::categories::CategoryDbHolder& holder)
      : state_(state), pinned_(std::move(pinned)), installer_(state, holder) {}
  Result<void> open_store(const std::string& group);
  Result<void> ensure_category_db(PolicySource& source, TimePoint now);

  AgentState& state_;
  std::optional<PublicKey> pinned_;
  std::optional<PolicyStore> store_;
  CategoryDbInstaller installer_;
  bool warned_unpinned_ = false;
  // "<sha256> <reason>" of the last category database failure recorded as an event, so a
  // database that keeps failing is reported once, not at every poll.
  std::string last_db_failure_;
  // A database whose download did not match the signed hash (or did not open) is not fetched
  // again until a policy names another one or the agent restarts: the server would most
  // likely serve the same bytes to every PC again.
  std::string refused_sha256_;
};

}  // namespace shouwei::agent
