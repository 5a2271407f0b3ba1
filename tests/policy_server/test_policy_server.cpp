// The server side of signed policies over real HTTPS on loopback with a real SQLite database:
// who may push, which pushes are refused (garbage, wrong key, expired, not newer), which policy
// a device of a group receives, device authentication, ETag/304 across a restart, category
// database upload/download, the applied version per endpoint, and shouweictl's push commands.
#include <cstdio>
#include <memory>
#include <string>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "common/run_command.hpp"
#include "common/temp_dir.hpp"
#include "policy_server_fixture.hpp"
#include "shouwei/common/canonical_json.hpp"
#include "shouwei/common/device_auth.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/common/file_io.hpp"

using namespace shouwei;
using namespace shouwei::server;
using namespace shouwei::server::testing;
namespace bj = boost::json;

namespace {

constexpr std::string_view kPolicies = "/api/v1/policies";
constexpr std::size_t kSmallBodyLimit = 16 * 1024;  // below max_category_bytes (64 KiB)

std::string reason_of(const HttpsResponse& r) {
  auto v = bj::parse(r.body);
  const auto* reason = v.as_object().if_contains("reason");
  return reason != nullptr && reason->is_string() ? std::string(reason->get_string()) : "";
}

HttpsResponse push(const PolicyServer& s, const std::string& envelope,
                   const std::string& query = {}, std::string token = {}) {
  return s.send("POST", std::string(kPolicies) + query, envelope,
                token.empty() ? s.admin() : token);
}

std::int64_t served_version(const HttpsResponse& r) {
  auto envelope = dsse::parse(r.body);
  REQUIRE(envelope.ok());
  return bj::parse(envelope->payload).at("version").as_int64();
}

std::string quoted(const std::string& sha) {
  return "\"" + sha + "\"";
}

// A snapshot of device d whose policy section reports `version` (absent when nullopt).
std::string snapshot_with_policy(const TestDevice& d, std::int64_t seq,
                                 std::optional<std::int64_t> version) {
  SnapshotSpec spec;
  spec.seq = seq;
  spec.taken_at =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  bj::value payload = bj::parse(snapshot_payload(d.id(), spec));
  if (version) {
    payload.as_object()["policy"] = bj::object{{"version", *version},
                                               {"is_default", *version == 0},
                                               {"expired", false},
                                               {"events", bj::array{}}};
  }
  return signed_envelope(d.key, shouwei::json::canonicalize(payload).value());
}

// Runs shouweictl with args (already shell-quoted).
test::CommandRun ctl(const std::string& args) {
  return test::run_command(std::string(SHOUWEICTL) + " " + args);
}

}  // namespace

TEST_CASE("policy push: only an admin token, and only with a configured policy key") {
  PolicyServer s;
  const std::string env = signed_policy(s.org_key(), {});
  CHECK(s.send("POST", std::string(kPolicies), env).status == 401);
  CHECK(push(s, env, {}, s.viewer()).status == 403);
  auto stored = s.store().latest_policy("*");
  REQUIRE(stored.ok());
  CHECK_FALSE(stored->has_value());

  PolicyServer keyless(PolicyServerOptions{.policy_key = false});
  auto refused = push(keyless, signed_policy(keyless.org_key(), {}));
  CHECK(refused.status == 503);
  CHECK(reason_of(refused) == "no_policy_key");
}

TEST_CASE("policy push: garbage, truncated, wrong key, expired, future, not newer are refused") {
  PolicyServer s;
  auto other = PrivateKey::generate(KeyAlgorithm::ed25519).value();
  const std::string v2 = signed_policy(s.org_key(), {.version = 2});

  auto garbage = push(s, "this is not an envelope");
  CHECK(garbage.status == 400);
  CHECK(reason_of(garbage) == "not_an_envelope");
  CHECK(push(s, v2.substr(0, v2.size() / 2)).status == 400);
  auto wrong_key = push(s, signed_policy(other, {.version = 5}));
  CHECK(wrong_key.status == 422);
  CHECK_FALSE(reason_of(wrong_key).empty());
  auto expired = push(s, signed_policy(s.org_key(), {.version = 6,
                                                     .issued_ago = std::chrono::hours(48),
                                                     .valid_for = std::chrono::hours(24)}));
  CHECK(expired.status == 422);
  CHECK(reason_of(expired) == "expired");
  auto future =
      push(s, signed_policy(s.org_key(), {.version = 7, .issued_ago = -std::chrono::hours(2)}));
  CHECK(future.status == 422);
  CHECK(reason_of(future) == "issued_in_future");

  auto accepted = push(s, v2);
  REQUIRE(accepted.status == 200);
  const std::string sha = sha256_hex(v2);
  CHECK(bj::parse(accepted.body).at("sha256").as_string() == sha);
  auto same = push(s, v2);
  CHECK(same.status == 409);
  CHECK(reason_of(same) == "not_newer");
  CHECK(push(s, signed_policy(s.org_key(), {.version = 1})).status == 409);  // rollback
  // A group's policy must be newer than the "*" one its devices may already have applied.
  CHECK(push(s, signed_policy(s.org_key(), {.version = 2, .groups = {"finance"}})).status == 409);

  auto stored = s.store().latest_policy("*");
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->version == 2);
  CHECK((*stored)->envelope == v2);  // exactly as pushed
  auto audit = s.store().list_audit(10);
  REQUIRE(audit.ok());
  REQUIRE_FALSE(audit->empty());
  CHECK(audit->front().action == "policy.push");
  CHECK(audit->front().target == "policy:v2");
}

