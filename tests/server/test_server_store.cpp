// The Store contract, run against both implementations: the embedded SQLite store and the
// PostgreSQL store (on a throwaway cluster, pg_test_cluster.hpp; the PostgreSQL cases fail,
// not skip, when PostgreSQL is not installed). Then what is particular to SQLite: its schema
// version and a file that is not a database.
#include <fstream>
#include <mutex>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "pg_test_cluster.hpp"
#include "server_test_support.hpp"
#include "shouwei/common/sqlite.hpp"
#include "shouwei/server/admin.hpp"
#include "shouwei/server/config.hpp"
#include "shouwei/server/credentials.hpp"

using namespace shouwei;
using namespace shouwei::server;
using namespace shouwei::server::testing;

namespace {

// A fresh empty database of one kind; open() gives another handle on it each time (the
// running server, the command line, the server after a restart).
struct SqliteBackend {
  TempDir dir;
  Result<std::unique_ptr<Store>> open() { return open_sqlite_store(dir.path() / "server.db"); }
};

struct PostgresqlBackend {
  Result<std::string> conninfo = new_postgresql_database();
  Result<std::unique_ptr<Store>> open() {
    if (!conninfo) return fail(conninfo.error());
    return open_postgresql_store(*conninfo);
  }
};

template <typename Backend>
std::unique_ptr<Store> open_or_fail(Backend& backend) {
  auto store = backend.open();
  if (!store) FAIL(store.error().message);
  return std::move(store).value();
}

NewSnapshot snapshot(const std::string& device, std::int64_t seq, const std::string& hash) {
  NewSnapshot s;
  s.device_id = device;
  s.seq = seq;
  s.envelope = "{\"envelope\":" + std::to_string(seq) + "}";
  s.payload_sha256 = hash;
  s.taken_at = from_unix_seconds(1000 + seq);
  s.received_at = from_unix_seconds(1001 + seq);
  s.zone = "intranet";
  s.compliance = "pass";
  s.checks = {{"c1", "检查", "pass", "d"}};
  s.events = {{"usb", std::string("blocked"), "{\"type\":\"blocked\"}"}};
  return s;
}

// Enrolls a device with a fresh secret of `group`; returns its device_id.
std::string enroll_device(Store& store, const Clock& clock, const std::string& group, char id) {
  const std::string secret = create_enroll_secret(store, clock, group, false, "cli")->text;
  std::string device_id(64, id);
  auto r = store.enroll(credential_hash(secret),
                        NewDevice{device_id, "PEM", "ed25519", "{}", std::nullopt}, clock.now());
  REQUIRE(r.ok());
  REQUIRE(r->outcome == EnrollOutcome::enrolled);
  return device_id;
}

AuditEntry audit(const std::string& action, const std::string& target) {
  return AuditEntry{0, from_unix_seconds(1000), "cli", action, target, ""};
}

}  // namespace

#define STORE_BACKENDS SqliteBackend, PostgresqlBackend

TEST_CASE_TEMPLATE("store survives a restart and shares its database with a second handle", Backend,
                   STORE_BACKENDS) {
  Backend backend;
  FixedClock clock(from_unix_seconds(1000));
  std::string device_id(64, 'b');
  std::string secret;
  {
    auto store = open_or_fail(backend);
    secret = create_enroll_secret(*store, clock, "g", false, "cli")->text;
    auto enrolled = store->enroll(credential_hash(secret),
                                  NewDevice{device_id, "PEM", "ed25519", "{}", "h"}, clock.now());
    REQUIRE(enrolled.ok());
    CHECK(enrolled->outcome == EnrollOutcome::enrolled);
    CHECK(enrolled->group == "g");
    REQUIRE(store->store_snapshot(snapshot(device_id, 1, "h1")).ok());

    // The command line opens the same database while the server holds it.
    auto cli = open_or_fail(backend);
    REQUIRE(create_console_token(*cli, clock, Role::admin, "cli").ok());
  }
  auto reopened = open_or_fail(backend);
  auto again = reopened->enroll(credential_hash(secret),
                                NewDevice{device_id, "PEM", "ed25519", "{}", "h"}, clock.now());
  CHECK(again->outcome == EnrollOutcome::already_enrolled);
  CHECK(reopened->store_snapshot(snapshot(device_id, 1, "h1"))->outcome ==
        IngestOutcome::duplicate);
  CHECK(reopened->store_snapshot(snapshot(device_id, 2, "h2"))->outcome == IngestOutcome::stored);
  CHECK(reopened->list_audit(10)->size() == 2);
  CHECK(reopened->ping().ok());
}

