// The server's storage, behind one interface so that the embedded SQLite store and the coming
// PostgreSQL store are interchangeable. SQL and its dialect stay inside the implementations.
//
// Thread-safety: every method may be called from any thread; an implementation serializes
// what it must. Each mutating method is atomic: it either happens completely or not at all
// (a crash in the middle leaves no half-written snapshot, device or audit entry).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::server {

enum class Role { viewer, admin };
std::string_view to_string(Role role) noexcept;

struct TokenRecord {
  std::int64_t id = 0;
  Role role = Role::viewer;
  std::optional<TimePoint> revoked_at;
};

struct SecretRecord {
  std::int64_t id = 0;
  std::string group;
  bool one_time = false;
  std::optional<std::string> used_by;  // device_id that consumed a one-time secret
  std::optional<TimePoint> revoked_at;
};

struct NewDevice {
  std::string device_id;  // keyid of the public key
  std::string public_key_pem;
  std::string key_algorithm;
  std::string inventory_json;  // canonical JSON of the inventory the agent sent ("{}" if none)
  std::optional<std::string> hostname;
};

enum class EnrollOutcome {
  enrolled,          // a new device row
  already_enrolled,  // the same key enrolled before; nothing changed
  bad_secret,        // unknown, revoked, or one-time and used by another key
  device_revoked,    // this key belongs to a revoked device
};

struct EnrollResult {
  EnrollOutcome outcome = EnrollOutcome::bad_secret;
  std::string group;  // the device's group when enrolled / already_enrolled
};

struct DeviceRecord {
  std::string device_id;
  std::string group;
  std::string public_key_pem;
  std::string key_algorithm;
  TimePoint enrolled_at;
  std::optional<TimePoint> revoked_at;
};

struct ComplianceCheck {
  std::string id;
  std::string title;
  std::string result;  // pass | fail | unknown
  std::string detail;
};

struct SnapshotEvent {
  std::string source;               // section name (usb, browsing...) or "server"
  std::optional<std::string> type;  // the event's "type" or "kind" when it has one
  std::string detail_json;          // the event object, canonical JSON
};

// A verified, validated snapshot ready to be stored.
struct NewSnapshot {
  std::string device_id;
  std::int64_t seq = 0;
  std::string envelope;        // bytes exactly as received (after gzip decoding)
  std::string payload_sha256;  // hex; identifies "the same snapshot" on retries
  TimePoint taken_at;
  TimePoint received_at;
  std::string zone;
  std::optional<std::string> hostname;
  std::optional<std::int64_t> policy_version;  // the policy the agent applied (0: defaults)
  std::string compliance;  // overall: fail if any check fails, else unknown if any, else pass
  std::vector<ComplianceCheck> checks;
  std::vector<SnapshotEvent> events;
};

enum class IngestOutcome { stored, duplicate, seq_conflict };

struct IngestResult {
  IngestOutcome outcome = IngestOutcome::stored;
  std::int64_t snapshot_id = 0;  // for stored and duplicate
};

struct EndpointFilter {
  std::optional<std::string> zone;
  std::optional<std::string> group;
  std::optional<TimePoint> seen_after;         // last_seen >= it
  std::optional<TimePoint> seen_before;        // last_seen < it, or never seen
  std::optional<std::int64_t> policy_version;  // the last snapshot reported this version
};

struct EndpointRecord {
  DeviceRecord device;
  std::optional<std::string> hostname;
  std::optional<std::string> zone;
  std::optional<TimePoint> last_seen;
  std::optional<std::int64_t> last_seq;
  std::optional<TimePoint> last_taken_at;
  std::optional<std::int64_t> last_snapshot_id;
  std::string reported_compliance = "unknown";
  std::optional<std::int64_t> policy_version;  // from the last snapshot; null when not reported
};

struct SnapshotSummary {
  std::int64_t snapshot_id = 0;
  std::int64_t seq = 0;
  TimePoint taken_at;
  TimePoint received_at;
  std::string zone;
  std::string compliance;
};

struct EventRecord {
  std::int64_t id = 0;
  std::string device_id;
  std::optional<std::int64_t> snapshot_id;
  TimePoint received_at;
  SnapshotEvent event;
};

struct AuditEntry {
  std::int64_t id = 0;
  TimePoint at;
  std::string actor;  // "token:<id>" or "cli"
  // "token.create", "secret.create", "secret.revoke", "device.revoke", "policy.push",
  // "categories.upload"
  std::string action;
  std::string target;
  std::string detail;
};

// A signed policy envelope as an administrator pushed it, addressed to one group ("*" is the
// group of the default policy).
struct PolicyRecord {
  std::string group;
  std::int64_t version = 0;
  std::string envelope;  // bytes exactly as pushed
  std::string sha256;    // hex SHA-256 of envelope (the ETag)
  TimePoint pushed_at;
};

struct NewPolicy {
  std::vector<std::string> groups;  // one row per group; "*" stands for every group
  std::int64_t version = 0;
  std::string envelope;
  std::string sha256;
  TimePoint pushed_at;
};

enum class PolicyPushOutcome { stored, not_newer };

struct PolicyPushResult {
  PolicyPushOutcome outcome = PolicyPushOutcome::stored;
  // not_newer: a stored policy that devices of the target groups may already have applied,
  // whose version the pushed one does not exceed.
  std::string blocking_group;
  std::int64_t blocking_version = 0;
};