TEST_CASE("policy fetch: a device gets its group's latest policy, else the \"*\" one") {
  PolicyServer s;
  TestDevice finance = s.enroll("finance");
  TestDevice office = s.enroll("办公室");  // enrollment groups may be Chinese
  auto none = s.fetch_policy(finance.key);
  CHECK(none.status == 404);  // nothing pushed yet
  CHECK(bj::parse(none.body).at("error").as_string() == "no policy");

  REQUIRE(push(s, signed_policy(s.org_key(), {.version = 3})).status == 200);
  CHECK(served_version(s.fetch_policy(finance.key)) == 3);
  CHECK(served_version(s.fetch_policy(office.key)) == 3);

  // Addressed by the document's own groups, then by ?group= (percent-encoded).
  REQUIRE(push(s, signed_policy(s.org_key(), {.version = 4, .groups = {"finance"}})).status == 200);
  const std::string office_query = "?group=%E5%8A%9E%E5%85%AC%E5%AE%A4";
  REQUIRE(push(s, signed_policy(s.org_key(), {.version = 5}), office_query).status == 200);
  CHECK(served_version(s.fetch_policy(finance.key)) == 4);
  CHECK(served_version(s.fetch_policy(office.key)) == 5);
  // A policy not addressed to the group asked for is refused.
  auto misaddressed =
      push(s, signed_policy(s.org_key(), {.version = 9, .groups = {"hr"}}), office_query);
  CHECK(misaddressed.status == 422);
  CHECK(reason_of(misaddressed) == "wrong_group");

  // A newer "*" policy reaches every group, including one with an older policy of its own.
  REQUIRE(push(s, signed_policy(s.org_key(), {.version = 6})).status == 200);
  CHECK(served_version(s.fetch_policy(finance.key)) == 6);
  CHECK(served_version(s.fetch_policy(office.key)) == 6);
}

TEST_CASE("policy fetch: unsigned, unknown device, other device's key, stale time, garbage") {
  PolicyServer s;
  TestDevice d = s.enroll("g");
  TestDevice other = s.enroll("g");
  REQUIRE(push(s, signed_policy(s.org_key(), {})).status == 200);
  REQUIRE(s.fetch_policy(d.key).status == 200);

  CHECK(s.send("GET", "/api/v1/policy").status == 401);  // no device headers
  TestDevice stranger = new_device();
  CHECK(s.fetch_policy(stranger.key).status == 401);  // never enrolled: re-enroll

  // d's id, signed with the other device's key.
  auto auth = device_auth::sign_request(other.key, "GET", "/api/v1/policy",
                                        std::chrono::system_clock::now());
  REQUIRE(auth.ok());
  HttpsRequest forged;
  forged.path = "/api/v1/policy";
  forged.headers = {{std::string(device_auth::kDeviceHeader), d.id()},
                    {std::string(device_auth::kTimeHeader), auth->time},
                    {std::string(device_auth::kSignatureHeader), auth->signature}};
  CHECK(s.send(forged).status == 403);
  forged.headers[0].second = other.id();
  forged.headers[2].second = "%%% not base64 %%%";
  CHECK(s.send(forged).status == 400);

  auto stale = s.fetch_policy(d.key, {}, std::chrono::system_clock::now() - std::chrono::hours(1));
  CHECK(stale.status == 409);  // a clock problem, not an identity one
  CHECK(s.send("POST", "/api/v1/policy").status == 405);
}