TEST_CASE_TEMPLATE("store: seq rule, and a refused snapshot writes nothing", Backend,
                   STORE_BACKENDS) {
  Backend backend;
  auto store = open_or_fail(backend);
  FixedClock clock(from_unix_seconds(1000));
  const std::string dev = enroll_device(*store, clock, "g", 'c');
  auto first = store->store_snapshot(snapshot(dev, 3, "h3"));
  REQUIRE(first.ok());
  CHECK(first->outcome == IngestOutcome::stored);
  CHECK(store->store_snapshot(snapshot(dev, 3, "other"))->outcome == IngestOutcome::seq_conflict);
  CHECK(store->store_snapshot(snapshot(dev, 2, "h2"))->outcome == IngestOutcome::seq_conflict);
  CHECK(store->store_snapshot(snapshot(dev, 3, "h3"))->snapshot_id == first->snapshot_id);
  CHECK(store->list_snapshots(dev, 10)->size() == 1);
  CHECK(store->list_events(from_unix_seconds(0), 10)->size() == 1);
  CHECK(store->snapshot_checks(first->snapshot_id)->size() == 1);
  auto e = store->get_endpoint(dev);
  REQUIRE(e->has_value());
  CHECK((*e)->last_seq == 3);
  CHECK((*e)->reported_compliance == "pass");
}

TEST_CASE_TEMPLATE("store: queued asynchronous writes are answered in order and survive closing",
                   Backend, STORE_BACKENDS) {
  Backend backend;
  FixedClock clock(from_unix_seconds(1000));
  constexpr int kPerDevice = 40;
  std::string a;
  std::string b;
  std::mutex mu;
  std::vector<std::pair<std::string, IngestOutcome>> answers;  // device:seq, outcome
  {
    auto store = open_or_fail(backend);
    a = enroll_device(*store, clock, "g", 'a');
    b = enroll_device(*store, clock, "g", 'b');
    auto queue = [&](const std::string& device, std::int64_t seq, const std::string& hash) {
      std::string label = device.substr(0, 1) + ":" + std::to_string(seq);
      store->store_snapshot_async(
          snapshot(device, seq, hash), [&mu, &answers, label](Result<IngestResult> r) {
            std::lock_guard lock(mu);
            answers.emplace_back(label, r ? r->outcome : IngestOutcome::seq_conflict);
            if (!r) answers.back().first += " failed";
          });
    };
    for (int seq = 1; seq <= kPerDevice; ++seq) {
      queue(a, seq, "a" + std::to_string(seq));
      queue(b, seq, "b" + std::to_string(seq));
    }
    queue(a, 7, "not a7");                                   // a used seq: refused
    queue(b, kPerDevice, "b" + std::to_string(kPerDevice));  // the same again: duplicate
    // Closing the store right away: what is queued is still written and answered.
  }
  REQUIRE(answers.size() == 2 * kPerDevice + 2);
  for (int seq = 1; seq <= kPerDevice; ++seq) {
    const auto i = static_cast<std::size_t>(2 * (seq - 1));
    CHECK(answers[i].first == "a:" + std::to_string(seq));
    CHECK(answers[i].second == IngestOutcome::stored);
    CHECK(answers[i + 1].first == "b:" + std::to_string(seq));
    CHECK(answers[i + 1].second == IngestOutcome::stored);
  }
  CHECK(answers[2 * kPerDevice].first == "a:7");
  CHECK(answers[2 * kPerDevice].second == IngestOutcome::seq_conflict);
  CHECK(answers[2 * kPerDevice + 1].first == "b:" + std::to_string(kPerDevice));
  CHECK(answers[2 * kPerDevice + 1].second == IngestOutcome::duplicate);

  auto reopened = open_or_fail(backend);
  CHECK(reopened->list_snapshots(a, 100)->size() == kPerDevice);
  CHECK(reopened->list_snapshots(b, 100)->size() == kPerDevice);
  auto e = reopened->get_endpoint(a);
  REQUIRE(e->has_value());
  CHECK((*e)->last_seq == kPerDevice);
}

