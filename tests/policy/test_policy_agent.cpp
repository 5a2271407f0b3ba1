// The agent's policy path end to end without a network: PolicyManager polling a fake server
// (FakePolicySource), the real PolicyStore and CategoryDbInstaller on a real state directory,
// and the "policy" snapshot section. Every refusal of the issue goes through poll(), is
// reported as an event, and leaves the last good policy in force, also after a restart.
#include <chrono>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "policy/policy_agent_support.hpp"
#include "policy/policy_test_support.hpp"
#include "shouwei/agent/policy_manager.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/os/files.hpp"

using namespace shouwei;
using agent::PolicyManager;
using test::FakePolicySource;
using test::make_test_key;
using test::make_test_policy;
using test::policy_test_now;
using test::sign_policy;
using test::sign_policy_payload;
namespace categories = collectors::categories;

namespace {

struct AgentFixture {
  test::TempDir dir;
  PrivateKey key = make_test_key();
  std::filesystem::path state_dir = dir / "state";
  agent::AgentConfig config;
  categories::CategoryDbHolder holder;
  FakePolicySource server;
  TimePoint now = policy_test_now();

  AgentFixture() {
    const auto key_path = dir / "policy.pub";
    REQUIRE(
        os::write_file_atomic(key_path, key.public_key().to_pem(), os::FileMode::public_read).ok());
    config.policy_public_key = key_path;
    config.state_dir = state_dir;
  }

  // Policy `version` naming the category database `bytes`, which the server holds at url.
  policy::Policy policy_naming(std::int64_t version, const std::string& url,
                               const std::string& bytes, std::int64_t db_version) {
    server.put_file(url, bytes);
    auto p = make_test_policy(version);
    p.category_db = policy::CategoryDb{url, sha256_hex(bytes), db_version};
    return p;
  }

  // A manager on a freshly opened state, as after an agent restart; the group is "finance".
  std::unique_ptr<PolicyManager> open_manager(agent::AgentState& state) {
    auto manager = PolicyManager::open(config, state, holder);
    REQUIRE(manager.ok());
    REQUIRE((*manager)->set_device_group("finance").ok());
    return std::move(manager).value();
  }

  std::int64_t version_in_force(PolicyManager& manager) {
    auto in_force = manager.effective(now);
    REQUIRE(in_force.ok());
    return in_force->policy.version;
  }

  std::vector<agent::PolicyRejectionEvent> events(PolicyManager& manager) {
    REQUIRE(manager.store() != nullptr);
    auto pending = manager.store()->pending_rejections();
    REQUIRE(pending.ok());
    return std::move(pending).value();
  }

  boost::json::object policy_section(PolicyManager& manager) {
    auto collector = manager.make_collector();
    FixedClock clock(now);
    RootFs root("/");
    auto section = collector->collect({root, clock});
    REQUIRE(section.ok());
    return std::move(section).value();
  }
};

// The envelope of `p` with its payload replaced by `other`'s: still names the pinned key, but
// the signature no longer matches.
std::string with_swapped_payload(const std::string& envelope, const policy::Policy& other) {
  auto v = boost::json::parse(envelope);
  v.as_object()["payload"] = base64_encode(policy::canonical_policy(other).value());
  return boost::json::serialize(v);
}

}  // namespace

TEST_CASE_FIXTURE(AgentFixture,
                  "without a pinned key no policy is fetched or applied; defaults reported") {
  config.policy_public_key.reset();
  auto state = test::open_test_state(state_dir);
  auto manager = PolicyManager::open(config, state, holder);
  REQUIRE(manager.ok());
  server.serve(sign_policy(make_test_policy(1), key));
  auto outcome = (*manager)->poll(server, now);
  CHECK_FALSE(outcome.applied);
  CHECK(server.asked_etags.empty());
  auto in_force = (*manager)->effective(now);
  REQUIRE(in_force.ok());
  CHECK(in_force->is_default);
  auto section = policy_section(**manager);
  CHECK(section.at("version").as_int64() == 0);
  CHECK(section.at("is_default").as_bool());
  CHECK_FALSE(section.at("key_pinned").as_bool());
  CHECK(section.at("issued_at").is_null());
  CHECK(section.at("category_db").is_null());
  CHECK(section.at("events").as_array().empty());
}

