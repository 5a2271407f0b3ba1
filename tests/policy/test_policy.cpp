// The shouwei.policy/v1 document (strict mapping, one-line errors naming the field) and
// verify_policy_envelope: every rejection reason, on real DSSE envelopes and real keys.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "policy/policy_test_support.hpp"
#include "shouwei/common/canonical_json.hpp"

namespace bj = boost::json;
using namespace shouwei;
using policy::Rejection;
using test::make_test_key;
using test::make_test_policy;
using test::policy_test_now;
using test::sign_policy;
using test::sign_policy_payload;

namespace {

bj::object test_document() {
  return policy::policy_to_json(make_test_policy(3)).as_object();
}

// The reason a verification failed, checking that its message starts with the reason's code.
std::optional<Rejection> rejection(const Result<policy::Policy>& r) {
  REQUIRE_FALSE(r.ok());
  auto reason = policy::rejection_of(r.error());
  REQUIRE(reason.has_value());
  CHECK(r.error().message.starts_with(std::string(policy::to_string(*reason)) + ": "));
  CHECK(r.error().message.find('\n') == std::string::npos);
  return reason;
}

}  // namespace

TEST_CASE("group names: any UTF-8 text an office chooses, never spaces or controls") {
  for (std::string_view good : {"finance", "财务处", "办公厅-信息中心", "*", "g"}) {
    CAPTURE(good);
    CHECK(policy::is_valid_group_name(good));
  }
  // GBK bytes of 财务, C1 control U+0085, NO-BREAK SPACE, a tab, empty, 129 bytes.
  for (std::string bad : {std::string("\xb2\xc6\xce\xf1"), std::string("a\xc2\x85"),
                          std::string("a\xc2\xa0"
                                      "b"),
                          std::string("a\tb"), std::string(), std::string(129, 'g')}) {
    CAPTURE(bad.size());
    CHECK_FALSE(policy::is_valid_group_name(bad));
  }
  policy::Policy p = make_test_policy(5);
  p.groups = {"财务处"};
  auto canonical = policy::canonical_policy(p);
  REQUIRE(canonical.ok());
  auto parsed = policy::parse_policy(*canonical);
  REQUIRE(parsed.ok());
  CHECK(parsed->for_group("财务处"));
  CHECK_FALSE(parsed->for_group("人事处"));
}

TEST_CASE("a full document survives the canonical round trip") {
  policy::Policy p = make_test_policy(42);
  p.zone = Zone::intranet;
  p.groups = {"finance", "hr"};
  p.media.mode = policy::MediaMode::audit;
  p.media.unregistered = policy::UnregisteredMedia::block;
  p.media.allow_list = {"m-0001", "m-0002"};
  p.category_db = policy::CategoryDb{"/v1/categories/7", std::string(64, 'a'), 7};
  auto canonical = policy::canonical_policy(p);
  REQUIRE(canonical.ok());
  CHECK(canonical->find("\"schema\":\"shouwei.policy/v1\"") != std::string::npos);
  CHECK(canonical->find("\"issued_at\":\"2026-11-21T07:00:00Z\"") != std::string::npos);
  auto parsed = policy::parse_policy(*canonical);
  REQUIRE(parsed.ok());
  CHECK(parsed->version == 42);
  CHECK(parsed->zone == Zone::intranet);
  CHECK(parsed->media.mode == policy::MediaMode::audit);
  CHECK(parsed->media.unregistered == policy::UnregisteredMedia::block);
  CHECK(parsed->media.allow_list == std::vector<std::string>{"m-0001", "m-0002"});
  REQUIRE(parsed->category_db.has_value());
  CHECK(parsed->category_db->version == 7);
  CHECK(parsed->issued_at == p.issued_at);
  CHECK(policy::canonical_policy(*parsed).value() == *canonical);
}

TEST_CASE("safe defaults follow the regulations") {
  const policy::Policy d = policy::safe_defaults();
  CHECK(d.version == 0);
  CHECK(d.log_retention_days == 90);
  CHECK(d.thresholds.max_signature_age_hours == 72);
  CHECK(d.thresholds.max_days_since_patch == 30);
  CHECK(d.thresholds.max_pending_security == 0);
  CHECK(d.media.mode == policy::MediaMode::enforce);
  CHECK(d.media.unregistered == policy::UnregisteredMedia::read_only);
  CHECK(d.prohibited_categories ==
        std::vector<std::string>{"adult", "gambling", "games", "p2p", "video", "chat", "stock"});
  CHECK(d.for_group("any-group"));
}

