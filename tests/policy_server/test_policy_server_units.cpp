// Pure parts of the server's policy side: the applied policy version read from a snapshot
// payload, the config keys, If-None-Match matching and the hex names in URLs.
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "server_test_support.hpp"
#include "shouwei/common/canonical_json.hpp"
#include "shouwei/server/api.hpp"
#include "shouwei/server/config.hpp"
#include "shouwei/server/request_parsers.hpp"

using namespace shouwei;
using namespace shouwei::server;
using namespace shouwei::server::testing;
namespace bj = boost::json;

namespace {

const std::string kDevice(64, 'a');

// A snapshot payload with top-level policy_version `top` and the policy section `section`
// (absent when null).
std::string payload(bj::value top, bj::value section) {
  bj::value p = bj::parse(snapshot_payload(kDevice, SnapshotSpec{}));
  p.as_object()["policy_version"] = std::move(top);
  if (!section.is_null()) p.as_object()["policy"] = std::move(section);
  return shouwei::json::canonicalize(p).value();
}

}  // namespace

TEST_CASE("snapshot: the policy section's version is the applied one, else policy_version") {
  auto section = [](bj::value version) {
    return bj::object{
        {"version", std::move(version)},
        {"is_default", false},
        {"events", bj::array{bj::object{{"type", "policy_rejected"}, {"reason", "expired"}}}}};
  };
  auto both = parse_snapshot_payload(payload(2, section(5)));
  REQUIRE(both.ok());
  CHECK(both->policy_version == 5);
  REQUIRE(both->events.size() == 1);
  CHECK(both->events[0].source == "policy");
  CHECK(both->events[0].type == "policy_rejected");

  auto defaults = parse_snapshot_payload(payload(nullptr, section(0)));
  REQUIRE(defaults.ok());
  CHECK(defaults->policy_version == 0);  // the safe defaults are a fact, not an absence
  auto older_agent = parse_snapshot_payload(payload(2, nullptr));
  REQUIRE(older_agent.ok());
  CHECK(older_agent->policy_version == 2);
  auto section_null = parse_snapshot_payload(payload(2, section(nullptr)));
  REQUIRE(section_null.ok());
  CHECK(section_null->policy_version == 2);
  auto unknown = parse_snapshot_payload(payload(nullptr, nullptr));
  REQUIRE(unknown.ok());
  CHECK_FALSE(unknown->policy_version.has_value());
  auto failed = parse_snapshot_payload(payload(nullptr, bj::object{{"error", "store corrupt"}}));
  REQUIRE(failed.ok());
  CHECK_FALSE(failed->policy_version.has_value());

  for (bj::value bad : {bj::value(-1), bj::value("3"), bj::value(1.5)}) {
    auto r = parse_snapshot_payload(payload(nullptr, section(bad)));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("policy.version") != std::string::npos);
  }
  auto not_object = parse_snapshot_payload(payload(nullptr, bj::array{}));
  REQUIRE_FALSE(not_object.ok());
  CHECK(not_object.error().message.find("policy") != std::string::npos);
}

TEST_CASE("config: policy_public_key, categories_dir and max_category_bytes") {
  const std::string base = "tls_cert = \"c\"\ntls_key = \"k\"\ndatabase = \"data/s.db\"\n";
  auto defaults = parse_config(base, "server.toml", "/etc/shouwei");
  REQUIRE(defaults.ok());
  CHECK(defaults->policy_public_key.empty());  // optional: pushes are then refused
  CHECK(defaults->categories_dir == "/etc/shouwei/data/categories");
  CHECK(defaults->max_category_bytes == 64u * 1024u * 1024u);

  auto set = parse_config(base +
                              "policy_public_key = \"org-policy.pub\"\ncategories_dir = "
                              "\"/srv/cats\"\nmax_category_bytes = 1048576\n",
                          "server.toml", "/etc/shouwei");
  REQUIRE(set.ok());
  CHECK(set->policy_public_key == "/etc/shouwei/org-policy.pub");
  CHECK(set->categories_dir == "/srv/cats");
  CHECK(set->max_category_bytes == 1048576u);

  auto small = parse_config(base + "max_category_bytes = 10\n", "server.toml", "/");
  REQUIRE_FALSE(small.ok());
  CHECK(small.error().message.find("max_category_bytes") != std::string::npos);
  auto wrong_type = parse_config(base + "policy_public_key = 3\n", "server.toml", "/");
  REQUIRE_FALSE(wrong_type.ok());
  CHECK(wrong_type.error().message.find("policy_public_key") != std::string::npos);
}

TEST_CASE("If-None-Match: lists, weak tags, *, spaces") {
  const std::string etag = "\"" + std::string(64, 'b') + "\"";
  CHECK(etag_matches(etag, etag));
  CHECK(etag_matches("W/" + etag, etag));
  CHECK(etag_matches("\"x\", " + etag + " ,\"y\"", etag));
  CHECK(etag_matches(" * ", etag));
  CHECK_FALSE(etag_matches("", etag));
  CHECK_FALSE(etag_matches(",,", etag));
  CHECK_FALSE(etag_matches(std::string(64, 'b'), etag));  // unquoted is another tag
  CHECK_FALSE(etag_matches("\"x\", W/\"y\"", etag));
}

TEST_CASE("names in URLs: 64 lowercase hex digits only") {
  CHECK(is_sha256_hex(std::string(64, 'f')));
  CHECK(is_sha256_hex("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
  CHECK_FALSE(is_sha256_hex(std::string(64, 'F')));
  CHECK_FALSE(is_sha256_hex(std::string(63, 'a')));
  CHECK_FALSE(is_sha256_hex(std::string(65, 'a')));
  CHECK_FALSE(is_sha256_hex("../" + std::string(61, 'a')));
}
