// The PostgreSQL implementation of Store (libpq). One connection, serialized by a mutex like
// the SQLite store; rows that concurrent processes (the server and the command line) could
// race on are locked in the transaction that reads them (SELECT ... FOR UPDATE, LOCK TABLE),
// so each mutating method stays atomic across processes. Times are stored as Unix seconds
// (BIGINT), the same as in SQLite; envelopes as BYTEA, byte for byte.
#include <algorithm>
#include <array>
#include <mutex>

#include "pg_store_db.hpp"
#include "shouwei/server/store.hpp"

namespace shouwei::server {

namespace {

using pg::Connection;
using pg::Params;
using pg::Rows;
using pg::Transaction;

// Schema versions, applied in order; the number applied is kept in shouwei_migrations under
// component "server". Never edit a released entry: append a new one.
constexpr std::array<std::string_view, 1> kMigrations = {
    R"sql(
CREATE TABLE tokens(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'admin')),
  created_at BIGINT NOT NULL,
  revoked_at BIGINT);
CREATE TABLE enroll_secrets(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  grp TEXT NOT NULL,
  one_time BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  used_by TEXT,
  revoked_at BIGINT);
CREATE TABLE devices(
  device_id TEXT PRIMARY KEY,
  grp TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  key_algorithm TEXT NOT NULL,
  inventory TEXT NOT NULL,
  hostname TEXT,
  secret_id BIGINT NOT NULL REFERENCES enroll_secrets(id),
  enrolled_at BIGINT NOT NULL,
  revoked_at BIGINT,
  last_snapshot_id BIGINT,
  last_seq BIGINT,
  last_seen BIGINT,
  last_taken_at BIGINT,
  zone TEXT,
  compliance TEXT NOT NULL DEFAULT 'unknown',
  policy_version BIGINT);
CREATE TABLE snapshots(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  seq BIGINT NOT NULL,
  payload_sha256 TEXT NOT NULL,
  envelope BYTEA NOT NULL,
  taken_at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  zone TEXT NOT NULL,
  compliance TEXT NOT NULL,
  UNIQUE(device_id, seq));
CREATE TABLE compliance_results(
  snapshot_id BIGINT NOT NULL REFERENCES snapshots(id),
  ord BIGINT NOT NULL,
  check_id TEXT NOT NULL,
  title TEXT NOT NULL,
  result TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY(snapshot_id, ord));
CREATE TABLE events(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id TEXT NOT NULL,
  snapshot_id BIGINT,
  received_at BIGINT NOT NULL,
  source TEXT NOT NULL,
  type TEXT,
  detail TEXT NOT NULL);
CREATE INDEX events_by_time ON events(received_at);
CREATE TABLE audit_log(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL);
CREATE TABLE policies(
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  grp TEXT NOT NULL,
  version BIGINT NOT NULL,
  envelope BYTEA NOT NULL,
  sha256 TEXT NOT NULL,
  pushed_at BIGINT NOT NULL,
  UNIQUE(grp, version));
CREATE TABLE category_dbs(
  version BIGINT PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  bytes BIGINT NOT NULL,
  uploaded_at BIGINT NOT NULL);
)sql",
};

// Any constant, the same in every process: serializes schema migrations across processes.
constexpr std::int64_t kMigrationLock = 0x73687577'65690001;

std::int64_t unix_seconds(TimePoint t) {
  return static_cast<std::int64_t>(to_unix_seconds(t));
}

std::optional<TimePoint> optional_time(const Rows& r, int row, int column) {
  if (r.is_null(row, column)) return std::nullopt;
  return from_unix_seconds(r.integer(row, column));
}

Params& optional_time_param(Params& p, const std::optional<TimePoint>& t) {
  return t ? p.integer(unix_seconds(*t)) : p.null();
}