TEST_CASE("zone and category_db may be null or absent") {
  bj::object doc = test_document();
  doc.erase("zone");
  doc.erase("category_db");
  auto parsed = policy::policy_from_json(doc);
  REQUIRE(parsed.ok());
  CHECK_FALSE(parsed->zone.has_value());
  CHECK_FALSE(parsed->category_db.has_value());
}

TEST_CASE("invalid documents fail with one line naming the field") {
  struct Case {
    const char* name;
    void (*mutate)(bj::object&);
    const char* field;
  };
  const Case cases[] = {
      {"retention below 60 days", [](bj::object& d) { d["log_retention_days"] = 59; },
       "policy.log_retention_days:"},
      {"retention not an integer", [](bj::object& d) { d["log_retention_days"] = "90"; },
       "policy.log_retention_days:"},
      {"unknown media mode", [](bj::object& d) { d["media"].as_object()["mode"] = "off"; },
       "policy.media.mode:"},
      {"cross_zone other than block",
       [](bj::object& d) { d["media"].as_object()["cross_zone"] = "allow"; },
       "policy.media.cross_zone:"},
      {"unknown top-level field", [](bj::object& d) { d["log_retention_day"] = 90; },
       "policy.log_retention_day:"},
      {"unknown nested field", [](bj::object& d) { d["thresholds"].as_object()["max_age"] = 1; },
       "policy.thresholds.max_age:"},
      {"missing expires_at", [](bj::object& d) { d.erase("expires_at"); }, "policy.expires_at:"},
      {"expires before issued", [](bj::object& d) { d["expires_at"] = "2026-11-01T00:00:00Z"; },
       "policy.expires_at:"},
      {"bad timestamp", [](bj::object& d) { d["issued_at"] = "yesterday"; }, "policy.issued_at:"},
      {"wrong schema", [](bj::object& d) { d["schema"] = "shouwei.policy/v2"; }, "policy.schema:"},
      {"version zero", [](bj::object& d) { d["version"] = 0; }, "policy.version:"},
      {"version fractional", [](bj::object& d) { d["version"] = 1.5; }, "policy.version:"},
      {"no groups", [](bj::object& d) { d["groups"] = bj::array{}; }, "policy.groups:"},
      {"duplicate group",
       [](bj::object& d) {
         d["groups"] = bj::array{"a", "a"};
       },
       "policy.groups[1]:"},
      {"group with a space", [](bj::object& d) { d["groups"] = bj::array{"财务 处"}; },
       "policy.groups[0]:"},
      {"group with an ideographic space",
       [](bj::object& d) { d["groups"] = bj::array{"财务\u3000处"}; }, "policy.groups[0]:"},
      {"group not UTF-8", [](bj::object& d) { d["groups"] = bj::array{"\xb2\xc6\xce\xf1"}; },
       "policy.groups[0]:"},
      {"group too long", [](bj::object& d) { d["groups"] = bj::array{bj::string(129, 'g')}; },
       "policy.groups[0]:"},
      {"unknown zone", [](bj::object& d) { d["zone"] = "moon"; }, "policy.zone:"},
      {"interval too short", [](bj::object& d) { d["snapshot_interval_seconds"] = 5; },
       "policy.snapshot_interval_seconds:"},
      {"category sha256 not hex",
       [](bj::object& d) {
         d["category_db"] = {{"url", "/c"}, {"sha256", std::string(64, 'G')}, {"version", 1}};
       },
       "policy.category_db.sha256:"},
      {"category url elsewhere",
       [](bj::object& d) {
         d["category_db"] = {
             {"url", "ftp://x/c"}, {"sha256", std::string(64, 'a')}, {"version", 1}};
       },
       "policy.category_db.url:"},
      {"allow list entry not a string",
       [](bj::object& d) { d["media"].as_object()["allow_list"] = bj::array{1}; },
       "policy.media.allow_list[0]:"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    bj::object doc = test_document();
    c.mutate(doc);
    auto r = policy::policy_from_json(doc);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::parse);
    CHECK(r.error().message.starts_with(c.field));
    CHECK(r.error().message.find('\n') == std::string::npos);
  }
}

TEST_CASE("parse_policy refuses non-JSON, duplicate keys and oversized text") {
  CHECK_FALSE(policy::parse_policy("").ok());
  CHECK_FALSE(policy::parse_policy("[]").ok());
  CHECK_FALSE(policy::parse_policy(R"({"version":1,"version":2})").ok());
  auto big = policy::parse_policy(std::string(policy::kMaxPolicyBytes + 1, ' '));
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == Errc::limit_exceeded);
}

