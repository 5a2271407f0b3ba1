// The embedded SQLite implementation of Store. One read-write connection, serialized by a
// mutex: SQLite has a single writer anyway, and every write here is a short transaction.
// Snapshots are written by a writer thread of their own (group commit, see
// store_snapshot_async), and the device lookup every upload needs has a read-only connection
// of its own, so that it never waits behind a commit's disk flush (WAL readers do not block on
// the writer).
#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "shouwei/common/sqlite.hpp"
#include "shouwei/server/store.hpp"

namespace shouwei::server {

std::string_view to_string(Role role) noexcept {
  return role == Role::admin ? "admin" : "viewer";
}

namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;

constexpr std::array<std::string_view, 2> kMigrations = {
    R"sql(
CREATE TABLE tokens(
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'admin')),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER);
CREATE TABLE enroll_secrets(
  id INTEGER PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  grp TEXT NOT NULL,
  one_time INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  used_by TEXT,
  revoked_at INTEGER);
CREATE TABLE devices(
  device_id TEXT PRIMARY KEY,
  grp TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  key_algorithm TEXT NOT NULL,
  inventory TEXT NOT NULL,
  hostname TEXT,
  secret_id INTEGER NOT NULL REFERENCES enroll_secrets(id),
  enrolled_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_snapshot_id INTEGER,
  last_seq INTEGER,
  last_seen INTEGER,
  last_taken_at INTEGER,
  zone TEXT,
  compliance TEXT NOT NULL DEFAULT 'unknown');
CREATE TABLE snapshots(
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES devices(device_id),
  seq INTEGER NOT NULL,
  payload_sha256 TEXT NOT NULL,
  envelope BLOB NOT NULL,
  taken_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  zone TEXT NOT NULL,
  compliance TEXT NOT NULL,
  UNIQUE(device_id, seq));
CREATE TABLE compliance_results(
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  ord INTEGER NOT NULL,
  check_id TEXT NOT NULL,
  title TEXT NOT NULL,
  result TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY(snapshot_id, ord));
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  snapshot_id INTEGER,
  received_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  type TEXT,
  detail TEXT NOT NULL);
CREATE INDEX events_by_time ON events(received_at);
CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL);
)sql",
    // Signed policies per group, category databases, and the policy each endpoint applied.
    R"sql(
ALTER TABLE devices ADD COLUMN policy_version INTEGER;
CREATE TABLE policies(
  id INTEGER PRIMARY KEY,
  grp TEXT NOT NULL,
  version INTEGER NOT NULL,
  envelope BLOB NOT NULL,
  sha256 TEXT NOT NULL,
  pushed_at INTEGER NOT NULL,
  UNIQUE(grp, version));
CREATE TABLE category_dbs(
  version INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  bytes INTEGER NOT NULL,
  uploaded_at INTEGER NOT NULL);
)sql",
};

std::optional<TimePoint> optional_time(const Statement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  return from_unix_seconds(s.get_int64(column));
}

void bind_optional_time(Statement& s, int index, const std::optional<TimePoint>& t) {
  if (t) {
    s.bind(index, static_cast<std::int64_t>(to_unix_seconds(*t)));
  } else {
    s.bind(index, nullptr);
  }
}

constexpr std::string_view kEndpointColumns =
    "device_id, grp, public_key_pem, key_algorithm, enrolled_at, revoked_at, hostname, zone, "
    "last_seen, last_seq, last_taken_at, last_snapshot_id, compliance, policy_version";

DeviceRecord read_device(const Statement& s) {
  DeviceRecord d;
  d.device_id = s.get_text(0);
  d.group = s.get_text(1);
  d.public_key_pem = s.get_text(2);
  d.key_algorithm = s.get_text(3);
  d.enrolled_at = from_unix_seconds(s.get_int64(4));
  d.revoked_at = optional_time(s, 5);
  return d;
}

