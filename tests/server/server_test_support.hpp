// Helpers shared by the server tests: temporary directories, device keys, signed snapshot
// envelopes built the way the agent builds them (canonical JSON, DSSE), and a throwaway PKI
// (CA + localhost server certificate) made with the openssl command line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/server/store.hpp"

namespace shouwei::server::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct TestDevice {
  PrivateKey key;
  std::string id() const { return key.keyid(); }
};
TestDevice new_device(KeyAlgorithm alg = KeyAlgorithm::ed25519);

struct SnapshotSpec {
  std::int64_t seq = 1;
  TimePoint taken_at = from_unix_seconds(1'800'000'000);
  std::string zone = "intranet";
  std::string hostname = "pc-001";
  // (id, result, title) triples; detail is "detail of <id>".
  std::vector<std::vector<std::string>> checks = {
      {"av.running", "pass", "杀毒软件运行 / Antivirus running"},
      {"patches.age", "fail", "补丁及时 / Patches current"}};
  boost::json::array usb_events;
};

// Canonical JSON payload of a shouwei.snapshot/v1 snapshot for device_id.
std::string snapshot_payload(const std::string& device_id, const SnapshotSpec& spec);
// DSSE envelope JSON signed by `signer`.
std::string signed_envelope(const PrivateKey& signer, const std::string& payload);
std::string enroll_body(const TestDevice& device, const std::string& secret);

struct TestPki {
  std::filesystem::path ca_cert;
  std::filesystem::path server_cert;
  std::filesystem::path server_key;
};
// CA and a server certificate for localhost / 127.0.0.1 (P-256), written under dir.
TestPki make_test_pki(const std::filesystem::path& dir);

}  // namespace shouwei::server::testing