Result<void> apply_migrations(Connection& db) {
  SHOUWEI_TRY(auto tx, Transaction::begin(db));
  SHOUWEI_TRY(auto lock,
              db.query("SELECT pg_advisory_xact_lock($1)", Params().integer(kMigrationLock)));
  (void)lock;
  SHOUWEI_TRY(auto table, db.query("CREATE TABLE IF NOT EXISTS shouwei_migrations("
                                   "component TEXT PRIMARY KEY, version BIGINT NOT NULL)"));
  (void)table;
  SHOUWEI_TRY(auto current, db.query("SELECT version FROM shouwei_migrations WHERE component = "
                                     "'server'"));
  const std::int64_t applied = current.size() == 1 ? current.integer(0, 0) : 0;
  if (applied > static_cast<std::int64_t>(kMigrations.size())) {
    return fail(Errc::unsupported, "postgresql: schema version " + std::to_string(applied) +
                                       " is newer than this server knows (" +
                                       std::to_string(kMigrations.size()) + ")");
  }
  for (auto v = static_cast<std::size_t>(applied); v < kMigrations.size(); ++v) {
    SHOUWEI_TRY_VOID(db.exec_script(kMigrations[v]));
  }
  SHOUWEI_TRY(auto set, db.query("INSERT INTO shouwei_migrations(component, version) "
                                 "VALUES('server', $1) ON CONFLICT (component) DO UPDATE SET "
                                 "version = excluded.version",
                                 Params().integer(static_cast<std::int64_t>(kMigrations.size()))));
  (void)set;
  return tx.commit();
}

constexpr std::string_view kDeviceColumns =
    "device_id, grp, public_key_pem, key_algorithm, enrolled_at, revoked_at";
constexpr std::string_view kEndpointColumns =
    "device_id, grp, public_key_pem, key_algorithm, enrolled_at, revoked_at, hostname, zone, "
    "last_seen, last_seq, last_taken_at, last_snapshot_id, compliance, policy_version";

DeviceRecord read_device(const Rows& r, int row) {
  DeviceRecord d;
  d.device_id = r.text(row, 0);
  d.group = r.text(row, 1);
  d.public_key_pem = r.text(row, 2);
  d.key_algorithm = r.text(row, 3);
  d.enrolled_at = from_unix_seconds(r.integer(row, 4));
  d.revoked_at = optional_time(r, row, 5);
  return d;
}

EndpointRecord read_endpoint(const Rows& r, int row) {
  EndpointRecord e;
  e.device = read_device(r, row);
  e.hostname = r.optional_text(row, 6);
  e.zone = r.optional_text(row, 7);
  e.last_seen = optional_time(r, row, 8);
  e.last_seq = r.optional_integer(row, 9);
  e.last_taken_at = optional_time(r, row, 10);
  e.last_snapshot_id = r.optional_integer(row, 11);
  e.reported_compliance = r.text(row, 12);
  e.policy_version = r.optional_integer(row, 13);
  return e;
}

class PgStore final : public Store {
 public:
  explicit PgStore(Connection db) : db_(std::move(db)) {}

