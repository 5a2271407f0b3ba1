#include <doctest/doctest.h>

#include "shouwei/agent/config.hpp"

using shouwei::Errc;
using shouwei::agent::parse_config;

TEST_CASE("an empty configuration gives the documented defaults") {
  auto cfg = parse_config("", "/etc/shouwei/agent.toml");
  REQUIRE(cfg.ok());
  CHECK(cfg->state_dir == "/var/lib/shouwei");
  CHECK(cfg->zone == shouwei::Zone::intranet);
  CHECK(cfg->key_algorithm == shouwei::KeyAlgorithm::ed25519);
  CHECK(cfg->snapshot_interval == std::chrono::minutes(15));
  CHECK(cfg->server.url.empty());
  CHECK(cfg->server.policy_poll_interval == std::chrono::seconds(300));
}

TEST_CASE("every documented key is read, relative paths against the file's directory") {
  auto cfg = parse_config(R"(
state_dir = "state"
zone = "extranet"
key_algorithm = "sm2"
asset_tag = "SZ-1"
location = "三楼 301"
log_level = "debug"
snapshot_interval_seconds = 300
policy_public_key = "keys/policy.pub"
[server]
url = "https://server.example:8443"
ca_file = "/etc/shouwei/ca.pem"
enroll_secret = "s3cret"
policy_poll_interval_seconds = 60
[antivirus]
anything = 1
)", "/etc/shouwei/agent.toml");
  REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? "" : cfg.error().message));
  CHECK(cfg->state_dir == "/etc/shouwei/state");
  CHECK(cfg->zone == shouwei::Zone::extranet);
  CHECK(cfg->key_algorithm == shouwei::KeyAlgorithm::sm2);
  CHECK(cfg->location == "三楼 301");
  CHECK(cfg->snapshot_interval == std::chrono::seconds(300));
  CHECK(cfg->policy_public_key == std::filesystem::path("/etc/shouwei/keys/policy.pub"));
  CHECK(cfg->server.url == "https://server.example:8443");
  CHECK(cfg->server.ca_file == "/etc/shouwei/ca.pem");
  CHECK(cfg->server.policy_poll_interval == std::chrono::seconds(60));
  CHECK(cfg->section("antivirus") != nullptr);
  CHECK(cfg->section("browsing") == nullptr);
}

TEST_CASE("bad values are refused naming the file and the key") {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"zone = \"dmz\"", "key 'zone'"},
      {"zone = 3", "key 'zone': expected a string"},
      {"key_algorithm = \"rsa\"", "key 'key_algorithm'"},
      {"snapshot_interval_seconds = 5", "snapshot_interval_seconds"},
      {"zonee = \"intranet\"", "key 'zonee': unknown setting"},
      {"[server]\nurl = \"http://plain\"", "must start with https://"},
      {"[server]\nverify = false", "server.verify"},
      {"[server]\npolicy_poll_interval_seconds = 1", "server.policy_poll_interval_seconds"},
      {"[server]\npolicy_poll_interval_seconds = \"5m\"", "server.policy_poll_interval_seconds"},
      {"state_dir = \"\"", "state_dir"},
      {"zone = \"intranet\"\nzone = \"internet\"", "/x/agent.toml:2"},
      {"this is not toml", "/x/agent.toml:1"},
  };
  for (const auto& c : cases) {
    auto cfg = parse_config(c.text, "/x/agent.toml");
    CAPTURE(c.text);
    REQUIRE_FALSE(cfg.ok());
    CHECK(cfg.error().message.find("/x/agent.toml") != std::string::npos);
    CHECK(cfg.error().message.find(c.expect) != std::string::npos);
    CHECK(cfg.error().message.find('\n') == std::string::npos);
  }
}

TEST_CASE("a missing configuration file is an error naming it") {
  auto cfg = shouwei::agent::load_config("/nonexistent/shouwei/agent.toml");
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.error().code == Errc::not_found);
  CHECK(cfg.error().message.find("/nonexistent/shouwei/agent.toml") != std::string::npos);
}
