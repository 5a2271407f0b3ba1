// The API in-process over a real SQLite store: enrollment rules, the seq rule, every hostile
// upload answered 4xx with nothing stored, console authorization, filters and reports.
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "server_test_support.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/https_client.hpp"
#include "shouwei/server/admin.hpp"
#include "shouwei/server/api.hpp"

using namespace shouwei;
using namespace shouwei::server;
using namespace shouwei::server::testing;
namespace json = boost::json;

namespace {

const TimePoint kNow = from_unix_seconds(1'800'000'100);

struct Fixture {
  TempDir dir;
  std::unique_ptr<Store> store;
  FixedClock clock{kNow};
  Metrics metrics;
  std::unique_ptr<Api> api;
  std::string secret;
  std::string viewer;
  std::string admin;

  explicit Fixture(ApiOptions options = {}) {
    auto s = open_sqlite_store(dir.path() / "server.db");
    REQUIRE(s.ok());
    store = std::move(*s);
    api = std::make_unique<Api>(*store, clock, metrics, options);
    secret = create_enroll_secret(*store, clock, "财务处", false, "cli")->text;
    viewer = create_console_token(*store, clock, Role::viewer, "cli")->text;
    admin = create_console_token(*store, clock, Role::admin, "cli")->text;
  }

  ApiResponse call(const std::string& method, const std::string& target,
                   const std::string& body = {}, const std::string& token = {},
                   const std::string& peer = "127.0.0.1") {
    ApiRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.peer = peer;
    if (!token.empty()) r.authorization = "Bearer " + token;
    return api->handle(r);
  }
  ApiResponse upload(const std::string& envelope, const std::string& encoding = {}) {
    ApiRequest r{"POST", "/api/v1/snapshots", {}, encoding, envelope, "127.0.0.1"};
    return api->handle(r);
  }
  void enroll(const TestDevice& d) {
    auto r = call("POST", "/api/v1/enroll", enroll_body(d, secret));
    REQUIRE(r.status == 200);
  }
  std::int64_t snapshot_count(const TestDevice& d) {
    auto list = store->list_snapshots(d.id(), 1000);
    REQUIRE(list.ok());
    return static_cast<std::int64_t>(list->size());
  }
};

json::value body_json(const ApiResponse& r) {
  return json::parse(r.body);
}

}  // namespace

TEST_CASE("enroll: device_id is the keyid, re-enrollment is idempotent, all algorithms") {
  Fixture f;
  for (auto alg : {KeyAlgorithm::ed25519, KeyAlgorithm::p256, KeyAlgorithm::sm2}) {
    CAPTURE(to_string(alg));
    TestDevice d = new_device(alg);
    auto r = f.call("POST", "/api/v1/enroll", enroll_body(d, f.secret));
    REQUIRE(r.status == 200);
    CHECK(body_json(r).at("device_id").as_string() == d.id());
    CHECK(body_json(r).at("group").as_string() == "财务处");
    auto again = f.call("POST", "/api/v1/enroll", enroll_body(d, f.secret));
    CHECK(again.status == 200);
    CHECK(again.body == r.body);
  }
  auto endpoints = f.store->list_endpoints({});
  CHECK(endpoints->size() == 3);
}

TEST_CASE("enroll: bad, revoked and used one-time secrets; algorithm mismatch; revoked device") {
  Fixture f;
  TestDevice a = new_device();
  TestDevice b = new_device();
  CHECK(f.call("POST", "/api/v1/enroll", enroll_body(a, "swe_wrong")).status == 401);

  auto one = create_enroll_secret(*f.store, f.clock, "g1", true, "cli");
  CHECK(f.call("POST", "/api/v1/enroll", enroll_body(a, one->text)).status == 200);
  CHECK(f.call("POST", "/api/v1/enroll", enroll_body(a, one->text)).status ==
        200);  // same key: retry
  CHECK(f.call("POST", "/api/v1/enroll", enroll_body(b, one->text)).status == 401);  // used

  // Group names follow the policy document's rule, so a policy can always address them.
  auto spaced = create_enroll_secret(*f.store, f.clock, "财务 处", false, "cli");
  REQUIRE_FALSE(spaced.ok());
  CHECK(spaced.error().message.starts_with("group:"));
  CHECK_FALSE(create_enroll_secret(*f.store, f.clock, "", false, "cli").ok());

  auto rev = create_enroll_secret(*f.store, f.clock, "g2", false, "cli");
  REQUIRE(revoke_enroll_secret(*f.store, f.clock, rev->id, "cli").ok());
  CHECK(f.call("POST", "/api/v1/enroll", enroll_body(b, rev->text)).status == 401);

  std::string mismatch = enroll_body(b, f.secret);
  mismatch.replace(mismatch.find("\"ed25519\""), 9, "\"p256\"");
  CHECK(f.call("POST", "/api/v1/enroll", mismatch).status == 400);
  CHECK(f.call("POST", "/api/v1/enroll", "{\"enroll_secret\":").status == 400);

  REQUIRE(revoke_device(*f.store, f.clock, a.id(), "cli").ok());
  CHECK(f.call("POST", "/api/v1/enroll", enroll_body(a, f.secret)).status == 403);
  CHECK(f.store->find_device(b.id())->has_value() == false);
}

TEST_CASE("enroll: failed attempts from one address are rate limited, others are not") {
  ApiOptions options;
  options.enroll_max_failures = 3;
  Fixture f(options);
  TestDevice d = new_device();
  for (int i = 0; i < 3; ++i)
    CHECK(f.call("POST", "/api/v1/enroll", enroll_body(d, "bad"), {}, "10.1.1.1").status == 401);
  // Blocked even with the right secret, while the window lasts.
  CHECK(f.call("POST", "/api/v1/enroll", enroll_body(d, f.secret), {}, "10.1.1.1").status == 429);
  CHECK(f.call("POST", "/api/v1/enroll", enroll_body(d, f.secret), {}, "10.1.1.2").status == 200);
  f.clock.set(kNow + options.enroll_failure_window + std::chrono::seconds(1));
  CHECK(f.call("POST", "/api/v1/enroll", enroll_body(d, f.secret), {}, "10.1.1.1").status == 200);
}

TEST_CASE("upload: stored, retried (duplicate), replayed and reordered seq refused") {
  Fixture f;
  TestDevice d = new_device();
  f.enroll(d);
  SnapshotSpec spec;
  std::string env1 = signed_envelope(d.key, snapshot_payload(d.id(), spec));
  auto r1 = f.upload(env1);
  REQUIRE(r1.status == 200);
  CHECK(body_json(r1).at("status").as_string() == "stored");
  CHECK(body_json(r1).at("seq").as_int64() == 1);
  auto id1 = body_json(r1).at("snapshot_id").as_int64();

  auto again = f.upload(env1);
  CHECK(again.status == 200);
  CHECK(body_json(again).at("status").as_string() == "duplicate");
  CHECK(body_json(again).at("snapshot_id").as_int64() == id1);

  spec.seq = 2;
  std::string env2 = signed_envelope(d.key, snapshot_payload(d.id(), spec));
  CHECK(f.upload(env2).status == 200);
  // Replay of an old envelope that is no longer the newest: still "the same snapshot".
  CHECK(body_json(f.upload(env1)).at("status").as_string() == "duplicate");
  // A different payload with a used seq, and one with an older unused seq.
  spec.hostname = "renamed";
  CHECK(f.upload(signed_envelope(d.key, snapshot_payload(d.id(), spec))).status == 409);
  spec.seq = 5;
  CHECK(f.upload(signed_envelope(d.key, snapshot_payload(d.id(), spec))).status == 200);
  spec.seq = 4;
  CHECK(f.upload(signed_envelope(d.key, snapshot_payload(d.id(), spec))).status == 409);
  CHECK(f.snapshot_count(d) == 3);

  // The stored envelope is byte-identical and re-verifies with the enrolled key.
  auto stored = f.call("GET", "/api/v1/snapshots/" + std::to_string(id1), {}, f.viewer);
  REQUIRE(stored.status == 200);
  CHECK(stored.body == env1);
  auto env = dsse::parse(stored.body);
  REQUIRE(env.ok());
  CHECK(dsse::verify(*env, d.key.public_key(), dsse::kSnapshotPayloadType).ok());
}

TEST_CASE("upload: gzip bodies accepted, bombs and unknown encodings refused") {
  Fixture f;
  TestDevice d = new_device();
  f.enroll(d);
  std::string env = signed_envelope(d.key, snapshot_payload(d.id(), SnapshotSpec{}));
  auto r = f.upload(gzip_compress(env), "gzip");
  REQUIRE(r.status == 200);
  CHECK(*f.store->get_envelope(body_json(r).at("snapshot_id").as_int64()) ==
        env);  // stored inflated
  CHECK(f.upload(gzip_compress(std::string(64u << 20, ' ')), "gzip").status == 413);
  CHECK(f.upload("garbage", "gzip").status == 400);
  CHECK(f.upload(env, "br").status == 415);
  CHECK(f.snapshot_count(d) == 1);
}

TEST_CASE("upload: hostile envelopes are refused and store nothing") {
  Fixture f;
  TestDevice victim = new_device();
  TestDevice other = new_device();
  TestDevice stranger = new_device();
  f.enroll(victim);
  f.enroll(other);
  SnapshotSpec spec;
  const std::string payload = snapshot_payload(victim.id(), spec);

  SUBCASE("signed by another enrolled device") {
    CHECK(f.upload(signed_envelope(other.key, payload)).status == 401);
  }
  SUBCASE("bad signature") {
    auto env = dsse::sign(dsse::kSnapshotPayloadType, payload, victim.key);
    env->signatures[0].sig[5] ^= 0x01;
    CHECK(f.upload(dsse::serialize(*env)).status == 401);
  }
  SUBCASE("payload altered after signing") {
    auto env = dsse::sign(dsse::kSnapshotPayloadType, payload, victim.key);
    SnapshotSpec internet;
    internet.zone = "internet";
    env->payload = snapshot_payload(victim.id(), internet);
    CHECK(f.upload(dsse::serialize(*env)).status == 401);
  }
  SUBCASE("unknown device") {
    CHECK(f.upload(signed_envelope(stranger.key, snapshot_payload(stranger.id(), spec))).status ==
          401);
  }
  SUBCASE("wrong payload type") {
    auto env = dsse::sign(dsse::kPolicyPayloadType, payload, victim.key);
    CHECK(f.upload(dsse::serialize(*env)).status == 400);
  }
  SUBCASE("malformed JSON") {
    CHECK(f.upload("{\"payloadType\":").status == 400);
    CHECK(f.upload("").status == 400);
    CHECK(f.upload(std::string(1000, '[')).status == 400);
  }
  SUBCASE("payload violating the schema, even if correctly signed") {
    std::string bad = payload;
    bad.replace(bad.find("\"zone\":\"intranet\""), 17, "\"zone\":\"nowhere\"");
    CHECK(f.upload(signed_envelope(victim.key, bad)).status == 400);
  }
  SUBCASE("oversized body") {
    ApiOptions small;
    small.max_body_bytes = 1024;
    Api api(*f.store, f.clock, f.metrics, small);
    ApiRequest r{"POST",     "/api/v1/snapshots", {}, {}, signed_envelope(victim.key, payload),
                 "127.0.0.1"};
    REQUIRE(r.body.size() > 1024);
    CHECK(api.handle(r).status == 413);
  }
  SUBCASE("revoked device") {
    REQUIRE(revoke_device(*f.store, f.clock, victim.id(), "cli").ok());
    CHECK(f.upload(signed_envelope(victim.key, payload)).status == 403);
  }
  CHECK(f.snapshot_count(victim) == 0);
  CHECK(f.store->list_events(from_unix_seconds(0), 100)->empty());
  // ...and the server still serves an honest upload.
  CHECK(f.upload(signed_envelope(other.key, snapshot_payload(other.id(), spec))).status == 200);
}

TEST_CASE("console: tokens and roles") {
  Fixture f;
  TestDevice d = new_device();
  f.enroll(d);
  CHECK(f.call("GET", "/api/v1/endpoints").status == 401);
  CHECK(f.call("GET", "/api/v1/endpoints", {}, "swt_not_a_token").status == 401);
  ApiRequest basic{"GET", "/api/v1/endpoints", "Basic dXNlcjpwYXNz", {}, {}, "127.0.0.1"};
  CHECK(f.api->handle(basic).status == 401);
  CHECK(f.call("GET", "/api/v1/endpoints", {}, f.viewer).status == 200);
  CHECK(f.call("GET", "/api/v1/audit", {}, f.viewer).status == 403);
  CHECK(f.call("POST", "/api/v1/endpoints/" + d.id() + "/revoke", {}, f.viewer).status == 403);
  CHECK(f.call("POST", "/api/v1/enroll-secrets", R"({"group":"x"})", f.viewer).status == 403);
  CHECK_FALSE((*f.store->find_device(d.id()))->revoked_at.has_value());

  auto created =
      f.call("POST", "/api/v1/enroll-secrets", R"({"group":"人事处","one_time":true})", f.admin);
  REQUIRE(created.status == 200);
  CHECK(body_json(created).at("secret").as_string().starts_with("swe_"));
  auto sid = body_json(created).at("secret_id").as_int64();
  CHECK(f.call("POST", "/api/v1/enroll-secrets/" + std::to_string(sid) + "/revoke", {}, f.admin)
            .status == 200);
  CHECK(f.call("POST", "/api/v1/enroll-secrets/9999/revoke", {}, f.admin).status == 404);
  CHECK(f.call("POST", "/api/v1/endpoints/" + d.id() + "/revoke", {}, f.admin).status == 200);

  auto audit = body_json(f.call("GET", "/api/v1/audit", {}, f.admin)).at("entries").as_array();
  std::vector<std::string> actions;
  for (const auto& e : audit) actions.emplace_back(e.at("action").as_string());
  // Newest first: device.revoke, secret.revoke, secret.create (HTTP), then the fixture's CLI
  // actions.
  REQUIRE(actions.size() == 6);
  CHECK(actions[0] == "device.revoke");
  CHECK(actions[1] == "secret.revoke");
  CHECK(actions[2] == "secret.create");
  CHECK(audit[0].at("actor").as_string().starts_with("token:"));
  CHECK(audit[5].at("actor").as_string() == "cli");
  CHECK(f.call("GET", "/api/v1/nothing", {}, f.admin).status == 404);
  CHECK(f.call("DELETE", "/api/v1/enroll").status == 405);
}

TEST_CASE("console: endpoints, filters, silence and clock skew judged by the server's clock") {
  Fixture f;
  TestDevice fresh = new_device();
  TestDevice skewed = new_device();
  TestDevice quiet = new_device();
  f.enroll(fresh);
  f.enroll(skewed);
  f.enroll(quiet);
  SnapshotSpec ok;
  ok.taken_at = kNow - std::chrono::seconds(10);
  ok.checks = {{"av.running", "pass", "杀毒软件运行 / Antivirus running"}};
  REQUIRE(f.upload(signed_envelope(fresh.key, snapshot_payload(fresh.id(), ok))).status == 200);
  SnapshotSpec back = ok;
  back.zone = "extranet";
  back.taken_at = kNow - std::chrono::hours(24 * 30);  // clock set back a month
  REQUIRE(f.upload(signed_envelope(skewed.key, snapshot_payload(skewed.id(), back))).status == 200);
  // `quiet` reported once, long ago.
  f.clock.set(kNow - std::chrono::hours(48));
  SnapshotSpec old = ok;
  old.taken_at = kNow - std::chrono::hours(48);
  REQUIRE(f.upload(signed_envelope(quiet.key, snapshot_payload(quiet.id(), old))).status == 200);
  f.clock.set(kNow);

  auto list = [&](const std::string& query) {
    auto r = f.call("GET", "/api/v1/endpoints" + query, {}, f.viewer);
    REQUIRE(r.status == 200);
    std::vector<std::string> ids;
    json::value body = body_json(r);
    for (const auto& e : body.at("endpoints").as_array())
      ids.emplace_back(e.at("device_id").as_string());
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  CHECK(list("?compliance=pass") == std::vector<std::string>{fresh.id()});
  auto failing = list("?compliance=fail");
  CHECK(failing.size() == 2);
  CHECK(list("?zone=extranet") == std::vector<std::string>{skewed.id()});
  CHECK(list("?group=%E8%B4%A2%E5%8A%A1%E5%A4%84").size() == 3);  // 财务处, percent-encoded
  CHECK(list("?seen_before=" + format_rfc3339(kNow - std::chrono::hours(1))) ==
        std::vector<std::string>{quiet.id()});
  CHECK(f.call("GET", "/api/v1/endpoints?zone=intranet&bogus=1", {}, f.viewer).status == 400);
  CHECK(f.call("GET", "/api/v1/endpoints?seen_after=yesterday", {}, f.viewer).status == 400);

  auto one = body_json(f.call("GET", "/api/v1/endpoints/" + quiet.id(), {}, f.viewer));
  CHECK(one.at("silent").as_bool());
  CHECK(one.at("reported_compliance").as_string() == "pass");
  CHECK(one.at("compliance").as_string() == "fail");
  CHECK(one.at("hostname").as_string() == "pc-001");
  auto sk = body_json(f.call("GET", "/api/v1/endpoints/" + skewed.id(), {}, f.viewer));
  CHECK(sk.at("clock_skew_seconds").as_int64() == -24 * 30 * 3600);
  bool skew_check_failed = false;
  for (const auto& c : sk.at("checks").as_array()) {
    if (c.at("id").as_string() == "server.clock_skew")
      skew_check_failed = c.at("result").as_string() == "fail";
  }
  CHECK(skew_check_failed);
  CHECK(f.call("GET", "/api/v1/endpoints/" + std::string(64, '0'), {}, f.viewer).status == 404);

  // The skew was recorded as a server event.
  auto events = body_json(f.call("GET", "/api/v1/events?since=2020-01-01T00:00:00Z", {}, f.viewer))
                    .at("events")
                    .as_array();
  REQUIRE(events.size() == 1);
  CHECK(events[0].at("type").as_string() == "clock_skew");
  CHECK(events[0].at("device_id").as_string() == skewed.id());

  auto snaps =
      body_json(f.call("GET", "/api/v1/endpoints/" + fresh.id() + "/snapshots", {}, f.viewer));
  REQUIRE(snaps.at("snapshots").as_array().size() == 1);
  CHECK(snaps.at("snapshots").as_array()[0].at("compliance").as_string() == "pass");
}

TEST_CASE("console: compliance.csv has one row per endpoint and check") {
  Fixture f;
  TestDevice d = new_device();
  f.enroll(d);
  SnapshotSpec spec;
  spec.taken_at = kNow;
  spec.checks = {{"av.running", "pass", "杀毒软件运行 / Antivirus running"},
                 {"evil", "fail", "=1+1"}};
  REQUIRE(f.upload(signed_envelope(d.key, snapshot_payload(d.id(), spec))).status == 200);
  auto r = f.call("GET", "/api/v1/reports/compliance.csv", {}, f.viewer);
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "text/csv; charset=utf-8");
  std::size_t rows = 0;
  for (std::size_t p = 0; (p = r.body.find("\r\n", p)) != std::string::npos; p += 2) ++rows;
  CHECK(rows ==
        1 + 2 + 2);  // header, the agent's two checks, server.last_seen and server.clock_skew
  CHECK(r.body.find(d.id() + ",pc-001,财务处,intranet,") != std::string::npos);
  CHECK(r.body.find("杀毒软件运行 / Antivirus running,合规 / pass") != std::string::npos);
  CHECK(r.body.find(",'=1+1,") != std::string::npos);
}

TEST_CASE("healthz and metrics need no token") {
  Fixture f;
  auto h = f.call("GET", "/healthz");
  CHECK(h.status == 200);
  CHECK(body_json(h).at("status").as_string() == "ok");
  f.call("GET", "/api/v1/endpoints");
  auto m = f.call("GET", "/metrics");
  CHECK(m.status == 200);
  CHECK(m.body.find("shouwei_http_requests_total{route=\"console\",code=\"401\"} 1") !=
        std::string::npos);
}