// A category database uploaded to the server; the file itself is kept by the API next to the
// database (content-addressed), the store only numbers and lists them.
struct CategoryDbRecord {
  std::string sha256;        // hex SHA-256 of the file
  std::int64_t version = 0;  // 1 for the first upload, then increasing
  std::int64_t bytes = 0;
  TimePoint uploaded_at;
};

class Store {
 public:
  virtual ~Store() = default;

  // Cheap round trip to the database, for /healthz.
  virtual Result<void> ping() = 0;

  // Console tokens and enrollment secrets are looked up by the SHA-256 (hex) of their text;
  // the text itself is never stored. Each create also appends `audit` atomically with it.
  virtual Result<std::int64_t> create_token(const std::string& token_hash, Role role, TimePoint at,
                                            const AuditEntry& audit) = 0;
  virtual Result<std::optional<TokenRecord>> find_token(const std::string& token_hash) = 0;
  virtual Result<std::int64_t> create_secret(const std::string& secret_hash,
                                             const std::string& group, bool one_time, TimePoint at,
                                             const AuditEntry& audit) = 0;
  // false when no such secret exists.
  virtual Result<bool> revoke_secret(std::int64_t secret_id, TimePoint at,
                                     const AuditEntry& audit) = 0;

  // Atomically: checks the secret, and enrolls the device unless its key is already enrolled
  // (then nothing changes). A one-time secret is consumed by the first key enrolled with it and
  // stays valid for that key only.
  virtual Result<EnrollResult> enroll(const std::string& secret_hash, const NewDevice& device,
                                      TimePoint at) = 0;
  virtual Result<std::optional<DeviceRecord>> find_device(const std::string& device_id) = 0;
  // false when no such device exists. Revoking twice keeps the first time.
  virtual Result<bool> revoke_device(const std::string& device_id, TimePoint at,
                                     const AuditEntry& audit) = 0;

  // Atomically applies the per-device seq rule: a seq above every stored one is stored; a seq
  // already stored with the same payload_sha256 is a duplicate (nothing written); anything
  // else is a seq_conflict (nothing written).
  virtual Result<IngestResult> store_snapshot(const NewSnapshot& snapshot) = 0;

  // Called exactly once with the outcome of store_snapshot_async, on an unspecified thread,
  // only once that outcome is durable (a stored snapshot is on disk). Must not block: it runs
  // on the store's writer, where it delays every later snapshot.
  using IngestCallback = std::function<void(Result<IngestResult>)>;
  // store_snapshot without blocking the caller while the snapshot is written, so that a few
  // threads can keep many uploads in flight and the store can commit them together. The
  // default runs store_snapshot on the caller's thread, then `done`.
  virtual void store_snapshot_async(NewSnapshot snapshot, IngestCallback done) {
    done(store_snapshot(snapshot));
  }

  virtual Result<std::vector<EndpointRecord>> list_endpoints(const EndpointFilter& filter) = 0;
  virtual Result<std::optional<EndpointRecord>> get_endpoint(const std::string& device_id) = 0;
  // The checks of a snapshot, in the order the agent sent them.
  virtual Result<std::vector<ComplianceCheck>> snapshot_checks(std::int64_t snapshot_id) = 0;
  // Newest first.
  virtual Result<std::vector<SnapshotSummary>> list_snapshots(const std::string& device_id,
                                                              int limit) = 0;
  // The envelope bytes exactly as received.
  virtual Result<std::optional<std::string>> get_envelope(std::int64_t snapshot_id) = 0;
  // Oldest first, received_at >= since.
  virtual Result<std::vector<EventRecord>> list_events(TimePoint since, int limit) = 0;

  // Atomically: refuses (not_newer, nothing written) unless policy.version exceeds the version
  // of every stored policy a device of the target groups may have applied: those of the same
  // groups and of "*", and, when "*" is a target, those of every group (agents refuse a
  // version not above the one they applied, so such a push could never take effect). Else
  // writes one row per group and appends `audit`.
  virtual Result<PolicyPushResult> store_policy(const NewPolicy& policy,
                                                const AuditEntry& audit) = 0;
  // The highest-version policy stored under exactly this group name ("*" included); nullopt
  // when there is none.
  virtual Result<std::optional<PolicyRecord>> latest_policy(const std::string& group) = 0;

  // Numbers an uploaded category database: a new sha256 gets 1 + the highest version so far
  // and `audit` is appended, atomically; a known sha256 returns its existing record unchanged.
  virtual Result<CategoryDbRecord> record_category_db(const std::string& sha256, std::int64_t bytes,
                                                      TimePoint at, const AuditEntry& audit) = 0;
  virtual Result<std::optional<CategoryDbRecord>> find_category_db(const std::string& sha256) = 0;

  virtual Result<void> append_audit(const AuditEntry& entry) = 0;
  // Newest first.
  virtual Result<std::vector<AuditEntry>> list_audit(int limit) = 0;
};

// The embedded store: one SQLite file in WAL mode, schema migrations under component "server".
// Safe to open the same file from the running server and from the command line at once.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& path);

// The PostgreSQL store (libpq): conninfo is a postgresql:// URI or a libpq "key=value" string.
// Its own schema migrations (component "server" in table shouwei_migrations) run on open,
// serialized across processes. Errc::unavailable when the server cannot be reached; errors
// never repeat conninfo (it may carry a password).
Result<std::unique_ptr<Store>> open_postgresql_store(const std::string& conninfo);
// True for "postgresql://..." and "postgres://..." (the config's `database` then names a
// PostgreSQL database instead of a SQLite file).
bool is_postgresql_url(std::string_view database) noexcept;

}  // namespace shouwei::server
