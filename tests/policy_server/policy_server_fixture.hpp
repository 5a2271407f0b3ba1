// A shouwei-server on loopback HTTPS configured for policies: an organisation policy key (its
// PEM files next to the database, for shouweictl), a categories directory, console tokens,
// enrollment per group, device-authenticated requests, and signed policy envelopes made the
// way `shouweictl policy sign` makes them.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server_test_support.hpp"
#include "shouwei/common/https_client.hpp"
#include "shouwei/server/api.hpp"
#include "shouwei/server/https_server.hpp"

namespace shouwei::server::testing {

struct PolicyServerOptions {
  bool policy_key = true;  // configure the organisation key (else pushes must be refused)
  std::size_t max_category_bytes = 64 * 1024;
  std::size_t max_body_bytes = 4u * 1024u * 1024u;  // every other route
};

class PolicyServer {
 public:
  explicit PolicyServer(PolicyServerOptions options = {});
  ~PolicyServer();
  PolicyServer(const PolicyServer&) = delete;
  PolicyServer& operator=(const PolicyServer&) = delete;

  // Stops, reopens the same database and categories directory, starts on a new port.
  void restart();

  std::string base_url() const;
  const std::filesystem::path& dir() const { return dir_.path(); }
  const TestPki& pki() const { return pki_; }
  const PrivateKey& org_key() const { return org_; }
  std::filesystem::path org_key_file() const { return dir() / "org.key"; }
  Store& store() { return *store_; }

  const std::string& admin() const { return admin_; }
  const std::string& viewer() const { return viewer_; }

  // Any request; a transport failure fails the test.
  HttpsResponse send(const HttpsRequest& request) const;
  // Console call with an optional bearer token.
  HttpsResponse send(const std::string& method, const std::string& path,
                     const std::string& body = {}, const std::string& token = {},
                     const std::string& content_type = "application/json") const;
  // A transport failure is returned, not a test failure (oversized uploads may be cut off).
  Result<HttpsResponse> try_send(const HttpsRequest& request) const;

  // Enrolls a new device into `group` (an enroll secret per group is made on first use).
  TestDevice enroll(const std::string& group);
  // GET /api/v1/policy signed by `signer` at `at`, as the agent asks for it.
  HttpsResponse fetch_policy(const PrivateKey& signer, const std::string& if_none_match = {},
                             std::optional<TimePoint> at = std::nullopt) const;

 private:
  void start();
  void stop();

  PolicyServerOptions options_;
  TempDir dir_;
  TestPki pki_;
  PrivateKey org_;
  std::unique_ptr<Store> store_;
  SystemClock clock_;
  Metrics metrics_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpsServer> https_;
  std::string admin_;
  std::string viewer_;
  std::map<std::string, std::string> secrets_;  // group -> enroll secret
};

struct PolicySpec {
  std::int64_t version = 1;
  std::vector<std::string> groups{"*"};
  std::chrono::seconds issued_ago{60};    // issued_at = now - this
  std::chrono::hours valid_for{24 * 30};  // expires_at = issued_at + this
  std::int64_t snapshot_interval_seconds = 3600;
};

// The DSSE envelope JSON of a shouwei.policy/v1 document (canonical payload) signed by key.
std::string signed_policy(const PrivateKey& key, const PolicySpec& spec);

// A small valid category database (a few gambling and adult domains).
std::string small_category_db();

}  // namespace shouwei::server::testing