TEST_CASE("policy fetch: ETag, 304 when unchanged, stable across a server restart") {
  PolicyServer s;
  TestDevice d = s.enroll("g");
  const std::string v1 = signed_policy(s.org_key(), {.version = 1});
  REQUIRE(push(s, v1).status == 200);

  auto first = s.fetch_policy(d.key);
  REQUIRE(first.status == 200);
  CHECK(first.body == v1);
  const std::string etag = first.header("etag");
  CHECK(etag == quoted(sha256_hex(v1)));
  auto unchanged = s.fetch_policy(d.key, etag);
  CHECK(unchanged.status == 304);
  CHECK(unchanged.body.empty());
  CHECK(s.fetch_policy(d.key, "W/" + etag).status == 304);
  CHECK(s.fetch_policy(d.key, "\"0000\"").status == 200);

  // A push invalidates the cached answer at once.
  const std::string v2 = signed_policy(s.org_key(), {.version = 2});
  REQUIRE(push(s, v2).status == 200);
  auto changed = s.fetch_policy(d.key, etag);
  REQUIRE(changed.status == 200);
  CHECK(changed.body == v2);
  const std::string etag2 = changed.header("etag");

  s.restart();
  CHECK(s.fetch_policy(d.key, etag2).status == 304);
  auto after = s.fetch_policy(d.key);
  CHECK(after.body == v2);
  CHECK(after.header("etag") == etag2);
  CHECK(push(s, v1).status == 409);  // the history survived the restart too
}

TEST_CASE("categories: upload, download by sha256 with ETag; truncated or oversize refused") {
  PolicyServer s(PolicyServerOptions{.max_body_bytes = kSmallBodyLimit});
  const std::string db = small_category_db();
  const std::string sha = sha256_hex(db);
  const std::string octets = "application/octet-stream";

  CHECK(s.send("POST", "/api/v1/categories", db, s.viewer(), octets).status == 403);
  auto truncated =
      s.send("POST", "/api/v1/categories", db.substr(0, db.size() - 7), s.admin(), octets);
  CHECK(truncated.status == 422);
  HttpsRequest oversize;
  oversize.method = "POST";
  oversize.path = "/api/v1/categories";
  oversize.body = db + std::string(64 * 1024, 'x');
  oversize.content_type = octets;
  oversize.headers.emplace_back("Authorization", "Bearer " + s.admin());
  auto big = s.try_send(oversize);
  CHECK((!big.ok() || big->status == 413));  // answered 413 or cut off; both refuse it
  CHECK(s.send("GET", "/api/v1/categories/" + sha).status == 404);
  // Above max_body_bytes, only an admin may send a body: others are cut off from the headers.
  oversize.body = std::string(kSmallBodyLimit * 2, 'x');
  oversize.headers.clear();
  auto anonymous = s.try_send(oversize);
  CHECK((!anonymous.ok() || anonymous->status == 413));
  oversize.headers.emplace_back("Authorization", "Bearer " + s.admin());
  CHECK(s.send(oversize).status == 422);  // read whole, then refused as no category database

  auto up = s.send("POST", "/api/v1/categories", db, s.admin(), octets);
  REQUIRE(up.status == 200);
  auto answer = bj::parse(up.body).as_object();
  CHECK(answer.at("sha256").as_string() == sha);
  CHECK(answer.at("url").as_string() == "/api/v1/categories/" + sha);
  CHECK(answer.at("bytes").as_int64() == static_cast<std::int64_t>(db.size()));
  CHECK(answer.at("version").as_int64() == 1);
  // The same file again keeps its version; another file gets the next one.
  CHECK(bj::parse(s.send("POST", "/api/v1/categories", db, s.admin(), octets).body)
            .at("version")
            .as_int64() == 1);

  auto down = s.send("GET", "/api/v1/categories/" + sha);  // no token: content-addressed
  REQUIRE(down.status == 200);
  CHECK(down.body == db);
  CHECK(down.header("etag") == quoted(sha));
  HttpsRequest cached;
  cached.path = "/api/v1/categories/" + sha;
  cached.headers.emplace_back("If-None-Match", quoted(sha));
  CHECK(s.send(cached).status == 304);
  CHECK(s.send("GET", "/api/v1/categories/" + std::string(64, 'a')).status == 404);
  CHECK(s.send("GET", "/api/v1/categories/..%2Fserver.db").status == 404);

  s.restart();
  CHECK(s.send("GET", "/api/v1/categories/" + sha).body == db);
}

