// shouweictl policy init -> sign -> show with the real binary: the template follows the
// regulations, the envelope verifies against the public key with the library an agent uses and
// carries canonical JSON, show prints both languages, and failures exit with the documented
// codes (2 invalid document, 4 does not verify).
#include <string>

#include <doctest/doctest.h>

#include "common/run_command.hpp"
#include "common/temp_dir.hpp"
#include "shouwei/common/canonical_json.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/common/policy.hpp"

using namespace shouwei;

namespace {

using Run = test::CommandRun;

// Runs shouweictl with args (already shell-quoted).
Run ctl(const std::string& args) {
  return test::run_command(std::string(SHOUWEICTL) + " " + args);
}

}  // namespace

TEST_CASE("policy init -> sign -> show round trip") {
  test::TempDir dir;
  const std::string d = dir.path().string();
  REQUIRE(ctl("keygen --out " + d + "/org").status == 0);
  REQUIRE(ctl("keygen --out " + d + "/other").status == 0);

  REQUIRE(ctl("policy init --out " + d + "/policy.json").status == 0);
  auto doc = policy::parse_policy(read_file(dir / "policy.json").value());
  REQUIRE(doc.ok());
  CHECK(doc->version == 1);
  CHECK(doc->log_retention_days == 90);
  CHECK(doc->media.unregistered == policy::UnregisteredMedia::read_only);
  CHECK(ctl("policy init --out " + d + "/policy.json").status != 0);  // never overwritten

  Run signed_run = ctl("policy sign --key " + d + "/org.key " + d + "/policy.json");
  REQUIRE(signed_run.status == 0);
  auto pub = PublicKey::load(dir / "org.pub");
  REQUIRE(pub.ok());
  auto verified = policy::verify_policy_envelope(
      signed_run.out, *pub, std::chrono::system_clock::now(), std::nullopt, "any-group");
  REQUIRE(verified.ok());
  CHECK(verified->prohibited_categories == doc->prohibited_categories);
  auto envelope = dsse::parse(signed_run.out).value();
  CHECK(json::canonicalize_text(envelope.payload).value() == envelope.payload);

  test::write_test_file(dir / "policy.env", signed_run.out);
  Run shown = ctl("policy show --key " + d + "/org.pub " + d + "/policy.env");
  CHECK(shown.status == 0);
  CHECK(shown.out.find("已验证 / verified") != std::string::npos);
  CHECK(shown.out.find("日志保留 / Log retention: 90") != std::string::npos);
  CHECK(shown.out.find("未登记介质 / Unregistered media: 只读 / read_only") != std::string::npos);

  CHECK(ctl("policy show --key " + d + "/other.pub " + d + "/policy.env").status == 4);
  test::write_test_file(dir / "truncated.env", signed_run.out.substr(0, 60));
  CHECK(ctl("policy show --key " + d + "/org.pub " + d + "/truncated.env").status == 4);
  Run unverified = ctl("policy show " + d + "/policy.env");
  CHECK(unverified.status == 0);
  CHECK(unverified.out.find("NOT verified") != std::string::npos);
}

TEST_CASE("policy sign refuses an invalid document") {
  test::TempDir dir;
  const std::string d = dir.path().string();
  REQUIRE(ctl("keygen --out " + d + "/org").status == 0);
  REQUIRE(ctl("policy init --out " + d + "/policy.json").status == 0);
  std::string text = read_file(dir / "policy.json").value();
  const auto at = text.find("\"log_retention_days\": 90");
  REQUIRE(at != std::string::npos);
  text.replace(at, 24, "\"log_retention_days\": 30");
  test::write_test_file(dir / "short.json", text);
  Run r = ctl("policy sign --key " + d + "/org.key " + d + "/short.json");
  CHECK(r.status == 2);
  CHECK(r.out.empty());
}
