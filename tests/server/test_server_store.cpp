// The SQLite store on its own: schema migrations, reopening (a server restart), two handles
// on one file (the running server and the command line), and the atomic seq rule.
#include <fstream>

#include <doctest/doctest.h>

#include "server_test_support.hpp"
#include "shouwei/common/sqlite.hpp"
#include "shouwei/server/admin.hpp"
#include "shouwei/server/credentials.hpp"

using namespace shouwei;
using namespace shouwei::server;
using namespace shouwei::server::testing;

namespace {
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
}  // namespace

TEST_CASE("store survives a restart and shares its file with a second handle") {
  TempDir dir;
  const auto db = dir.path() / "server.db";
  FixedClock clock(from_unix_seconds(1000));
  std::string device_id(64, 'b');
  std::string secret;
  {
    auto store = open_sqlite_store(db);
    REQUIRE(store.ok());
    secret = create_enroll_secret(**store, clock, "g", false, "cli")->text;
    auto enrolled = (*store)->enroll(
        credential_hash(secret), NewDevice{device_id, "PEM", "ed25519", "{}", "h"}, clock.now());
    REQUIRE(enrolled.ok());
    CHECK(enrolled->outcome == EnrollOutcome::enrolled);
    REQUIRE((*store)->store_snapshot(snapshot(device_id, 1, "h1")).ok());

    // The command line opens the same file while the server holds it.
    auto cli = open_sqlite_store(db);
    REQUIRE(cli.ok());
    REQUIRE(create_console_token(**cli, clock, Role::admin, "cli").ok());
  }
  auto reopened = open_sqlite_store(db);
  REQUIRE(reopened.ok());
  auto again = (*reopened)->enroll(credential_hash(secret),
                                   NewDevice{device_id, "PEM", "ed25519", "{}", "h"}, clock.now());
  CHECK(again->outcome == EnrollOutcome::already_enrolled);
  CHECK((*reopened)->store_snapshot(snapshot(device_id, 1, "h1"))->outcome ==
        IngestOutcome::duplicate);
  CHECK((*reopened)->store_snapshot(snapshot(device_id, 2, "h2"))->outcome ==
        IngestOutcome::stored);
  CHECK((*reopened)->list_audit(10)->size() == 2);

  auto raw = sqlite::Database::open(db);
  REQUIRE(raw.ok());
  CHECK(*raw->migration_version("server") == 1);
}

TEST_CASE("store: seq rule, and a refused snapshot writes nothing") {
  TempDir dir;
  auto store = open_sqlite_store(dir.path() / "s.db").value();
  FixedClock clock(from_unix_seconds(1000));
  std::string secret = create_enroll_secret(*store, clock, "g", false, "cli")->text;
  std::string dev(64, 'c');
  REQUIRE(store
              ->enroll(credential_hash(secret),
                       NewDevice{dev, "PEM", "ed25519", "{}", std::nullopt}, clock.now())
              .ok());
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

TEST_CASE("store: a snapshot for a device that was never enrolled is refused by the schema") {
  TempDir dir;
  auto store = open_sqlite_store(dir.path() / "s.db").value();
  CHECK_FALSE(store->store_snapshot(snapshot(std::string(64, 'd'), 1, "h")).ok());
}

TEST_CASE("store: a file that is not a database is refused, not overwritten") {
  TempDir dir;
  const auto path = dir.path() / "junk.db";
  { std::ofstream(path) << std::string(4096, 'x'); }
  auto store = open_sqlite_store(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().message.find("junk.db") != std::string::npos);
}
