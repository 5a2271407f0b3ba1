// The agent's PolicyStore on a real SQLite file: safe defaults without a policy, apply, every
// kind of refusal recorded as an event and acknowledged, persistence across reopen, and a
// tampered stored row that never becomes policy.
#include <chrono>

#include <doctest/doctest.h>

#include "common/temp_dir.hpp"
#include "policy/policy_test_support.hpp"
#include "shouwei/agent/policy_store.hpp"

using namespace shouwei;
using agent::PolicyStore;
using policy::Rejection;
using test::make_test_key;
using test::make_test_policy;
using test::policy_test_now;
using test::sign_policy;

namespace {

struct StoreFixture {
  test::TempDir dir;
  PrivateKey key = make_test_key();
  std::filesystem::path db_path = dir / "agent.db";

  sqlite::Database open_db() {
    auto db = sqlite::Database::open(db_path);
    REQUIRE(db.ok());
    return std::move(db).value();
  }
  PolicyStore open_store(sqlite::Database& db, std::size_t max_events = 1000) {
    auto store = PolicyStore::open(db, key.public_key(), "finance", max_events);
    REQUIRE(store.ok());
    return std::move(store).value();
  }
};

}  // namespace

TEST_CASE_FIXTURE(StoreFixture, "without a policy the safe defaults are in force") {
  auto db = open_db();
  auto store = open_store(db);
  CHECK_FALSE(store.current().value().has_value());
  auto eff = store.effective(policy_test_now());
  REQUIRE(eff.ok());
  CHECK(eff->is_default);
  CHECK(eff->policy.version == 0);
  CHECK(eff->policy.log_retention_days == 90);
}

TEST_CASE_FIXTURE(StoreFixture, "apply, reject rollback, and keep the last good across reopen") {
  const TimePoint now = policy_test_now();
  const std::string v3 = sign_policy(make_test_policy(3), key);
  const std::string v2 = sign_policy(make_test_policy(2), key);
  {
    auto db = open_db();
    auto store = open_store(db);
    auto applied = store.offer(v3, now);
    REQUIRE(applied.ok());
    CHECK(applied->applied);
    auto rollback = store.offer(v2, now);
    REQUIRE(rollback.ok());
    CHECK_FALSE(rollback->applied);
    CHECK(rollback->reason == Rejection::not_newer);
    auto replay = store.offer(v3, now);
    CHECK(replay.value().reason == Rejection::not_newer);
  }
  auto db = open_db();
  auto store = open_store(db);
  auto eff = store.effective(now);
  REQUIRE(eff.ok());
  CHECK_FALSE(eff->is_default);
  CHECK_FALSE(eff->expired);
  CHECK(eff->policy.version == 3);
  CHECK(store.current_envelope().value() == v3);
  // Events survive the reopen too.
  auto events = store.pending_rejections();
  REQUIRE(events.ok());
  REQUIRE(events->size() == 2);
  CHECK((*events)[0].offered_version == 2);
  CHECK((*events)[1].offered_version == 3);
  CHECK((*events)[0].reason == "not_newer");
  CHECK((*events)[0].time == now);
  // A rollback is still refused after the reopen.
  CHECK(store.offer(v2, now).value().reason == Rejection::not_newer);
  // An expired last good policy stays in force and says so.
  auto later = store.effective(now + std::chrono::days(60));
  CHECK(later.value().expired);
  CHECK(later.value().policy.version == 3);
}

TEST_CASE_FIXTURE(StoreFixture, "each refusal is an event; acknowledgement removes them") {
  auto db = open_db();
  auto store = open_store(db);
  const TimePoint now = policy_test_now();
  const PrivateKey stranger = make_test_key();
  std::string good = sign_policy(make_test_policy(5), key);
  CHECK(store.offer(good.substr(0, 40), now).value().reason == Rejection::not_an_envelope);
  CHECK(store.offer(sign_policy(make_test_policy(5), stranger), now).value().reason ==
        Rejection::untrusted_key);
  CHECK(store.offer(sign_policy(make_test_policy(5, "hr"), key), now).value().reason ==
        Rejection::wrong_group);
  CHECK(store.effective(now).value().is_default);  // nothing refused was applied

  auto events = store.pending_rejections().value();
  REQUIRE(events.size() == 3);
  CHECK(events[0].reason == "not_an_envelope");
  CHECK_FALSE(events[0].offered_version.has_value());
  CHECK(events[1].reason == "untrusted_key");
  CHECK(events[1].offered_version == 5);
  CHECK(events[2].message.starts_with("wrong_group: "));

  REQUIRE(store.acknowledge_through(events[1].id).ok());
  auto rest = store.pending_rejections().value();
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].id == events[2].id);
}

TEST_CASE_FIXTURE(StoreFixture, "events beyond the cap are counted, not stored") {
  auto db = open_db();
  auto store = open_store(db, 2);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(store.offer("not an envelope", policy_test_now()).ok());
  }
  CHECK(store.pending_rejections().value().size() == 2);
  CHECK(store.dropped_count().value() == 3);
  REQUIRE(store.acknowledge_through(1'000'000).ok());
  CHECK(store.dropped_count().value() == 0);
  CHECK(store.pending_rejections().value().empty());
}

TEST_CASE_FIXTURE(StoreFixture, "a tampered stored policy never becomes policy") {
  auto db = open_db();
  auto store = open_store(db);
  std::string good = sign_policy(make_test_policy(3), key);
  REQUIRE(store.offer(good, policy_test_now()).value().applied);
  // Someone with write access to the database swaps in a policy the organisation never signed.
  policy::Policy forged = make_test_policy(99);
  forged.media.unregistered = policy::UnregisteredMedia::allow;
  std::string forged_env = sign_policy(forged, make_test_key());
  auto update = db.prepare("UPDATE policy_current SET envelope = ?, version = 99");
  REQUIRE(update.ok());
  update->bind(1, forged_env);
  REQUIRE(update->run().ok());
  auto current = store.current();
  REQUIRE_FALSE(current.ok());
  CHECK(current.error().code == Errc::corrupt);
  CHECK_FALSE(store.effective(policy_test_now()).ok());
}