TEST_CASE_TEMPLATE("store: a snapshot for a device that was never enrolled is refused", Backend,
                   STORE_BACKENDS) {
  Backend backend;
  auto store = open_or_fail(backend);
  CHECK_FALSE(store->store_snapshot(snapshot(std::string(64, 'd'), 1, "h")).ok());
  CHECK(store->list_events(from_unix_seconds(0), 10)->empty());
}

TEST_CASE_TEMPLATE("store: snapshots, checks, events and endpoints read back as written", Backend,
                   STORE_BACKENDS) {
  Backend backend;
  auto store = open_or_fail(backend);
  FixedClock clock(from_unix_seconds(1000));
  const std::string a = enroll_device(*store, clock, "office", 'a');
  const std::string b = enroll_device(*store, clock, "lab", 'e');

  NewSnapshot s = snapshot(a, 1, "ha");
  s.envelope = "{\"payload\":\"5a6I5Y2r\",\"note\":\"守卫 \\u0000 ✓\"}";
  s.hostname = "办公室-01";
  s.policy_version = 7;
  s.compliance = "fail";
  s.checks = {{"c1", "补丁", "pass", ""}, {"c2", "防病毒 / antivirus", "fail", "stale"}};
  s.events = {{"usb", std::string("blocked"), "{\"type\":\"blocked\"}"},
              {"browsing", std::nullopt, "{}"}};
  auto stored = store->store_snapshot(s);
  REQUIRE(stored.ok());
  REQUIRE(store->store_snapshot(snapshot(b, 5, "hb")).ok());

  CHECK(store->get_envelope(stored->snapshot_id)->value() == s.envelope);
  CHECK_FALSE(store->get_envelope(stored->snapshot_id + 1000)->has_value());
  auto checks = store->snapshot_checks(stored->snapshot_id).value();
  REQUIRE(checks.size() == 2);
  CHECK(checks[1].id == "c2");
  CHECK(checks[1].title == "防病毒 / antivirus");
  CHECK(checks[1].detail == "stale");

  auto events = store->list_events(from_unix_seconds(0), 10).value();
  REQUIRE(events.size() == 3);
  CHECK(events[0].device_id == a);
  CHECK(events[0].snapshot_id == stored->snapshot_id);
  CHECK(events[0].received_at == s.received_at);
  CHECK(events[1].event.source == "browsing");
  CHECK_FALSE(events[1].event.type.has_value());
  CHECK(store->list_events(from_unix_seconds(0), 1)->size() == 1);
  CHECK(store->list_events(s.received_at + std::chrono::seconds(1), 10)->size() == 1);

  auto summaries = store->list_snapshots(a, 10).value();
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].taken_at == s.taken_at);
  CHECK(summaries[0].compliance == "fail");

  auto endpoint = store->get_endpoint(a).value();
  REQUIRE(endpoint.has_value());
  CHECK(endpoint->hostname == "办公室-01");
  CHECK(endpoint->policy_version == 7);
  CHECK(endpoint->last_snapshot_id == stored->snapshot_id);
  CHECK(endpoint->last_seen == s.received_at);
  CHECK(endpoint->device.group == "office");
  CHECK_FALSE(store->get_endpoint(std::string(64, 'f'))->has_value());

  EndpointFilter office;
  office.group = "office";
  CHECK(store->list_endpoints(office)->size() == 1);
  EndpointFilter v7;
  v7.policy_version = 7;
  CHECK(store->list_endpoints(v7)->size() == 1);
  EndpointFilter recent;
  recent.seen_after = from_unix_seconds(1004);
  auto seen = store->list_endpoints(recent).value();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].device.device_id == b);
  EndpointFilter silent;
  silent.seen_before = from_unix_seconds(1004);
  CHECK(store->list_endpoints(silent)->size() == 1);
  CHECK(store->list_endpoints(EndpointFilter{})->size() == 2);
}

