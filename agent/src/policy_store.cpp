#include "shouwei/agent/policy_store.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "shouwei/os/utf8_path.hpp"

namespace shouwei::agent {
namespace {

// policy_current holds at most one row (the last good envelope, kept as received).
// policy_rejections uses AUTOINCREMENT so ids are never reused: a late acknowledgement cannot
// delete events recorded after the snapshot it acknowledges.
constexpr std::array<std::string_view, 1> kMigrations{
    R"sql(
CREATE TABLE policy_current(
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  version INTEGER NOT NULL,
  envelope TEXT NOT NULL,
  applied_at INTEGER NOT NULL
);
CREATE TABLE policy_rejections(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  reason TEXT NOT NULL,
  offered_version INTEGER,
  message TEXT NOT NULL
);
CREATE TABLE policy_rejection_drops(
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  dropped INTEGER NOT NULL
);
INSERT INTO policy_rejection_drops(singleton, dropped) VALUES(1, 0);
)sql",
};

// Messages quote untrusted text; one event never stores more than this.
constexpr std::size_t kMaxMessageBytes = 512;

bool is_known_reason(std::string_view code) {
  return policy::parse_rejection(code).has_value() || code == kCategoryDbDownloadFailed ||
         code == kCategoryDbHashMismatch || code == kCategoryDbInvalid;
}

}  // namespace

Result<PolicyStore> PolicyStore::open(sqlite::Database& db, PublicKey pinned,
                                      std::string device_group, std::size_t max_events) {
  SHOUWEI_TRY_VOID(db.apply_migrations("policy", kMigrations));
  return PolicyStore(db, std::move(pinned), std::move(device_group), max_events);
}

Result<std::optional<std::string>> PolicyStore::current_envelope() {
  SHOUWEI_TRY(auto query, db_->prepare("SELECT envelope FROM policy_current"));
  SHOUWEI_TRY(bool has_row, query.step());
  if (!has_row) return std::optional<std::string>{};
  return std::optional<std::string>(query.get_text(0));
}

Result<std::optional<policy::Policy>> PolicyStore::current() {
  SHOUWEI_TRY(auto envelope, current_envelope());
  if (!envelope) return std::optional<policy::Policy>{};
  auto verified = policy::verify_policy_signature(*envelope, pinned_);
  if (!verified) {
    return fail(Errc::corrupt, path_to_utf8(db_->path()) + ": stored policy no longer verifies: " +
                                   verified.error().message);
  }
  return std::optional<policy::Policy>(std::move(verified).value());
}

Result<EffectivePolicy> PolicyStore::effective(TimePoint now) {
  SHOUWEI_TRY(auto applied, current());
  EffectivePolicy out;
  if (!applied) {
    out.policy = policy::safe_defaults();
    return out;
  }
  out.expired = applied->expires_at <= now;
  out.is_default = false;
  out.policy = std::move(*applied);
  return out;
}

Result<OfferOutcome> PolicyStore::offer(std::string_view envelope_json, TimePoint now) {
  SHOUWEI_TRY(auto applied, current());
  std::optional<std::int64_t> current_version;
  if (applied) current_version = applied->version;
  auto verified =
      policy::verify_policy_envelope(envelope_json, pinned_, now, current_version, device_group_);
  OfferOutcome outcome;
  if (!verified) {
    const auto reason =
        policy::rejection_of(verified.error()).value_or(policy::Rejection::not_an_envelope);
    SHOUWEI_TRY_VOID(record_event(policy::to_string(reason), policy::claimed_version(envelope_json),
                                  verified.error().message, now));
    outcome.reason = policy::rejection_of(verified.error());
    outcome.message = verified.error().message;
    return outcome;
  }
  SHOUWEI_TRY(auto store,
              db_->prepare("INSERT OR REPLACE INTO policy_current(singleton, version, envelope, "
                           "applied_at) VALUES(1, ?, ?, ?)"));
  store.bind(1, verified->version).bind(2, envelope_json).bind(3, to_unix_seconds(now));
  SHOUWEI_TRY_VOID(store.run());
  outcome.applied = true;
  return outcome;
}

Result<void> PolicyStore::record_event(std::string_view reason,
                                       std::optional<std::int64_t> offered_version,
                                       std::string_view message, TimePoint now) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(*db_));
  SHOUWEI_TRY(auto count, db_->prepare("SELECT count(*) FROM policy_rejections"));
  SHOUWEI_TRY(bool has_row, count.step());
  if (has_row && static_cast<std::uint64_t>(count.get_int64(0)) >= max_events_) {
    SHOUWEI_TRY(auto drop, db_->prepare("UPDATE policy_rejection_drops SET dropped = dropped + 1"));
    SHOUWEI_TRY_VOID(drop.run());
    return tx.commit();
  }
  SHOUWEI_TRY(auto insert, db_->prepare("INSERT INTO policy_rejections(time, reason, "
                                        "offered_version, message) VALUES(?, ?, ?, ?)"));
  insert.bind(1, to_unix_seconds(now)).bind(2, reason);
  if (offered_version) {
    insert.bind(3, *offered_version);
  } else {
    insert.bind(3, nullptr);
  }
  insert.bind(4, message.substr(0, kMaxMessageBytes));
  SHOUWEI_TRY_VOID(insert.run());
  return tx.commit();
}

Result<std::vector<PolicyRejectionEvent>> PolicyStore::pending_rejections(std::size_t limit) {
  SHOUWEI_TRY(auto query, db_->prepare("SELECT id, time, reason, offered_version, message FROM "
                                       "policy_rejections ORDER BY id LIMIT ?"));
  query.bind(1, static_cast<std::int64_t>(
                    std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  std::vector<PolicyRejectionEvent> events;
  while (true) {
    SHOUWEI_TRY(bool has_row, query.step());
    if (!has_row) break;
    PolicyRejectionEvent e;
    e.id = query.get_int64(0);
    e.time = from_unix_seconds(query.get_int64(1));
    e.reason = query.get_text(2);
    if (!is_known_reason(e.reason)) {
      return fail(Errc::corrupt, path_to_utf8(db_->path()) + ": policy_rejections row " +
                                     std::to_string(e.id) + " has an unknown reason");
    }
    if (!query.is_null(3)) e.offered_version = query.get_int64(3);
    e.message = query.get_text(4);
    events.push_back(std::move(e));
  }
  return events;
}

Result<void> PolicyStore::acknowledge_through(std::int64_t id) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(*db_));
  SHOUWEI_TRY(auto remove, db_->prepare("DELETE FROM policy_rejections WHERE id <= ?"));
  remove.bind(1, id);
  SHOUWEI_TRY_VOID(remove.run());
  SHOUWEI_TRY(auto reset, db_->prepare("UPDATE policy_rejection_drops SET dropped = 0"));
  SHOUWEI_TRY_VOID(reset.run());
  return tx.commit();
}

Result<std::int64_t> PolicyStore::dropped_count() {
  SHOUWEI_TRY(auto query, db_->prepare("SELECT dropped FROM policy_rejection_drops"));
  SHOUWEI_TRY(bool has_row, query.step());
  if (!has_row) {
    return fail(Errc::corrupt, path_to_utf8(db_->path()) + ": policy_rejection_drops is empty");
  }
  return query.get_int64(0);
}

}  // namespace shouwei::agent