TEST_CASE("endpoints: the applied policy version from snapshots, its filter and the CSV") {
  PolicyServer s;
  TestDevice applied = s.enroll("g");
  TestDevice silent = s.enroll("g");
  REQUIRE(s.send("POST", "/api/v1/snapshots", snapshot_with_policy(applied, 1, 3)).status == 200);
  REQUIRE(
      s.send("POST", "/api/v1/snapshots", snapshot_with_policy(silent, 1, std::nullopt)).status ==
      200);

  auto one = s.send("GET", "/api/v1/endpoints/" + applied.id(), {}, s.viewer());
  REQUIRE(one.status == 200);
  CHECK(bj::parse(one.body).at("policy_version").as_int64() == 3);
  auto none = s.send("GET", "/api/v1/endpoints/" + silent.id(), {}, s.viewer());
  CHECK(bj::parse(none.body).at("policy_version").is_null());

  auto v3 = s.send("GET", "/api/v1/endpoints?policy_version=3", {}, s.viewer());
  REQUIRE(v3.status == 200);
  auto list = bj::parse(v3.body).at("endpoints").as_array();
  REQUIRE(list.size() == 1);
  CHECK(list[0].at("device_id").as_string() == applied.id());
  CHECK(bj::parse(s.send("GET", "/api/v1/endpoints?policy_version=2", {}, s.viewer()).body)
            .at("endpoints")
            .as_array()
            .empty());
  CHECK(s.send("GET", "/api/v1/endpoints?policy_version=x", {}, s.viewer()).status == 400);

  // A later snapshot moves the endpoint to the version it now applies.
  REQUIRE(s.send("POST", "/api/v1/snapshots", snapshot_with_policy(applied, 2, 4)).status == 200);
  one = s.send("GET", "/api/v1/endpoints/" + applied.id(), {}, s.viewer());
  CHECK(bj::parse(one.body).at("policy_version").as_int64() == 4);

  auto csv = s.send("GET", "/api/v1/reports/compliance.csv", {}, s.viewer());
  REQUIRE(csv.status == 200);
  CHECK(csv.body.find("策略版本 / Policy version") != std::string::npos);
  CHECK(csv.body.find(applied.id() + ",pc-001,g,intranet,") != std::string::npos);
  const auto line = csv.body.find(applied.id());
  const auto end = csv.body.find("\r\n", line);
  CHECK(csv.body.substr(line, end - line).find("Z,4,") != std::string::npos);
}

TEST_CASE("shouweictl policy push, categories push and report pull against the server") {
  PolicyServer s;
  TestDevice finance = s.enroll("财务处");
  const std::filesystem::path d = s.dir();
  const std::string server = " --server " + s.base_url() + " --ca " + s.pki().ca_cert.string();

  REQUIRE(ctl("policy init --out " + (d / "policy.json").string()).status == 0);
  test::CommandRun signed_run =
      ctl("policy sign --key " + s.org_key_file().string() + " " + (d / "policy.json").string());
  REQUIRE(signed_run.status == 0);
  test::write_test_file(d / "policy.env", signed_run.out);

  const std::string envelope = " " + (d / "policy.env").string();
  CHECK(ctl("policy push --token " + s.viewer() + server + envelope).status == 1);
  CHECK(ctl("policy push --token " + s.admin() + server + " " + (d / "policy.json").string())
            .status == 4);  // the unsigned document
  test::CommandRun pushed =
      ctl("policy push --token " + s.admin() + server + " --group 财务处" + envelope);
  CHECK(pushed.status == 0);
  CHECK(pushed.out.find("policy version 1, groups 财务处") != std::string::npos);
  CHECK(ctl("policy push --token " + s.admin() + server + envelope).status == 1);  // not newer

  auto served = s.fetch_policy(finance.key);
  REQUIRE(served.status == 200);
  CHECK(served.body == signed_run.out);  // byte for byte, as the file was

  const std::string db = small_category_db();
  test::write_test_file(d / "categories.db", db);
  test::write_test_file(d / "truncated.db", db.substr(0, db.size() / 2));
  CHECK(ctl("categories push --token " + s.admin() + server + " " + (d / "truncated.db").string())
            .status != 0);
  test::CommandRun uploaded =
      ctl("categories push --token " + s.admin() + server + " " + (d / "categories.db").string());
  REQUIRE(uploaded.status == 0);
  const std::string sha = sha256_hex(db);
  CHECK(uploaded.out.find("sha256:  " + sha) != std::string::npos);
  CHECK(uploaded.out.find("version: 1") != std::string::npos);
  CHECK(uploaded.out.find("\"url\":\"/api/v1/categories/" + sha + "\"") != std::string::npos);
  CHECK(s.send("GET", "/api/v1/categories/" + sha).body == db);

  // report pull shares the server options and error path with the push commands.
  auto report = ctl("report pull --format json --token " + s.viewer() + server);
  CHECK(report.status == 0);
  CHECK(report.out.find(finance.id()) != std::string::npos);
  CHECK(ctl("report pull --token wrong" + server).status == 1);
}