TEST_CASE_TEMPLATE("store: credentials, one-time secrets and revocation", Backend, STORE_BACKENDS) {
  Backend backend;
  auto store = open_or_fail(backend);
  FixedClock clock(from_unix_seconds(1000));
  auto token =
      store->create_token("tokenhash", Role::viewer, clock.now(), audit("token.create", ""));
  REQUIRE(token.ok());
  auto found = store->find_token("tokenhash").value();
  REQUIRE(found.has_value());
  CHECK(found->id == *token);
  CHECK(found->role == Role::viewer);
  CHECK_FALSE(store->find_token("other")->has_value());

  auto once = store->create_secret("once", "g", true, clock.now(), audit("secret.create", ""));
  REQUIRE(once.ok());
  NewDevice first{std::string(64, '1'), "PEM", "ed25519", "{}", std::nullopt};
  NewDevice second{std::string(64, '2'), "PEM", "ed25519", "{}", std::nullopt};
  CHECK(store->enroll("once", first, clock.now())->outcome == EnrollOutcome::enrolled);
  CHECK(store->enroll("once", second, clock.now())->outcome == EnrollOutcome::bad_secret);
  CHECK(store->enroll("once", first, clock.now())->outcome == EnrollOutcome::already_enrolled);
  CHECK(store->enroll("unknown", second, clock.now())->outcome == EnrollOutcome::bad_secret);

  auto many = store->create_secret("many", "g2", false, clock.now(), audit("secret.create", ""));
  REQUIRE(many.ok());
  CHECK(store->revoke_secret(*many, clock.now(), audit("secret.revoke", "secret")).value());
  CHECK_FALSE(store->revoke_secret(*many + 1000, clock.now(), audit("secret.revoke", "x")).value());
  CHECK(store->enroll("many", second, clock.now())->outcome == EnrollOutcome::bad_secret);

  CHECK(store->revoke_device(first.device_id, from_unix_seconds(2000), audit("device.revoke", "d"))
            .value());
  CHECK(store->revoke_device(first.device_id, from_unix_seconds(3000), audit("device.revoke", "d"))
            .value());
  CHECK_FALSE(
      store->revoke_device(std::string(64, '9'), clock.now(), audit("device.revoke", "d")).value());
  auto revoked = store->find_device(first.device_id).value();
  REQUIRE(revoked.has_value());
  CHECK(revoked->revoked_at == from_unix_seconds(2000));  // the first time stays
  CHECK(store->enroll("once", first, clock.now())->outcome == EnrollOutcome::device_revoked);

  auto log = store->list_audit(100).value();
  REQUIRE(log.size() == 6);
  CHECK(log[0].action == "device.revoke");  // newest first
  CHECK(log[5].action == "token.create");
  CHECK(log[5].target == "token:" + std::to_string(*token));
  CHECK(store->list_audit(2)->size() == 2);
}

