#include "policy_server_fixture.hpp"

#include <stdexcept>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "shouwei/collectors/categories/category_db_builder.hpp"
#include "shouwei/common/device_auth.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/policy.hpp"
#include "shouwei/os/files.hpp"
#include "shouwei/server/admin.hpp"

namespace shouwei::server::testing {

namespace {
TimePoint now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}
}  // namespace

PolicyServer::PolicyServer(PolicyServerOptions options)
    : options_(options),
      pki_(make_test_pki(dir_.path())),
      org_(PrivateKey::generate(KeyAlgorithm::ed25519).value()) {
  REQUIRE(org_.save(org_key_file()).ok());
  REQUIRE(os::write_file_atomic(dir() / "org.pub", org_.public_key().to_pem(),
                                os::FileMode::public_read)
              .ok());
  store_ = open_sqlite_store(dir() / "server.db").value();
  admin_ = create_console_token(*store_, clock_, Role::admin, "cli")->text;
  viewer_ = create_console_token(*store_, clock_, Role::viewer, "cli")->text;
  start();
}

PolicyServer::~PolicyServer() {
  stop();
}

void PolicyServer::start() {
  ApiOptions o;
  if (options_.policy_key) o.policy_public_key = org_.public_key();
  o.categories_dir = dir() / "categories";
  o.max_category_bytes = options_.max_category_bytes;
  o.max_body_bytes = options_.max_body_bytes;
  api_ = std::make_unique<Api>(*store_, clock_, metrics_, o);
  HttpsOptions h;
  h.port = 0;
  h.tls_cert = pki_.server_cert;
  h.tls_key = pki_.server_key;
  h.request_timeout = std::chrono::seconds(5);
  h.threads = 2;
  h.max_body_bytes = options_.max_body_bytes;
  auto created = HttpsServer::create(*api_, h);
  REQUIRE(created.ok());
  https_ = std::move(*created);
  https_->start();
}

void PolicyServer::stop() {
  if (!https_) return;
  https_->stop();
  https_->wait();
  https_.reset();
  api_.reset();
}

void PolicyServer::restart() {
  stop();
  store_.reset();
  store_ = open_sqlite_store(dir() / "server.db").value();
  start();
}

std::string PolicyServer::base_url() const {
  return "https://localhost:" + std::to_string(https_->port());
}

Result<HttpsResponse> PolicyServer::try_send(const HttpsRequest& request) const {
  HttpsClient::Options o;
  o.base_url = base_url();
  o.ca_file = pki_.ca_cert;
  o.total_timeout = std::chrono::seconds(20);
  SHOUWEI_TRY(auto client, HttpsClient::create(o));
  return client.send(request);
}

HttpsResponse PolicyServer::send(const HttpsRequest& request) const {
  auto r = try_send(request);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
  return *r;
}

HttpsResponse PolicyServer::send(const std::string& method, const std::string& path,
                                 const std::string& body, const std::string& token,
                                 const std::string& content_type) const {
  HttpsRequest r;
  r.method = method;
  r.path = path;
  r.body = body;
  r.content_type = content_type;
  if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
  return send(r);
}

TestDevice PolicyServer::enroll(const std::string& group) {
  auto& secret = secrets_[group];
  if (secret.empty()) {
    secret = create_enroll_secret(*store_, clock_, group, false, "cli").value().text;
  }
  TestDevice d = new_device();
  auto r = send("POST", "/api/v1/enroll", enroll_body(d, secret));
  REQUIRE(r.status == 200);
  return d;
}

HttpsResponse PolicyServer::fetch_policy(const PrivateKey& signer, const std::string& if_none_match,
                                         std::optional<TimePoint> at) const {
  const std::string target = "/api/v1/policy";
  auto auth = device_auth::sign_request(signer, "GET", target, at.value_or(clock_.now()));
  REQUIRE(auth.ok());
  HttpsRequest r;
  r.path = target;
  r.headers.emplace_back(std::string(device_auth::kDeviceHeader), auth->device_id);
  r.headers.emplace_back(std::string(device_auth::kTimeHeader), auth->time);
  r.headers.emplace_back(std::string(device_auth::kSignatureHeader), auth->signature);
  if (!if_none_match.empty()) r.headers.emplace_back("If-None-Match", if_none_match);
  return send(r);
}

std::string signed_policy(const PrivateKey& key, const PolicySpec& spec) {
  policy::Policy p = policy::safe_defaults();
  p.version = spec.version;
  p.groups = spec.groups;
  p.issued_at = now_seconds() - spec.issued_ago;
  p.expires_at = p.issued_at + spec.valid_for;
  p.snapshot_interval_seconds = spec.snapshot_interval_seconds;
  auto canonical = policy::canonical_policy(p);
  if (!canonical) throw std::runtime_error(canonical.error().message);
  auto envelope = dsse::sign(dsse::kPolicyPayloadType, *canonical, key);
  if (!envelope) throw std::runtime_error(envelope.error().message);
  return dsse::serialize(*envelope);
}

std::string small_category_db() {
  collectors::categories::CategoryDbBuilder builder;
  std::string_view why;
  for (const char* domain : {"casino.example", "bet.example.org", "poker.example.net"}) {
    if (!builder.add_domain("gambling", domain, &why)) throw std::runtime_error(std::string(why));
  }
  if (!builder.add_domain("adult", "adult.example", &why))
    throw std::runtime_error(std::string(why));
  auto bytes = builder.build();
  if (!bytes) throw std::runtime_error(bytes.error().message);
  return *bytes;
}

}  // namespace shouwei::server::testing
