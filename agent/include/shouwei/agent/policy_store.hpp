// PolicyStore: the agent's last good policy and the record of refused ones, in the agent's
// SQLite database (migrations component "policy").
//
// offer() verifies an envelope against the pinned key, this device's group and the applied
// version (policy::verify_policy_envelope) and either stores it as the new last good policy or
// records a rejection event. The stored envelope is kept as received and re-verified (signature
// and schema) on every read, so a tampered database row never becomes policy.
//
// Rejection events stay until acknowledge_through() covers them (the pattern of
// UsbEventStore): the caller acknowledges once the snapshot carrying them was accepted. At most
// max_events are kept; later ones are counted as dropped, so a server replaying garbage cannot
// fill the disk and the loss is still reported.
//
// Not thread-safe: one thread uses the store together with its Database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/policy.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/sqlite.hpp"

namespace shouwei::agent {

// Event reasons beyond policy::Rejection: the category database a policy names could not be
// put in use (the policy itself stays applied, the database in use stays).
inline constexpr std::string_view kCategoryDbDownloadFailed = "category_db_download_failed";
inline constexpr std::string_view kCategoryDbHashMismatch = "category_db_hash_mismatch";
inline constexpr std::string_view kCategoryDbInvalid = "category_db_invalid";

struct PolicyRejectionEvent {
  std::int64_t id = 0;
  TimePoint time{};
  std::string reason;  // a policy::Rejection code (to_string) or one of the kCategoryDb* codes
  std::optional<std::int64_t> offered_version;  // as claimed by the envelope, unverified
  std::string message;                          // one line, names the reason
};

struct OfferOutcome {
  bool applied = false;
  std::optional<policy::Rejection> reason;  // set when !applied
  std::string message;                      // set when !applied
};

// The policy in force: the last good one, or the safe defaults when none was ever applied.
struct EffectivePolicy {
  policy::Policy policy;
  bool is_default = true;
  bool expired = false;  // the last good one has expired; it stays in force until replaced
};

class PolicyStore {
 public:
  static constexpr std::size_t kDefaultMaxEvents = 1000;

  // Applies the "policy" migrations. REQUIRES: db outlives the store.
  static Result<PolicyStore> open(sqlite::Database& db, PublicKey pinned, std::string device_group,
                                  std::size_t max_events = kDefaultMaxEvents);

  // The last good policy, nullopt when none was applied. A stored envelope that no longer
  // verifies against the pinned key fails with Errc::corrupt.
  Result<std::optional<policy::Policy>> current();
  // The stored envelope text of current(), for re-distribution or audit.
  Result<std::optional<std::string>> current_envelope();
  Result<EffectivePolicy> effective(TimePoint now);

  // Applies envelope_json when it verifies, else records a rejection event. Only storage
  // failures are errors.
  Result<OfferOutcome> offer(std::string_view envelope_json, TimePoint now);

  // Records an event that is not about the envelope itself (reason: a kCategoryDb* code),
  // under the same cap as the rejections.
  Result<void> record_event(std::string_view reason, std::optional<std::int64_t> offered_version,
                            std::string_view message, TimePoint now);

  // Rejection events not yet acknowledged, oldest first, at most limit of them.
  Result<std::vector<PolicyRejectionEvent>> pending_rejections(std::size_t limit = 100);
  // Deletes events with id <= id and resets the dropped count.
  Result<void> acknowledge_through(std::int64_t id);
  Result<std::int64_t> dropped_count();

 private:
  PolicyStore(sqlite::Database& db, PublicKey pinned, std::string device_group,
              std::size_t max_events)
      : db_(&db),
        pinned_(std::move(pinned)),
        device_group_(std::move(device_group)),
        max_events_(max_events) {}

  sqlite::Database* db_;
  PublicKey pinned_;
  std::string device_group_;
  std::size_t max_events_;
};

}  // namespace shouwei::agent