TEST_CASE_FIXTURE(AgentFixture,
                  "every refused policy is an event and the last good one stays in force") {
  const PrivateKey stranger = make_test_key();
  auto expired = make_test_policy(5);
  expired.issued_at = now - std::chrono::days(40);
  expired.expires_at = now - std::chrono::days(10);
  auto same_version_changed = make_test_policy(3);
  same_version_changed.snapshot_interval_seconds = 600;
  const std::string good_v3 = sign_policy(make_test_policy(3), key);

  struct Case {
    const char* name;
    std::string envelope;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"unsigned (no signature)",
       R"({"payloadType":"application/vnd.shouwei.policy+json","payload":")" +
           base64_encode(policy::canonical_policy(make_test_policy(5)).value()) +
           R"(","signatures":[]})",
       "not_an_envelope"},
      {"not an envelope at all", policy::canonical_policy(make_test_policy(5)).value(),
       "not_an_envelope"},
      {"wrongly signed (payload altered)", with_swapped_payload(good_v3, make_test_policy(6)),
       "bad_signature"},
      {"signed by a key that is not pinned", sign_policy(make_test_policy(5), stranger),
       "untrusted_key"},
      {"expired", sign_policy(expired, key), "expired"},
      {"not newer (same version, other content)", sign_policy(same_version_changed, key),
       "not_newer"},
      {"rollback (validly signed older)", sign_policy(make_test_policy(2), key), "not_newer"},
      {"schema-invalid", sign_policy_payload(R"({"schema":"shouwei.policy/v1","version":9})", key),
       "schema_invalid"},
      {"for another group", sign_policy(make_test_policy(5, "hr"), key), "wrong_group"},
  };

  {
    auto state = test::open_test_state(state_dir);
    auto manager = open_manager(state);
    server.serve(good_v3);
    REQUIRE((*manager).poll(server, now).applied);
    CHECK(version_in_force(*manager) == 3);
    for (const auto& c : cases) {
      CAPTURE(c.name);
      server.serve(c.envelope);
      auto outcome = manager->poll(server, now);
      CHECK_FALSE(outcome.applied);
      CHECK_FALSE(outcome.error.has_value());
      auto pending = events(*manager);
      REQUIRE_FALSE(pending.empty());
      CHECK(pending.back().reason == c.reason);
      CHECK(version_in_force(*manager) == 3);
    }
    CHECK(events(*manager).size() == cases.size());
  }
  // Restarted: the last good policy and the events are still there.
  auto state = test::open_test_state(state_dir);
  auto manager = open_manager(state);
  CHECK(version_in_force(*manager) == 3);
  auto section = policy_section(*manager);
  CHECK(section.at("version").as_int64() == 3);
  CHECK_FALSE(section.at("is_default").as_bool());
  CHECK(section.at("issued_at").as_string() == format_rfc3339(make_test_policy(3).issued_at));
  const auto& reported = section.at("events").as_array();
  REQUIRE(reported.size() == cases.size());
  CHECK(reported[6].at("reason").as_string() == "not_newer");
  CHECK(reported[6].at("offered_version").as_int64() == 2);
  CHECK(reported[1].at("offered_version").is_null());
  CHECK(reported[6].at("time").as_string() == format_rfc3339(now));
}