EndpointRecord read_endpoint(const Statement& s) {
  EndpointRecord e;
  e.device = read_device(s);
  e.hostname = s.get_optional_text(6);
  e.zone = s.get_optional_text(7);
  e.last_seen = optional_time(s, 8);
  if (!s.is_null(9)) e.last_seq = s.get_int64(9);
  e.last_taken_at = optional_time(s, 10);
  if (!s.is_null(11)) e.last_snapshot_id = s.get_int64(11);
  e.reported_compliance = s.get_text(12);
  if (!s.is_null(13)) e.policy_version = s.get_int64(13);
  return e;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(Database db, Database reader)
      : db_(std::move(db)), reader_(std::move(reader)), writer_([this] { write_loop(); }) {}

  // Every queued snapshot is written (and its callback called) before the store closes.
  ~SqliteStore() override {
    {
      std::lock_guard lock(queue_mu_);
      closing_ = true;
    }
    queue_cv_.notify_all();
    writer_.join();
  }

  Result<void> ping() override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto s, db_.prepare("SELECT 1"));
    SHOUWEI_TRY(bool row, s.step());
    (void)row;
    return {};
  }

  Result<std::int64_t> create_token(const std::string& token_hash, Role role, TimePoint at,
                                    const AuditEntry& audit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    SHOUWEI_TRY(auto s,
                db_.prepare("INSERT INTO tokens(token_hash, role, created_at) VALUES(?, ?, ?)"));
    s.bind(1, token_hash)
        .bind(2, to_string(role))
        .bind(3, static_cast<std::int64_t>(to_unix_seconds(at)));
    SHOUWEI_TRY_VOID(s.run());
    std::int64_t id = db_.last_insert_rowid();
    AuditEntry entry = audit;
    if (entry.target.empty()) entry.target = "token:" + std::to_string(id);
    SHOUWEI_TRY_VOID(insert_audit(entry));
    SHOUWEI_TRY_VOID(tx.commit());
    return id;
  }

  Result<std::optional<TokenRecord>> find_token(const std::string& token_hash) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto s,
                db_.prepare("SELECT id, role, revoked_at FROM tokens WHERE token_hash = ?"));
    s.bind(1, token_hash);
    SHOUWEI_TRY(bool row, s.step());
    if (!row) return std::optional<TokenRecord>();
    TokenRecord t;
    t.id = s.get_int64(0);
    t.role = s.get_text(1) == "admin" ? Role::admin : Role::viewer;
    t.revoked_at = optional_time(s, 2);
    return std::optional<TokenRecord>(std::move(t));
  }

  Result<std::int64_t> create_secret(const std::string& secret_hash, const std::string& group,
                                     bool one_time, TimePoint at,
                                     const AuditEntry& audit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    SHOUWEI_TRY(auto s, db_.prepare("INSERT INTO enroll_secrets(secret_hash, grp, one_time, "
                                    "created_at) VALUES(?, ?, ?, ?)"));
    s.bind(1, secret_hash).bind(2, group).bind(3, one_time ? 1 : 0);
    s.bind(4, static_cast<std::int64_t>(to_unix_seconds(at)));
    SHOUWEI_TRY_VOID(s.run());
    std::int64_t id = db_.last_insert_rowid();
    AuditEntry entry = audit;
    if (entry.target.empty()) entry.target = "secret:" + std::to_string(id);
    SHOUWEI_TRY_VOID(insert_audit(entry));
    SHOUWEI_TRY_VOID(tx.commit());
    return id;
  }

  Result<bool> revoke_secret(std::int64_t secret_id, TimePoint at,
                             const AuditEntry& audit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    SHOUWEI_TRY(
        auto s,
        db_.prepare("UPDATE enroll_secrets SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?"));
    s.bind(1, static_cast<std::int64_t>(to_unix_seconds(at))).bind(2, secret_id);
    SHOUWEI_TRY_VOID(s.run());
    if (db_.changes() == 0) return false;
    SHOUWEI_TRY_VOID(insert_audit(audit));
    SHOUWEI_TRY_VOID(tx.commit());
    return true;
  }

  Result<EnrollResult> enroll(const std::string& secret_hash, const NewDevice& device,
                              TimePoint at) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    SHOUWEI_TRY(auto sec, db_.prepare("SELECT id, grp, one_time, used_by, revoked_at FROM "
                                      "enroll_secrets WHERE secret_hash = ?"));
    sec.bind(1, secret_hash);
    SHOUWEI_TRY(bool found, sec.step());
    if (!found || !sec.is_null(4)) return EnrollResult{EnrollOutcome::bad_secret, {}};
    std::int64_t secret_id = sec.get_int64(0);
    std::string group = sec.get_text(1);
    bool one_time = sec.get_int64(2) != 0;
    std::optional<std::string> used_by = sec.get_optional_text(3);
    if (one_time && used_by && *used_by != device.device_id)
      return EnrollResult{EnrollOutcome::bad_secret, {}};

    SHOUWEI_TRY(auto existing,
                db_.prepare("SELECT grp, revoked_at FROM devices WHERE device_id = ?"));
    existing.bind(1, device.device_id);
    SHOUWEI_TRY(bool known, existing.step());
    if (known) {
      if (!existing.is_null(1)) return EnrollResult{EnrollOutcome::device_revoked, {}};
      return EnrollResult{EnrollOutcome::already_enrolled, existing.get_text(0)};
    }
    SHOUWEI_TRY(
        auto ins,
        db_.prepare("INSERT INTO devices(device_id, grp, public_key_pem, key_algorithm, inventory, "
                    "hostname, secret_id, enrolled_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
    ins.bind(1, device.device_id).bind(2, group).bind(3, device.public_key_pem);
    ins.bind(4, device.key_algorithm).bind(5, device.inventory_json).bind(6, device.hostname);
    ins.bind(7, secret_id).bind(8, static_cast<std::int64_t>(to_unix_seconds(at)));
    SHOUWEI_TRY_VOID(ins.run());
    if (one_time) {
      SHOUWEI_TRY(auto use, db_.prepare("UPDATE enroll_secrets SET used_by = ? WHERE id = ?"));
      use.bind(1, device.device_id).bind(2, secret_id);
      SHOUWEI_TRY_VOID(use.run());
    }
    SHOUWEI_TRY_VOID(tx.commit());
    return EnrollResult{EnrollOutcome::enrolled, group};
  }

  // On the read connection: every upload asks, and must not wait for the writer's flush.
  Result<std::optional<DeviceRecord>> find_device(const std::string& device_id) override {
    std::lock_guard lock(reader_mu_);
    if (!find_device_) {
      SHOUWEI_TRY(auto stmt,
                  reader_.prepare("SELECT device_id, grp, public_key_pem, key_algorithm, "
                                  "enrolled_at, revoked_at FROM devices WHERE device_id = ?"));
      find_device_.emplace(std::move(stmt));
    }
    Lease s(&*find_device_);
    s->bind(1, device_id);
    SHOUWEI_TRY(bool row, s->step());
    if (!row) return std::optional<DeviceRecord>();
    return std::optional<DeviceRecord>(read_device(*s));
  }

  Result<bool> revoke_device(const std::string& device_id, TimePoint at,
                             const AuditEntry& audit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    SHOUWEI_TRY(
        auto s,
        db_.prepare("UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE device_id = ?"));
    s.bind(1, static_cast<std::int64_t>(to_unix_seconds(at))).bind(2, device_id);
    SHOUWEI_TRY_VOID(s.run());
    if (db_.changes() == 0) return false;
    SHOUWEI_TRY_VOID(insert_audit(audit));
    SHOUWEI_TRY_VOID(tx.commit());
    return true;
  }

  // Group commit: snapshots queue for the writer thread, which applies everything queued (up
  // to kMaxBatch) in one transaction, one disk flush for all of them, and only then calls
  // each callback. While it flushes, the next batch queues up, so the batch grows with the
  // load and a durable answer costs one flush per batch instead of one per snapshot.
  void store_snapshot_async(NewSnapshot snap, IngestCallback done) override {
    bool wake = false;  // only when the writer may wait for exactly this: fewer wake-ups
    {
      std::lock_guard lock(queue_mu_);
      queue_.push_back(PendingWrite{std::move(snap), std::move(done)});
      wake = queue_.size() == 1 || queue_.size() == kMaxBatch;
    }
    if (wake) queue_cv_.notify_one();
  }

  Result<IngestResult> store_snapshot(const NewSnapshot& snap) override {
    std::promise<Result<IngestResult>> outcome;
    auto answer = outcome.get_future();
    store_snapshot_async(snap,
                         [&outcome](Result<IngestResult> r) { outcome.set_value(std::move(r)); });
    return answer.get();
  }

  Result<std::vector<EndpointRecord>> list_endpoints(const EndpointFilter& f) override {
    std::lock_guard lock(mu_);
    std::string sql = "SELECT " + std::string(kEndpointColumns) +
                      " FROM devices WHERE (?1 IS NULL OR zone = ?1) AND (?2 IS NULL OR grp = ?2)"
                      " AND (?3 IS NULL OR last_seen >= ?3)"
                      " AND (?4 IS NULL OR last_seen IS NULL OR last_seen < ?4)"
                      " AND (?5 IS NULL OR policy_version = ?5) ORDER BY device_id";
    SHOUWEI_TRY(auto s, db_.prepare(sql));
    s.bind(1, f.zone).bind(2, f.group);
    if (f.policy_version) {
      s.bind(5, *f.policy_version);
    } else {
      s.bind(5, nullptr);
    }
    bind_optional_time(s, 3, f.seen_after);
    bind_optional_time(s, 4, f.seen_before);
    std::vector<EndpointRecord> out;
    for (;;) {
      SHOUWEI_TRY(bool row, s.step());
      if (!row) break;
      out.push_back(read_endpoint(s));
    }
    return out;
  }

  Result<std::optional<EndpointRecord>> get_endpoint(const std::string& device_id) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto s, db_.prepare("SELECT " + std::string(kEndpointColumns) +
                                    " FROM devices WHERE device_id = ?"));
    s.bind(1, device_id);
    SHOUWEI_TRY(bool row, s.step());
    if (!row) return std::optional<EndpointRecord>();
    return std::optional<EndpointRecord>(read_endpoint(s));
  }

  Result<std::vector<ComplianceCheck>> snapshot_checks(std::int64_t snapshot_id) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto s,
                db_.prepare("SELECT check_id, title, result, detail FROM compliance_results "
                            "WHERE snapshot_id = ? ORDER BY ord"));
    s.bind(1, snapshot_id);
    std::vector<ComplianceCheck> out;
    for (;;) {
      SHOUWEI_TRY(bool row, s.step());
      if (!row) break;
      out.push_back(ComplianceCheck{s.get_text(0), s.get_text(1), s.get_text(2), s.get_text(3)});
    }
    return out;
  }

  Result<std::vector<SnapshotSummary>> list_snapshots(const std::string& device_id,
                                                      int limit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(
        auto s,
        db_.prepare("SELECT id, seq, taken_at, received_at, zone, compliance FROM snapshots "
                    "WHERE device_id = ? ORDER BY seq DESC LIMIT ?"));
    s.bind(1, device_id).bind(2, limit);
    std::vector<SnapshotSummary> out;
    for (;;) {
      SHOUWEI_TRY(bool row, s.step());
      if (!row) break;
      out.push_back(
          SnapshotSummary{s.get_int64(0), s.get_int64(1), from_unix_seconds(s.get_int64(2)),
                          from_unix_seconds(s.get_int64(3)), s.get_text(4), s.get_text(5)});
    }
    return out;
  }

  Result<std::optional<std::string>> get_envelope(std::int64_t snapshot_id) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto s, db_.prepare("SELECT envelope FROM snapshots WHERE id = ?"));
    s.bind(1, snapshot_id);
    SHOUWEI_TRY(bool row, s.step());
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(s.get_text(0));
  }

  Result<std::vector<EventRecord>> list_events(TimePoint since, int limit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto s,
                db_.prepare("SELECT id, device_id, snapshot_id, received_at, source, type, detail "
                            "FROM events WHERE received_at >= ? ORDER BY id LIMIT ?"));
    s.bind(1, static_cast<std::int64_t>(to_unix_seconds(since))).bind(2, limit);
    std::vector<EventRecord> out;
    for (;;) {
      SHOUWEI_TRY(bool row, s.step());
      if (!row) break;
      EventRecord e;
      e.id = s.get_int64(0);
      e.device_id = s.get_text(1);
      if (!s.is_null(2)) e.snapshot_id = s.get_int64(2);
      e.received_at = from_unix_seconds(s.get_int64(3));
      e.event = SnapshotEvent{s.get_text(4), s.get_optional_text(5), s.get_text(6)};
      out.push_back(std::move(e));
    }
    return out;
  }

  Result<PolicyPushResult> store_policy(const NewPolicy& p, const AuditEntry& audit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    const bool to_all = std::find(p.groups.begin(), p.groups.end(), "*") != p.groups.end();
    // The groups whose policies a target device may hold: the targets and "*", or all groups.
    std::string sql = "SELECT grp, version FROM policies";
    if (!to_all) {
      sql += " WHERE grp = '*'";
      for (std::size_t i = 0; i < p.groups.size(); ++i) sql += " OR grp = ?";
    }
    sql += " ORDER BY version DESC, grp LIMIT 1";
    SHOUWEI_TRY(auto newest, db_.prepare(sql));
    if (!to_all) {
      for (std::size_t i = 0; i < p.groups.size(); ++i)
        newest.bind(static_cast<int>(i + 1), p.groups[i]);
    }
    SHOUWEI_TRY(bool any, newest.step());
    if (any && newest.get_int64(1) >= p.version) {
      return PolicyPushResult{PolicyPushOutcome::not_newer, newest.get_text(0),
                              newest.get_int64(1)};
    }
    newest.reset();
    SHOUWEI_TRY(auto ins, db_.prepare("INSERT INTO policies(grp, version, envelope, sha256, "
                                      "pushed_at) VALUES(?, ?, ?, ?, ?)"));
    for (const auto& group : p.groups) {
      ins.bind(1, group).bind(2, p.version).bind_blob(3, p.envelope).bind(4, p.sha256);
      ins.bind(5, static_cast<std::int64_t>(to_unix_seconds(p.pushed_at)));
      SHOUWEI_TRY_VOID(ins.run());
    }
    SHOUWEI_TRY_VOID(insert_audit(audit));
    SHOUWEI_TRY_VOID(tx.commit());
    return PolicyPushResult{};
  }

  Result<std::optional<PolicyRecord>> latest_policy(const std::string& group) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto s, cached("SELECT grp, version, envelope, sha256, pushed_at FROM policies "
                               "WHERE grp = ? ORDER BY version DESC LIMIT 1"));
    s->bind(1, group);
    SHOUWEI_TRY(bool row, s->step());
    if (!row) return std::optional<PolicyRecord>();
    return std::optional<PolicyRecord>(PolicyRecord{s->get_text(0), s->get_int64(1), s->get_text(2),
                                                    s->get_text(3),
                                                    from_unix_seconds(s->get_int64(4))});
  }

  Result<CategoryDbRecord> record_category_db(const std::string& sha256, std::int64_t bytes,
                                              TimePoint at, const AuditEntry& audit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto tx, Transaction::begin(db_));
    SHOUWEI_TRY(auto known, find_category_db_locked(sha256));
    if (known) return *known;
    SHOUWEI_TRY(auto ins, db_.prepare("INSERT INTO category_dbs(version, sha256, bytes, "
                                      "uploaded_at) SELECT coalesce(max(version), 0) + 1, ?, ?, "
                                      "? FROM category_dbs"));
    ins.bind(1, sha256).bind(2, bytes).bind(3, static_cast<std::int64_t>(to_unix_seconds(at)));
    SHOUWEI_TRY_VOID(ins.run());
    SHOUWEI_TRY(auto stored, find_category_db_locked(sha256));
    if (!stored) return fail(Errc::internal, "category_dbs: inserted row " + sha256 + " not found");
    SHOUWEI_TRY_VOID(insert_audit(audit));
    SHOUWEI_TRY_VOID(tx.commit());
    return *stored;
  }

  Result<std::optional<CategoryDbRecord>> find_category_db(const std::string& sha256) override {
    std::lock_guard lock(mu_);
    return find_category_db_locked(sha256);
  }

  Result<void> append_audit(const AuditEntry& entry) override {
    std::lock_guard lock(mu_);
    return insert_audit(entry);
  }

  Result<std::vector<AuditEntry>> list_audit(int limit) override {
    std::lock_guard lock(mu_);
    SHOUWEI_TRY(auto s, db_.prepare("SELECT id, at, actor, action, target, detail FROM audit_log "
                                    "ORDER BY id DESC LIMIT ?"));
    s.bind(1, limit);
    std::vector<AuditEntry> out;
    for (;;) {
      SHOUWEI_TRY(bool row, s.step());
      if (!row) break;
      out.push_back(AuditEntry{s.get_int64(0), from_unix_seconds(s.get_int64(1)), s.get_text(2),
                               s.get_text(3), s.get_text(4), s.get_text(5)});
    }
    return out;
  }

 private:
  struct PendingWrite {
    NewSnapshot snapshot;
    IngestCallback done;
  };
  // Bounds a transaction (and the time the first snapshot of a batch waits for its answer).
  static constexpr std::size_t kMaxBatch = 256;
  static constexpr std::chrono::microseconds kLinger{1000};

  // The writer thread: until the store closes and nothing is left, takes what is queued,
  // writes it, answers.
  void write_loop() {
    std::vector<PendingWrite> batch;
    std::vector<Result<IngestResult>> results;
    for (;;) {
      {
        std::unique_lock lock(queue_mu_);
        queue_cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing, and everything answered
        // A short wait for more: each commit costs a disk flush and rewrites the pages it
        // touched, so under load a fuller batch saves more than the wait costs.
        queue_cv_.wait_for(lock, kLinger,
                           [this] { return closing_ || queue_.size() >= kMaxBatch; });
        const std::size_t n = std::min(queue_.size(), kMaxBatch);
        std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n),
                  std::back_inserter(batch));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      }
      write_batch(batch, results);
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
      batch.clear();
      results.clear();
    }
  }

  // One transaction for the batch; each snapshot under its own savepoint, so a failing one
  // does not take the others down. If the commit fails, every one of them fails.
  void write_batch(const std::vector<PendingWrite>& batch,
                   std::vector<Result<IngestResult>>& results) {
    std::lock_guard lock(mu_);
    auto tx = Transaction::begin(db_);
    if (!tx) {
      for (std::size_t i = 0; i < batch.size(); ++i) results.emplace_back(fail(tx.error()));
      return;
    }
    for (const auto& w : batch) {
      if (auto sp = run_cached("SAVEPOINT snapshot"); !sp) {
        results.emplace_back(fail(std::move(sp).error()));
        continue;
      }
      results.push_back(apply_snapshot(w.snapshot));
      if (!results.back().ok()) (void)run_cached("ROLLBACK TO snapshot");
      (void)run_cached("RELEASE snapshot");
    }
    if (auto r = tx->commit(); !r) {
      for (auto& result : results) result = fail(r.error());
    }
  }

  // REQUIRES: mu_ held, inside a transaction. Applies the seq rule and writes the snapshot.
  Result<IngestResult> apply_snapshot(const NewSnapshot& snap) {
    SHOUWEI_TRY(auto same,
                cached("SELECT id, payload_sha256 FROM snapshots WHERE device_id = ? AND seq = ?"));
    same->bind(1, snap.device_id).bind(2, snap.seq);
    SHOUWEI_TRY(bool used, same->step());
    if (used) {
      if (same->get_text(1) == snap.payload_sha256)
        return IngestResult{IngestOutcome::duplicate, same->get_int64(0)};
      return IngestResult{IngestOutcome::seq_conflict, 0};
    }
    SHOUWEI_TRY(auto newest, cached("SELECT max(seq) FROM snapshots WHERE device_id = ?"));
    newest->bind(1, snap.device_id);
    SHOUWEI_TRY(bool any, newest->step());
    if (any && !newest->is_null(0) && newest->get_int64(0) >= snap.seq) {
      return IngestResult{IngestOutcome::seq_conflict, 0};
    }
    const auto taken = static_cast<std::int64_t>(to_unix_seconds(snap.taken_at));
    const auto received = static_cast<std::int64_t>(to_unix_seconds(snap.received_at));
    SHOUWEI_TRY(auto ins,
                cached("INSERT INTO snapshots(device_id, seq, payload_sha256, envelope, taken_at, "
                       "received_at, zone, compliance) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
    ins->bind(1, snap.device_id)
        .bind(2, snap.seq)
        .bind(3, snap.payload_sha256)
        .bind_blob(4, snap.envelope);
    ins->bind(5, taken).bind(6, received).bind(7, snap.zone).bind(8, snap.compliance);
    SHOUWEI_TRY_VOID(ins->run());
    const std::int64_t id = db_.last_insert_rowid();

    SHOUWEI_TRY(
        auto chk,
        cached("INSERT INTO compliance_results(snapshot_id, ord, check_id, title, result, detail) "
               "VALUES(?, ?, ?, ?, ?, ?)"));
    std::int64_t ord = 0;
    for (const auto& c : snap.checks) {
      chk->bind(1, id)
          .bind(2, ord++)
          .bind(3, c.id)
          .bind(4, c.title)
          .bind(5, c.result)
          .bind(6, c.detail);
      SHOUWEI_TRY_VOID(chk->run());
    }
    SHOUWEI_TRY(
        auto ev,
        cached("INSERT INTO events(device_id, snapshot_id, received_at, source, type, detail) "
               "VALUES(?, ?, ?, ?, ?, ?)"));
    for (const auto& e : snap.events) {
      ev->bind(1, snap.device_id).bind(2, id).bind(3, received).bind(4, e.source).bind(5, e.type);
      ev->bind(6, e.detail_json);
      SHOUWEI_TRY_VOID(ev->run());
    }
    SHOUWEI_TRY(
        auto dev,
        cached("UPDATE devices SET last_snapshot_id = ?, last_seq = ?, last_seen = ?, "
               "last_taken_at = ?, zone = ?, compliance = ?, hostname = coalesce(?, hostname), "
               "policy_version = ? WHERE device_id = ?"));
    dev->bind(1, id).bind(2, snap.seq).bind(3, received).bind(4, taken).bind(5, snap.zone);
    dev->bind(6, snap.compliance).bind(7, snap.hostname);
    if (snap.policy_version) {
      dev->bind(8, *snap.policy_version);
    } else {
      dev->bind(8, nullptr);
    }
    dev->bind(9, snap.device_id);
    SHOUWEI_TRY_VOID(dev->run());
    return IngestResult{IngestOutcome::stored, id};
  }

  // A cached prepared statement, reset (bindings cleared) when the lease ends so that no read
  // transaction stays open. REQUIRES: mu_ held for the lease's lifetime.
  class Lease {
   public:
    explicit Lease(Statement* s) : s_(s) {}
    Lease(Lease&& other) noexcept : s_(std::exchange(other.s_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (s_ != nullptr) s_->reset();
    }
    Statement& operator*() const { return *s_; }
    Statement* operator->() const { return s_; }

   private:
    Statement* s_;
  };

  // REQUIRES: mu_ held. The hot paths (ingest) reuse their statements instead of compiling
  // the SQL again for every snapshot.
  Result<Lease> cached(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      SHOUWEI_TRY(auto stmt, db_.prepare(sql));
      it = statements_.emplace(std::string(sql), std::move(stmt)).first;
    }
    return Lease(&it->second);
  }

  // REQUIRES: mu_ held. Runs a cached statement that takes no parameters.
  Result<void> run_cached(std::string_view sql) {
    SHOUWEI_TRY(auto s, cached(sql));
    return s->run();
  }

  // REQUIRES: mu_ held.
  Result<std::optional<CategoryDbRecord>> find_category_db_locked(const std::string& sha256) {
    SHOUWEI_TRY(auto s, db_.prepare("SELECT sha256, version, bytes, uploaded_at FROM category_dbs "
                                    "WHERE sha256 = ?"));
    s.bind(1, sha256);
    SHOUWEI_TRY(bool row, s.step());
    if (!row) return std::optional<CategoryDbRecord>();
    return std::optional<CategoryDbRecord>(CategoryDbRecord{
        s.get_text(0), s.get_int64(1), s.get_int64(2), from_unix_seconds(s.get_int64(3))});
  }

  // REQUIRES: mu_ held.
  Result<void> insert_audit(const AuditEntry& e) {
    SHOUWEI_TRY(
        auto s,
        db_.prepare(
            "INSERT INTO audit_log(at, actor, action, target, detail) VALUES(?, ?, ?, ?, ?)"));
    s.bind(1, static_cast<std::int64_t>(to_unix_seconds(e.at))).bind(2, e.actor).bind(3, e.action);
    s.bind(4, e.target).bind(5, e.detail);
    return s.run();
  }

  std::mutex mu_;  // guards db_ and statements_
  Database db_;
  std::map<std::string, Statement, std::less<>> statements_;  // destroyed before db_
  std::mutex reader_mu_;                                      // guards reader_ and find_device_
  Database reader_;
  std::optional<Statement> find_device_;  // destroyed before reader_
  std::mutex queue_mu_;                   // guards queue_ and closing_
  std::condition_variable queue_cv_;
  std::vector<PendingWrite> queue_;
  bool closing_ = false;
  std::thread writer_;  // last: starts once everything above exists
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& path) {
  SHOUWEI_TRY(auto db, Database::open(path));
  SHOUWEI_TRY_VOID(db.exec("PRAGMA foreign_keys = ON"));
  SHOUWEI_TRY_VOID(db.apply_migrations("server", kMigrations));
  sqlite::OpenOptions read_only;
  read_only.create = false;
  read_only.read_only = true;
  SHOUWEI_TRY(auto reader, Database::open(path, read_only));
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(db), std::move(reader)));
}

}  // namespace shouwei::server