  Result<void> ping() override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    SHOUWEI_TRY(auto r, db_.query("SELECT 1"));
    (void)r;
    return {};
  }

  Result<std::int64_t> create_token(const std::string& token_hash, Role role, TimePoint at,
                                    const AuditEntry& audit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    SHOUWEI_TRY(
        auto r,
        db_.query("INSERT INTO tokens(token_hash, role, created_at) "
                  "VALUES($1, $2, $3) RETURNING id",
                  Params().text(token_hash).text(to_string(role)).integer(unix_seconds(at))));
    const std::int64_t id = r.integer(0, 0);
    AuditEntry entry = audit;
    if (entry.target.empty()) entry.target = "token:" + std::to_string(id);
    SHOUWEI_TRY_VOID(insert_audit(entry));
    SHOUWEI_TRY_VOID(tx.commit());
    return id;
  }

  Result<std::optional<TokenRecord>> find_token(const std::string& token_hash) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    SHOUWEI_TRY(auto r, db_.query("SELECT id, role, revoked_at FROM tokens WHERE token_hash = $1",
                                  Params().text(token_hash)));
    if (r.size() == 0) return std::optional<TokenRecord>();
    TokenRecord t;
    t.id = r.integer(0, 0);
    t.role = r.text(0, 1) == "admin" ? Role::admin : Role::viewer;
    t.revoked_at = optional_time(r, 0, 2);
    return std::optional<TokenRecord>(std::move(t));
  }

  Result<std::int64_t> create_secret(const std::string& secret_hash, const std::string& group,
                                     bool one_time, TimePoint at,
                                     const AuditEntry& audit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    SHOUWEI_TRY(auto r, db_.query("INSERT INTO enroll_secrets(secret_hash, grp, one_time, "
                                  "created_at) VALUES($1, $2, $3, $4) RETURNING id",
                                  Params()
                                      .text(secret_hash)
                                      .text(group)
                                      .text(one_time ? "true" : "false")
                                      .integer(unix_seconds(at))));
    const std::int64_t id = r.integer(0, 0);
    AuditEntry entry = audit;
    if (entry.target.empty()) entry.target = "secret:" + std::to_string(id);
    SHOUWEI_TRY_VOID(insert_audit(entry));
    SHOUWEI_TRY_VOID(tx.commit());
    return id;
  }

  Result<bool> revoke_secret(std::int64_t secret_id, TimePoint at,
                             const AuditEntry& audit) override {
    return revoke("UPDATE enroll_secrets SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2",
                  Params().integer(unix_seconds(at)).integer(secret_id), audit);
  }

  Result<EnrollResult> enroll(const std::string& secret_hash, const NewDevice& device,
                              TimePoint at) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    // The secret row stays locked until commit: two enrollments with one one-time secret
    // (from two processes) cannot both consume it.
    SHOUWEI_TRY(auto sec, db_.query("SELECT id, grp, one_time, used_by, revoked_at FROM "
                                    "enroll_secrets WHERE secret_hash = $1 FOR UPDATE",
                                    Params().text(secret_hash)));
    if (sec.size() == 0 || !sec.is_null(0, 4)) return EnrollResult{EnrollOutcome::bad_secret, {}};
    const std::int64_t secret_id = sec.integer(0, 0);
    const std::string group = sec.text(0, 1);
    const bool one_time = sec.text(0, 2) == "t";
    const std::optional<std::string> used_by = sec.optional_text(0, 3);
    if (one_time && used_by && *used_by != device.device_id)
      return EnrollResult{EnrollOutcome::bad_secret, {}};

    SHOUWEI_TRY(auto existing, db_.query("SELECT grp, revoked_at FROM devices WHERE device_id = $1",
                                         Params().text(device.device_id)));
    if (existing.size() == 1) {
      if (!existing.is_null(0, 1)) return EnrollResult{EnrollOutcome::device_revoked, {}};
      return EnrollResult{EnrollOutcome::already_enrolled, existing.text(0, 0)};
    }
    SHOUWEI_TRY(auto ins,
                db_.query("INSERT INTO devices(device_id, grp, public_key_pem, key_algorithm, "
                          "inventory, hostname, secret_id, enrolled_at) "
                          "VALUES($1, $2, $3, $4, $5, $6, $7, $8)",
                          Params()
                              .text(device.device_id)
                              .text(group)
                              .text(device.public_key_pem)
                              .text(device.key_algorithm)
                              .text(device.inventory_json)
                              .optional_text(device.hostname)
                              .integer(secret_id)
                              .integer(unix_seconds(at))));
    (void)ins;
    if (one_time) {
      SHOUWEI_TRY(auto use, db_.query("UPDATE enroll_secrets SET used_by = $1 WHERE id = $2",
                                      Params().text(device.device_id).integer(secret_id)));
      (void)use;
    }
    SHOUWEI_TRY_VOID(tx.commit());
    return EnrollResult{EnrollOutcome::enrolled, group};
  }

  Result<std::optional<DeviceRecord>> find_device(const std::string& device_id) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    SHOUWEI_TRY(auto r, db_.query("SELECT " + std::string(kDeviceColumns) +
                                      " FROM devices WHERE device_id = $1",
                                  Params().text(device_id)));
    if (r.size() == 0) return std::optional<DeviceRecord>();
    return std::optional<DeviceRecord>(read_device(r, 0));
  }

  Result<bool> revoke_device(const std::string& device_id, TimePoint at,
                             const AuditEntry& audit) override {
    return revoke("UPDATE devices SET revoked_at = coalesce(revoked_at, $1) WHERE device_id = $2",
                  Params().integer(unix_seconds(at)).text(device_id), audit);
  }

  // One transaction per snapshot; the device row is locked first, so the seq check and the
  // insert cannot interleave with another writer's for the same device.
  Result<IngestResult> store_snapshot(const NewSnapshot& snap) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    SHOUWEI_TRY(auto dev, db_.query("SELECT 1 FROM devices WHERE device_id = $1 FOR UPDATE",
                                    Params().text(snap.device_id)));
    if (dev.size() == 0) {
      return fail(Errc::not_found,
                  "postgresql: snapshot of device " + snap.device_id + ": no such device");
    }
    SHOUWEI_TRY(auto same, db_.query("SELECT id, payload_sha256 FROM snapshots "
                                     "WHERE device_id = $1 AND seq = $2",
                                     Params().text(snap.device_id).integer(snap.seq)));
    if (same.size() == 1) {
      if (same.text(0, 1) == snap.payload_sha256)
        return IngestResult{IngestOutcome::duplicate, same.integer(0, 0)};
      return IngestResult{IngestOutcome::seq_conflict, 0};
    }
    SHOUWEI_TRY(auto newest, db_.query("SELECT max(seq) FROM snapshots WHERE device_id = $1",
                                       Params().text(snap.device_id)));
    if (!newest.is_null(0, 0) && newest.integer(0, 0) >= snap.seq) {
      return IngestResult{IngestOutcome::seq_conflict, 0};
    }
    const std::int64_t taken = unix_seconds(snap.taken_at);
    const std::int64_t received = unix_seconds(snap.received_at);
    SHOUWEI_TRY(auto ins, db_.query("INSERT INTO snapshots(device_id, seq, payload_sha256, "
                                    "envelope, taken_at, received_at, zone, compliance) "
                                    "VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                                    Params()
                                        .text(snap.device_id)
                                        .integer(snap.seq)
                                        .text(snap.payload_sha256)
                                        .bytes(snap.envelope)
                                        .integer(taken)
                                        .integer(received)
                                        .text(snap.zone)
                                        .text(snap.compliance)));
    const std::int64_t id = ins.integer(0, 0);
    std::int64_t ord = 0;
    for (const auto& c : snap.checks) {
      SHOUWEI_TRY(
          auto r,
          db_.query(
              "INSERT INTO compliance_results(snapshot_id, ord, check_id, "
              "title, result, detail) VALUES($1, $2, $3, $4, $5, $6)",
              Params().integer(id).integer(ord++).text(c.id).text(c.title).text(c.result).text(
                  c.detail)));
      (void)r;
    }
    for (const auto& e : snap.events) {
      SHOUWEI_TRY(auto r, db_.query("INSERT INTO events(device_id, snapshot_id, received_at, "
                                    "source, type, detail) VALUES($1, $2, $3, $4, $5, $6)",
                                    Params()
                                        .text(snap.device_id)
                                        .integer(id)
                                        .integer(received)
                                        .text(e.source)
                                        .optional_text(e.type)
                                        .text(e.detail_json)));
      (void)r;
    }
    SHOUWEI_TRY(auto upd, db_.query("UPDATE devices SET last_snapshot_id = $1, last_seq = $2, "
                                    "last_seen = $3, last_taken_at = $4, zone = $5, "
                                    "compliance = $6, hostname = coalesce($7, hostname), "
                                    "policy_version = $8 WHERE device_id = $9",
                                    Params()
                                        .integer(id)
                                        .integer(snap.seq)
                                        .integer(received)
                                        .integer(taken)
                                        .text(snap.zone)
                                        .text(snap.compliance)
                                        .optional_text(snap.hostname)
                                        .optional_integer(snap.policy_version)
                                        .text(snap.device_id)));
    (void)upd;
    SHOUWEI_TRY_VOID(tx.commit());
    return IngestResult{IngestOutcome::stored, id};
  }

  Result<std::vector<EndpointRecord>> list_endpoints(const EndpointFilter& f) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    Params p;
    p.optional_text(f.zone).optional_text(f.group);
    optional_time_param(p, f.seen_after);
    optional_time_param(p, f.seen_before);
    p.optional_integer(f.policy_version);
    SHOUWEI_TRY(auto r, db_.query("SELECT " + std::string(kEndpointColumns) +
                                      " FROM devices WHERE ($1::text IS NULL OR zone = $1)"
                                      " AND ($2::text IS NULL OR grp = $2)"
                                      " AND ($3::bigint IS NULL OR last_seen >= $3)"
                                      " AND ($4::bigint IS NULL OR last_seen IS NULL OR "
                                      "last_seen < $4)"
                                      " AND ($5::bigint IS NULL OR policy_version = $5)"
                                      " ORDER BY device_id",
                                  p));
    std::vector<EndpointRecord> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(read_endpoint(r, i));
    return out;
  }

  Result<std::optional<EndpointRecord>> get_endpoint(const std::string& device_id) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    SHOUWEI_TRY(auto r, db_.query("SELECT " + std::string(kEndpointColumns) +
                                      " FROM devices WHERE device_id = $1",
                                  Params().text(device_id)));
    if (r.size() == 0) return std::optional<EndpointRecord>();
    return std::optional<EndpointRecord>(read_endpoint(r, 0));
  }

  Result<std::vector<ComplianceCheck>> snapshot_checks(std::int64_t snapshot_id) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    SHOUWEI_TRY(auto r, db_.query("SELECT check_id, title, result, detail FROM "
                                  "compliance_results WHERE snapshot_id = $1 ORDER BY ord",
                                  Params().integer(snapshot_id)));
    std::vector<ComplianceCheck> out;
    for (int i = 0; i < r.size(); ++i)
      out.push_back(ComplianceCheck{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
    return out;
  }

  Result<std::vector<SnapshotSummary>> list_snapshots(const std::string& device_id,
                                                      int limit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    SHOUWEI_TRY(auto r, db_.query("SELECT id, seq, taken_at, received_at, zone, compliance FROM "
                                  "snapshots WHERE device_id = $1 ORDER BY seq DESC LIMIT $2",
                                  Params().text(device_id).integer(std::max(limit, 0))));
    std::vector<SnapshotSummary> out;
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(
          SnapshotSummary{r.integer(i, 0), r.integer(i, 1), from_unix_seconds(r.integer(i, 2)),
                          from_unix_seconds(r.integer(i, 3)), r.text(i, 4), r.text(i, 5)});
    }
    return out;
  }

  Result<std::optional<std::string>> get_envelope(std::int64_t snapshot_id) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    SHOUWEI_TRY(auto r, db_.query("SELECT envelope FROM snapshots WHERE id = $1",
                                  Params().integer(snapshot_id)));
    if (r.size() == 0) return std::optional<std::string>();
    return std::optional<std::string>(r.bytes(0, 0));
  }

  Result<std::vector<EventRecord>> list_events(TimePoint since, int limit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    SHOUWEI_TRY(auto r,
                db_.query("SELECT id, device_id, snapshot_id, received_at, source, type, "
                          "detail FROM events WHERE received_at >= $1 ORDER BY id "
                          "LIMIT $2",
                          Params().integer(unix_seconds(since)).integer(std::max(limit, 0))));
    std::vector<EventRecord> out;
    for (int i = 0; i < r.size(); ++i) {
      EventRecord e;
      e.id = r.integer(i, 0);
      e.device_id = r.text(i, 1);
      e.snapshot_id = r.optional_integer(i, 2);
      e.received_at = from_unix_seconds(r.integer(i, 3));
      e.event = SnapshotEvent{r.text(i, 4), r.optional_text(i, 5), r.text(i, 6)};
      out.push_back(std::move(e));
    }
    return out;
  }

  Result<PolicyPushResult> store_policy(const NewPolicy& p, const AuditEntry& audit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    // Two pushes from two processes must not both pass the version check.
    SHOUWEI_TRY(auto locked, db_.query("LOCK TABLE policies IN EXCLUSIVE MODE"));
    (void)locked;
    const bool to_all = std::find(p.groups.begin(), p.groups.end(), "*") != p.groups.end();
    // The groups whose policies a target device may hold: the targets and "*", or all groups.
    Params groups;
    std::string sql = "SELECT grp, version FROM policies";
    if (!to_all) {
      sql += " WHERE grp = '*'";
      for (std::size_t i = 0; i < p.groups.size(); ++i) {
        sql += " OR grp = $" + std::to_string(i + 1);
        groups.text(p.groups[i]);
      }
    }
    sql += " ORDER BY version DESC, grp LIMIT 1";
    SHOUWEI_TRY(auto newest, db_.query(sql, groups));
    if (newest.size() == 1 && newest.integer(0, 1) >= p.version) {
      return PolicyPushResult{PolicyPushOutcome::not_newer, newest.text(0, 0),
                              newest.integer(0, 1)};
    }
    for (const auto& group : p.groups) {
      SHOUWEI_TRY(auto r, db_.query("INSERT INTO policies(grp, version, envelope, sha256, "
                                    "pushed_at) VALUES($1, $2, $3, $4, $5)",
                                    Params()
                                        .text(group)
                                        .integer(p.version)
                                        .bytes(p.envelope)
                                        .text(p.sha256)
                                        .integer(unix_seconds(p.pushed_at))));
      (void)r;
    }
    SHOUWEI_TRY_VOID(insert_audit(audit));
    SHOUWEI_TRY_VOID(tx.commit());
    return PolicyPushResult{};
  }

  Result<std::optional<PolicyRecord>> latest_policy(const std::string& group) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    SHOUWEI_TRY(auto r, db_.query("SELECT grp, version, envelope, sha256, pushed_at FROM "
                                  "policies WHERE grp = $1 ORDER BY version DESC LIMIT 1",
                                  Params().text(group)));
    if (r.size() == 0) return std::optional<PolicyRecord>();
    return std::optional<PolicyRecord>(PolicyRecord{r.text(0, 0), r.integer(0, 1), r.bytes(0, 2),
                                                    r.text(0, 3),
                                                    from_unix_seconds(r.integer(0, 4))});
  }

  Result<CategoryDbRecord> record_category_db(const std::string& sha256, std::int64_t bytes,
                                              TimePoint at, const AuditEntry& audit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    // Numbering is max + 1: no other process may number a database meanwhile.
    SHOUWEI_TRY(auto locked, db_.query("LOCK TABLE category_dbs IN EXCLUSIVE MODE"));
    (void)locked;
    SHOUWEI_TRY(auto known, find_category_db_locked(sha256));
    if (known) return *known;
    SHOUWEI_TRY(auto ins,
                db_.query("INSERT INTO category_dbs(version, sha256, bytes, "
                          "uploaded_at) SELECT coalesce(max(version), 0) + 1, $1, $2, "
                          "$3 FROM category_dbs",
                          Params().text(sha256).integer(bytes).integer(unix_seconds(at))));
    (void)ins;
    SHOUWEI_TRY(auto stored, find_category_db_locked(sha256));
    if (!stored) return fail(Errc::internal, "category_dbs: inserted row " + sha256 + " not found");
    SHOUWEI_TRY_VOID(insert_audit(audit));
    SHOUWEI_TRY_VOID(tx.commit());
    return *stored;
  }

  Result<std::optional<CategoryDbRecord>> find_category_db(const std::string& sha256) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    return find_category_db_locked(sha256);
  }

  Result<void> append_audit(const AuditEntry& entry) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    return insert_audit(entry);
  }

  Result<std::vector<AuditEntry>> list_audit(int limit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY_VOID(db_.ensure_open());
    SHOUWEI_TRY(auto r, db_.query("SELECT id, at, actor, action, target, detail FROM audit_log "
                                  "ORDER BY id DESC LIMIT $1",
                                  Params().integer(std::max(limit, 0))));
    std::vector<AuditEntry> out;
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(AuditEntry{r.integer(i, 0), from_unix_seconds(r.integer(i, 1)), r.text(i, 2),
                               r.text(i, 3), r.text(i, 4), r.text(i, 5)});
    }
    return out;
  }

 private:
  // An UPDATE of one row's revoked_at plus its audit entry, atomically; false when no row.
  Result<bool> revoke(std::string_view update, const Params& params, const AuditEntry& audit) {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    SHOUWEI_TRY(auto r, db_.query(update, params));
    if (r.affected() == 0) return false;
    SHOUWEI_TRY_VOID(insert_audit(audit));
    SHOUWEI_TRY_VOID(tx.commit());
    return true;
  }

  // REQUIRES: mu_ held.
  Result<std::optional<CategoryDbRecord>> find_category_db_locked(const std::string& sha256) {
    SHOUWEI_TRY(auto r, db_.query("SELECT sha256, version, bytes, uploaded_at FROM category_dbs "
                                  "WHERE sha256 = $1",
                                  Params().text(sha256)));
    if (r.size() == 0) return std::optional<CategoryDbRecord>();
    return std::optional<CategoryDbRecord>(CategoryDbRecord{
        r.text(0, 0), r.integer(0, 1), r.integer(0, 2), from_unix_seconds(r.integer(0, 3))});
  }

  // REQUIRES: mu_ held.
  Result<void> insert_audit(const AuditEntry& e) {
    SHOUWEI_TRY(auto r, db_.query("INSERT INTO audit_log(at, actor, action, target, detail) "
                                  "VALUES($1, $2, $3, $4, $5)",
                                  Params()
                                      .integer(unix_seconds(e.at))
                                      .text(e.actor)
                                      .text(e.action)
                                      .text(e.target)
                                      .text(e.detail)));
    (void)r;
    return {};
  }

  std::mutex mu_;  // guards db_
  Connection db_;
};

}  // namespace

bool is_postgresql_url(std::string_view database) noexcept {
  return database.starts_with("postgresql://") || database.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> open_postgresql_store(const std::string& conninfo) {
  SHOUWEI_TRY(auto db, Connection::open(conninfo));
  SHOUWEI_TRY_VOID(apply_migrations(db));
  return std::unique_ptr<Store>(std::make_unique<PgStore>(std::move(db)));
}

}  // namespace shouwei::server
