#include "server_test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

#include "shouwei/common/canonical_json.hpp"
#include "shouwei/common/dsse.hpp"

namespace shouwei::server::testing {

namespace json = boost::json;

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("shouwei-server-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TestDevice new_device(KeyAlgorithm alg) {
  auto key = PrivateKey::generate(alg);
  if (!key) throw std::runtime_error(key.error().message);
  return TestDevice{std::move(*key)};
}

std::string snapshot_payload(const std::string& device_id, const SnapshotSpec& spec) {
  json::array checks;
  for (const auto& c : spec.checks) {
    checks.push_back(json::object{{"id", c.at(0)},
                                  {"result", c.at(1)},
                                  {"title", c.at(2)},
                                  {"detail", "detail of " + c.at(0)}});
  }
  json::object payload{
      {"schema", "shouwei.snapshot/v1"},
      {"device_id", device_id},
      {"seq", spec.seq},
      {"taken_at", format_rfc3339(spec.taken_at)},
      {"agent_version", "0.1.0"},
      {"policy_version", nullptr},
      {"zone", spec.zone},
      {"inventory", json::object{{"hostname", spec.hostname}, {"os", "Debian 12"}}},
      {"antivirus", json::object{{"error", "no antivirus product found"}}},
      {"usb", json::object{{"devices", json::array{}}, {"events", spec.usb_events}}},
      {"compliance", json::object{{"checks", checks}}},
  };
  auto text = shouwei::json::canonicalize(payload);
  if (!text) throw std::runtime_error(text.error().message);
  return *text;
}

std::string signed_envelope(const PrivateKey& signer, const std::string& payload) {
  auto env = dsse::sign(dsse::kSnapshotPayloadType, payload, signer);
  if (!env) throw std::runtime_error(env.error().message);
  return dsse::serialize(*env);
}

std::string enroll_body(const TestDevice& device, const std::string& secret) {
  return json::serialize(json::object{{"enroll_secret", secret},
                                      {"public_key", device.key.public_key().to_pem()},
                                      {"key_algorithm", to_string(device.key.algorithm())},
                                      {"inventory", json::object{{"hostname", "pc-001"}}}});
}

namespace {
void run(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0)
    throw std::runtime_error("failed: " + command);
}
}  // namespace

TestPki make_test_pki(const std::filesystem::path& dir) {
  TestPki pki{dir / "ca.pem", dir / "server.pem", dir / "server.key"};
  const std::string d = dir.string();
  {
    std::ofstream ext(dir / "ext.cnf");
    ext << "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n";
  }
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "
      "/CN=shouwei-test-ca"
      " -keyout " +
      d + "/ca.key -out " + pki.ca_cert.string());
  run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost "
      "-keyout " +
      pki.server_key.string() + " -out " + d + "/server.csr");
  run("openssl x509 -req -days 2 -in " + d + "/server.csr -CA " + pki.ca_cert.string() +
      " -CAkey " + d + "/ca.key -CAcreateserial -extfile " + d + "/ext.cnf -out " +
      pki.server_cert.string());
  return pki;
}

}  // namespace shouwei::server::testing