TEST_CASE("a valid policy verifies with every key algorithm") {
  for (auto alg : {KeyAlgorithm::ed25519, KeyAlgorithm::p256, KeyAlgorithm::sm2}) {
    CAPTURE(to_string(alg));
    const PrivateKey key = make_test_key(alg);
    auto r = policy::verify_policy_envelope(sign_policy(make_test_policy(3), key), key.public_key(),
                                            policy_test_now(), 2, "finance");
    REQUIRE(r.ok());
    CHECK(r->version == 3);
  }
}

TEST_CASE("every rejection has its own reason") {
  const PrivateKey key = make_test_key();
  const PublicKey& pinned = key.public_key();
  const TimePoint now = policy_test_now();
  auto verify = [&](std::string_view envelope, std::optional<std::int64_t> current = 2,
                    std::string_view group = "finance") {
    return policy::verify_policy_envelope(envelope, pinned, now, current, group);
  };
  const std::string good = sign_policy(make_test_policy(3), key);
  REQUIRE(verify(good).ok());

  SUBCASE("not an envelope, truncated, unsigned") {
    CHECK(rejection(verify("policy please")) == Rejection::not_an_envelope);
    CHECK(rejection(verify(good.substr(0, good.size() / 2))) == Rejection::not_an_envelope);
    bj::object unsigned_env = json::parse_strict(good).value().as_object();
    unsigned_env["signatures"] = bj::array{};
    CHECK(rejection(verify(bj::serialize(unsigned_env))) == Rejection::not_an_envelope);
  }
  SUBCASE("wrong payload type") {
    auto canonical = policy::canonical_policy(make_test_policy(3)).value();
    auto env = sign_policy_payload(canonical, key, dsse::kSnapshotPayloadType);
    CHECK(rejection(verify(env)) == Rejection::wrong_payload_type);
  }
  SUBCASE("signed by a key that is not pinned") {
    const PrivateKey other = make_test_key();
    CHECK(rejection(verify(sign_policy(make_test_policy(3), other))) == Rejection::untrusted_key);
  }
  SUBCASE("forged content under the pinned keyid") {
    auto envelope = dsse::parse(good).value();
    policy::Policy forged = make_test_policy(3);
    forged.media.unregistered = policy::UnregisteredMedia::allow;
    envelope.payload = policy::canonical_policy(forged).value();
    CHECK(rejection(verify(dsse::serialize(envelope))) == Rejection::bad_signature);
  }
  SUBCASE("schema-invalid but validly signed") {
    auto env = sign_policy_payload(R"({"schema":"shouwei.policy/v1","version":3})", key);
    CHECK(rejection(verify(env)) == Rejection::schema_invalid);
    policy::Policy low = make_test_policy(3);
    low.log_retention_days = 30;  // not constructible through parse: signed bytes by hand
    auto doc = policy::policy_to_json(low);
    auto low_env = sign_policy_payload(json::canonicalize(doc).value(), key);
    auto r = verify(low_env);
    CHECK(rejection(r) == Rejection::schema_invalid);
    CHECK(r.error().message.find("log_retention_days") != std::string::npos);
  }
  SUBCASE("issued in the future beyond the skew; within it is accepted") {
    policy::Policy p = make_test_policy(3);
    p.issued_at = now + std::chrono::hours(1);
    CHECK(rejection(verify(sign_policy(p, key))) == Rejection::issued_in_future);
    p.issued_at = now + policy::kMaxIssuedSkew - std::chrono::seconds(1);
    CHECK(verify(sign_policy(p, key)).ok());
  }
  SUBCASE("expired, also at the exact expiry second") {
    policy::Policy p = make_test_policy(3);
    p.issued_at = now - std::chrono::days(40);
    p.expires_at = now - std::chrono::days(10);
    CHECK(rejection(verify(sign_policy(p, key))) == Rejection::expired);
    p.expires_at = now;
    CHECK(rejection(verify(sign_policy(p, key))) == Rejection::expired);
  }
  SUBCASE("a policy for another group; the wildcard group matches all") {
    CHECK(rejection(verify(sign_policy(make_test_policy(3, "hr"), key))) == Rejection::wrong_group);
    CHECK(verify(sign_policy(make_test_policy(3, "*"), key)).ok());
  }
  SUBCASE("rollback and replay") {
    CHECK(rejection(verify(good, 3)) == Rejection::not_newer);  // replay of the applied one
    CHECK(rejection(verify(good, 7)) == Rejection::not_newer);  // validly signed but older
    CHECK(verify(good, std::nullopt).ok());                     // first policy ever
  }
}

TEST_CASE("claimed_version reads the unverified version for events") {
  const PrivateKey key = make_test_key();
  CHECK(policy::claimed_version(sign_policy(make_test_policy(9), key)) == 9);
  CHECK_FALSE(policy::claimed_version("garbage").has_value());
}