TEST_CASE_FIXTURE(AgentFixture,
                  "an unchanged policy is asked with its ETag, also after a restart") {
  const std::string v1 = sign_policy(make_test_policy(1), key);
  server.serve(v1);
  {
    auto state = test::open_test_state(state_dir);
    auto manager = open_manager(state);
    CHECK(manager->poll(server, now).applied);
    CHECK_FALSE(manager->poll(server, now).applied);
  }
  auto state = test::open_test_state(state_dir);
  auto manager = open_manager(state);
  CHECK_FALSE(manager->poll(server, now).applied);
  REQUIRE(server.asked_etags.size() == 3);
  CHECK(server.asked_etags[0].empty());
  CHECK(server.asked_etags[1] == sha256_hex(v1));
  CHECK(server.asked_etags[2] == sha256_hex(v1));
  // A refused envelope is not fetched (nor reported) again either.
  server.serve(sign_policy(make_test_policy(1, "hr"), key));
  manager->poll(server, now);
  manager->poll(server, now);
  CHECK(events(*manager).size() == 1);
}

TEST_CASE_FIXTURE(AgentFixture,
                  "a policy for another group: refused; a changed enrollment group fetches anew") {
  auto state = test::open_test_state(state_dir);
  auto manager = open_manager(state);
  const std::string hr = sign_policy(make_test_policy(1, "hr"), key);
  server.serve(hr);
  CHECK_FALSE(manager->poll(server, now).applied);
  CHECK(events(*manager).back().reason == "wrong_group");
  REQUIRE(manager->set_device_group("hr").ok());
  CHECK(manager->poll(server, now).applied);
  CHECK(server.asked_etags.back().empty());
}

TEST_CASE_FIXTURE(
    AgentFixture,
    "the category database a policy names is checked, swapped in and kept across restart") {
  const std::string db_a = test::make_category_db("gambling", "casino.example");
  const std::string db_b = test::make_category_db("games", "casino.example");
  const auto v1 = policy_naming(1, "/api/v1/categories/a", db_a, 7);
  const auto v2 = policy_naming(2, "https://mirror.example/b.db", db_b, 8);
  auto lookup = [&] {
    auto db = holder.load();
    REQUIRE(db != nullptr);
    auto found = db->lookup("www.casino.example");
    return found.empty() ? std::string() : std::string(found.front());
  };
  {
    auto state = test::open_test_state(state_dir);
    auto manager = open_manager(state);
    server.serve(sign_policy(v1, key));
    REQUIRE(manager->poll(server, now).applied);
    CHECK(lookup() == "gambling");
    REQUIRE(manager->category_db_in_use().has_value());
    CHECK(manager->category_db_in_use()->version == 7);
    CHECK(std::filesystem::exists(state_dir / "categories" / (sha256_hex(db_a) + ".db")));

    server.serve(sign_policy(v2, key));
    REQUIRE(manager->poll(server, now).applied);
    CHECK(lookup() == "games");
    auto section = policy_section(*manager);
    CHECK(section.at("category_db").at("version").as_int64() == 8);
    CHECK(section.at("category_db").at("sha256").as_string() == sha256_hex(db_b));
    // The old file is gone, the new one stays, no download left behind.
    CHECK_FALSE(std::filesystem::exists(state_dir / "categories" / (sha256_hex(db_a) + ".db")));
    CHECK_FALSE(std::filesystem::exists(state_dir / "categories" / "download.part"));
    CHECK(server.downloads == 2);
  }
  holder.store(nullptr);
  auto state = test::open_test_state(state_dir);
  auto manager = open_manager(state);
  CHECK(lookup() == "games");
  CHECK(manager->category_db_in_use()->version == 8);
  manager->poll(server, now);
  CHECK(server.downloads == 2);  // in use: not downloaded again
}

