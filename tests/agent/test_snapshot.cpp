#include <doctest/doctest.h>

#include <stdexcept>

#include <boost/json.hpp>

#include "shouwei/agent/snapshot.hpp"
#include "shouwei/common/canonical_json.hpp"

using namespace shouwei;

namespace {
class ScriptedCollector final : public collectors::Collector {
 public:
  enum class Mode { ok, error, throws };
  ScriptedCollector(std::string name, Mode mode) : name_(std::move(name)), mode_(mode) {}
  std::string_view section() const override { return name_; }
  Result<boost::json::object> collect(const collectors::CollectContext&) override {
    ++calls;
    if (mode_ == Mode::error) return fail(Errc::io, "/var/lib/dpkg/status: cannot open");
    if (mode_ == Mode::throws) throw std::runtime_error("boom");
    boost::json::object o;
    o["value"] = 42;
    return o;
  }
  std::optional<std::string> ack_marker() const override {
    return mode_ == Mode::ok ? std::optional<std::string>("17") : std::nullopt;
  }
  Result<void> acknowledge(std::string_view marker) override {
    acknowledged = std::string(marker);
    return {};
  }
  int calls = 0;
  std::string acknowledged;

 private:
  std::string name_;
  Mode mode_;
};
}  // namespace

TEST_CASE("a failing or throwing collector yields an error section and the snapshot is still built") {
  std::vector<std::unique_ptr<collectors::Collector>> list;
  auto* good = new ScriptedCollector("inventory", ScriptedCollector::Mode::ok);
  list.emplace_back(good);
  list.emplace_back(new ScriptedCollector("patches", ScriptedCollector::Mode::error));
  list.emplace_back(new ScriptedCollector("antivirus", ScriptedCollector::Mode::throws));
  agent::SnapshotBuilder builder(std::move(list), [](const boost::json::object& payload, TimePoint) {
    boost::json::object c;
    c["checks"] = boost::json::array{};
    c["saw_patches_error"] = payload.at("patches").as_object().contains("error");
    return c;
  });

  FixedClock clock(*parse_rfc3339("2026-11-21T08:00:00Z"));
  RootFs root("/");
  agent::SnapshotHeader header{std::string(64, 'a'), 7, Zone::extranet, std::nullopt};
  auto payload = builder.build({root, clock}, header);

  CHECK(payload.at("schema").as_string() == "shouwei.snapshot/v1");
  CHECK(payload.at("seq").as_int64() == 7);
  CHECK(payload.at("taken_at").as_string() == "2026-11-21T08:00:00Z");
  CHECK(payload.at("zone").as_string() == "extranet");
  CHECK(payload.at("policy_version").is_null());
  CHECK(payload.at("inventory").at("value").as_int64() == 42);
  CHECK(payload.at("patches").at("error").as_string() == "/var/lib/dpkg/status: cannot open");
  CHECK(std::string(payload.at("antivirus").at("error").as_string()).find("boom") != std::string::npos);
  CHECK(payload.at("compliance").at("saw_patches_error").as_bool());

  auto markers = builder.ack_markers();
  CHECK(markers.size() == 1);
  CHECK(markers.at("inventory").as_string() == "17");
  REQUIRE(builder.acknowledge(markers).ok());
  CHECK(good->acknowledged == "17");
}

TEST_CASE("the signed snapshot is canonical JSON that verifies with the device key") {
  for (auto alg : {KeyAlgorithm::ed25519, KeyAlgorithm::p256, KeyAlgorithm::sm2}) {
    CAPTURE(to_string(alg));
    auto key = PrivateKey::generate(alg);
    REQUIRE(key.ok());
    boost::json::object payload;
    payload["zone"] = "intranet";
    payload["schema"] = "shouwei.snapshot/v1";
    payload["inventory"] = boost::json::object{{"hostname", "办公室-01"}};
    auto signed_snapshot = agent::sign_snapshot(payload, *key);
    REQUIRE(signed_snapshot.ok());
    CHECK(signed_snapshot->payload ==
          R"({"inventory":{"hostname":"办公室-01"},"schema":"shouwei.snapshot/v1","zone":"intranet"})");
    auto parsed = dsse::parse(signed_snapshot->envelope_json);
    REQUIRE(parsed.ok());
    CHECK(dsse::verify(*parsed, key->public_key(), dsse::kSnapshotPayloadType).ok());
    CHECK(parsed->signatures.at(0).keyid == key->keyid());
  }
}