TEST_CASE_TEMPLATE("store: policies per group and category database numbering", Backend,
                   STORE_BACKENDS) {
  Backend backend;
  auto store = open_or_fail(backend);
  const TimePoint at = from_unix_seconds(5000);
  auto push = [&](std::vector<std::string> groups, std::int64_t version) {
    return store->store_policy(
        NewPolicy{std::move(groups), version, "{\"v\":" + std::to_string(version) + "}", "sha", at},
        audit("policy.push", "p"));
  };
  CHECK(push({"office", "lab"}, 2)->outcome == PolicyPushOutcome::stored);
  auto older = push({"office"}, 2).value();
  CHECK(older.outcome == PolicyPushOutcome::not_newer);
  CHECK(older.blocking_version == 2);
  CHECK(push({"other"}, 1)->outcome == PolicyPushOutcome::stored);
  // "*" reaches every group, so it must exceed the newest policy of any group.
  auto to_all = push({"*"}, 2).value();
  CHECK(to_all.outcome == PolicyPushOutcome::not_newer);
  CHECK(to_all.blocking_group == "lab");
  CHECK(push({"*"}, 3)->outcome == PolicyPushOutcome::stored);
  CHECK(push({"other"}, 3)->outcome == PolicyPushOutcome::not_newer);

  auto office = store->latest_policy("office").value();
  REQUIRE(office.has_value());
  CHECK(office->version == 2);
  CHECK(office->envelope == "{\"v\":2}");
  CHECK(office->pushed_at == at);
  CHECK(store->latest_policy("*")->value().version == 3);
  CHECK_FALSE(store->latest_policy("nobody")->has_value());

  auto one = store->record_category_db("aaaa", 100, at, audit("categories.upload", "aaaa"));
  auto two = store->record_category_db("bbbb", 200, at, audit("categories.upload", "bbbb"));
  auto again = store->record_category_db("aaaa", 100, at, audit("categories.upload", "aaaa"));
  REQUIRE(one.ok());
  REQUIRE(two.ok());
  CHECK(one->version == 1);
  CHECK(two->version == 2);
  CHECK(again->version == 1);
  CHECK(store->find_category_db("bbbb")->value().bytes == 200);
  CHECK_FALSE(store->find_category_db("cccc")->has_value());
  CHECK(store->list_audit(100)->size() == 5);  // three pushes stored, two uploads
}

TEST_CASE("sqlite store: schema version after the migrations") {
  SqliteBackend backend;
  { open_or_fail(backend); }
  auto raw = sqlite::Database::open(backend.dir.path() / "server.db");
  REQUIRE(raw.ok());
  CHECK(*raw->migration_version("server") == 2);
}

TEST_CASE("sqlite store: a file that is not a database is refused, not overwritten") {
  TempDir dir;
  const auto path = dir.path() / "junk.db";
  { std::ofstream(path) << std::string(4096, 'x'); }
  auto store = open_sqlite_store(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().message.find("junk.db") != std::string::npos);
}

TEST_CASE("postgresql store: an unreachable server is an error naming no password") {
  TempDir dir;
  auto store = open_postgresql_store("host=" + dir.path().string() +
                                     " user=u password=s3cret-pw dbname=d connect_timeout=2");
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == Errc::unavailable);
  CHECK(store.error().message.find("s3cret-pw") == std::string::npos);
  CHECK(is_postgresql_url("postgresql://u@localhost/db"));
  CHECK(is_postgresql_url("postgres://u@localhost/db"));
  CHECK_FALSE(is_postgresql_url("/var/lib/shouwei/server.db"));
}

TEST_CASE("config: database = \"postgresql://...\" selects PostgreSQL, a path stays SQLite") {
  const std::string common = "tls_cert = \"c.pem\"\ntls_key = \"k.pem\"\n";
  auto pg = parse_config(common + "database = \"postgresql://shouwei@db.example/shouwei\"\n",
                         "server.toml", "/etc/shouwei");
  REQUIRE(pg.ok());
  CHECK(pg->database_url == "postgresql://shouwei@db.example/shouwei");
  CHECK(pg->database.empty());
  CHECK(pg->categories_dir == std::filesystem::path("/etc/shouwei/categories"));
  auto sqlite = parse_config(common + "database = \"server.db\"\n", "server.toml", "/var/lib/s");
  REQUIRE(sqlite.ok());
  CHECK(sqlite->database_url.empty());
  CHECK(sqlite->database == std::filesystem::path("/var/lib/s/server.db"));
  CHECK_FALSE(parse_config(common, "server.toml", "/etc/shouwei").ok());  // still required
}