TEST_CASE_FIXTURE(
    AgentFixture,
    "a truncated, failed or altered category download is refused and the old database stays") {
  const std::string db_a = test::make_category_db("gambling", "casino.example");
  const std::string db_b = test::make_category_db("games", "casino.example");
  const auto v1 = policy_naming(1, "/a", db_a, 1);
  auto v2 = policy_naming(2, "/b", db_b, 2);
  auto state = test::open_test_state(state_dir);
  auto manager = open_manager(state);
  server.serve(sign_policy(v1, key));
  REQUIRE(manager->poll(server, now).applied);

  auto still_a = [&] {
    CHECK(std::string(holder.load()->lookup("casino.example").at(0)) == "gambling");
    CHECK(manager->category_db_in_use()->sha256 == sha256_hex(db_a));
  };
  SUBCASE("truncated") {
    server.truncate_downloads(db_b.size() / 2);
    server.serve(sign_policy(v2, key));
    CHECK(manager->poll(server, now).applied);  // the policy applies; its database does not
    still_a();
    CHECK(events(*manager).back().reason == "category_db_hash_mismatch");
    CHECK(events(*manager).back().offered_version == 2);
    // Not downloaded again at every poll once the signed hash was missed.
    manager->poll(server, now);
    CHECK(server.downloads == 2);
    CHECK(events(*manager).size() == 1);
  }
  SUBCASE("transport failure (curl: partial file) is retried at the next poll") {
    server.fail_downloads(true);
    server.serve(sign_policy(v2, key));
    CHECK(manager->poll(server, now).applied);
    still_a();
    CHECK(events(*manager).back().reason == "category_db_download_failed");
    manager->poll(server, now);
    CHECK(events(*manager).size() == 1);  // reported once
    server.fail_downloads(false);
    manager->poll(server, now);
    CHECK(std::string(holder.load()->lookup("casino.example").at(0)) == "games");
  }
  SUBCASE("other bytes than the policy's hash") {
    server.put_file("/b", db_a + "x");
    server.serve(sign_policy(v2, key));
    CHECK(manager->poll(server, now).applied);
    still_a();
    CHECK(events(*manager).back().reason == "category_db_hash_mismatch");
  }
  SUBCASE("the signed hash of a file that is no category database") {
    server.put_file("/b", "not a database");
    v2.category_db->sha256 = sha256_hex("not a database");
    server.serve(sign_policy(v2, key));
    CHECK(manager->poll(server, now).applied);
    still_a();
    CHECK(events(*manager).back().reason == "category_db_invalid");
  }
  CHECK_FALSE(std::filesystem::exists(state_dir / "categories" / "download.part"));
}

TEST_CASE_FIXTURE(AgentFixture, "a damaged database file is not restored after a restart") {
  const std::string db_a = test::make_category_db("gambling", "casino.example");
  const auto v1 = policy_naming(1, "/a", db_a, 1);
  {
    auto state = test::open_test_state(state_dir);
    auto manager = open_manager(state);
    server.serve(sign_policy(v1, key));
    REQUIRE(manager->poll(server, now).applied);
  }
  test::write_test_file(state_dir / "categories" / (sha256_hex(db_a) + ".db"), db_a.substr(0, 100));
  holder.store(nullptr);
  auto state = test::open_test_state(state_dir);
  auto manager = open_manager(state);
  CHECK_FALSE(manager->category_db_in_use().has_value());
  CHECK(holder.load() == nullptr);
  manager->poll(server, now);  // downloaded again
  CHECK(manager->category_db_in_use().has_value());
  CHECK(holder.load() != nullptr);
}

TEST_CASE_FIXTURE(AgentFixture, "events are acknowledged through the section's marker") {
  auto state = test::open_test_state(state_dir);
  auto manager = open_manager(state);
  server.serve(sign_policy(make_test_policy(1, "hr"), key));
  manager->poll(server, now);
  auto collector = manager->make_collector();
  FixedClock clock(now);
  RootFs root("/");
  REQUIRE(collector->collect({root, clock}).ok());
  auto marker = collector->ack_marker();
  REQUIRE(marker.has_value());
  // An event recorded after the snapshot was taken is not acknowledged with it.
  server.serve(sign_policy(make_test_policy(2, "hr"), key));
  manager->poll(server, now);
  REQUIRE(collector->acknowledge(*marker).ok());
  auto left = events(*manager);
  REQUIRE(left.size() == 1);
  CHECK(left[0].offered_version == 2);
}
