// Compliance checks: each rule's pass / fail / unknown, missing facts never passing, the
// thresholds from [compliance], and the whole chain over the patches and antivirus fixtures.
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "shouwei/collectors/antivirus/antivirus_collector.hpp"
#include "shouwei/collectors/compliance/compliance.hpp"
#include "shouwei/collectors/patches/patches_collector.hpp"
#include "shouwei/platform/linux/av_products.hpp"
#include "shouwei/platform/linux/package_source.hpp"

namespace json = boost::json;
namespace cc = shouwei::collectors::compliance;

namespace {

shouwei::TimePoint at(const char* t) {
  return *shouwei::parse_rfc3339(t);
}

json::object good_payload() {
  return json::parse(R"({
    "patches": {"pending_security_count": 0, "last_patched_at": "2026-11-10T00:00:00Z", "reboot_required": false},
    "antivirus": {"products": [{"name": "ClamAV", "age_hours": 20.5, "future_build_time": false}]}
  })")
      .as_object();
}

std::map<std::string, std::string> results(const json::object& compliance) {
  std::map<std::string, std::string> out;
  for (const auto& c : compliance.at("checks").as_array()) {
    out[std::string(c.at("id").as_string())] = std::string(c.at("result").as_string());
  }
  return out;
}

}  // namespace

TEST_CASE("all facts present and good: every check passes, with titles and regulations") {
  json::object c = cc::evaluate_compliance(good_payload(), {}, at("2026-11-21T00:00:00Z"));
  auto r = results(c);
  CHECK(r.size() == 5);
  for (const auto& entry : r) {
    CAPTURE(entry.first);
    CHECK(entry.second == "pass");
  }
  CHECK(c.at("summary").at("compliant") == true);
  const auto& fresh = c.at("checks").as_array()[1].as_object();
  CHECK(fresh.at("id") == "av.signatures_fresh");
  CHECK(fresh.at("title").at("zh") == "病毒特征库及时更新");
  CHECK(fresh.at("regulation") == "Shenzhen: 特征库及时更新");
  CHECK(fresh.at("detail").at("en") == "ClamAV: signatures 20.5 h old (max 72.0 h)");
}

TEST_CASE("violations fail against the thresholds") {
  json::object p = good_payload();
  p["patches"].as_object()["pending_security_count"] = 3;
  p["patches"].as_object()["last_patched_at"] = "2026-09-01T00:00:00Z";
  p["patches"].as_object()["reboot_required"] = true;
  p["antivirus"].as_object()["products"].as_array()[0].as_object()["age_hours"] = 100;
  auto r = results(cc::evaluate_compliance(p, {}, at("2026-11-21T00:00:00Z")));
  CHECK(r["av.present"] == "pass");
  CHECK(r["av.signatures_fresh"] == "fail");
  CHECK(r["patches.security_pending"] == "fail");
  CHECK(r["patches.recent"] == "fail");
  CHECK(r["reboot.pending"] == "fail");
  cc::ComplianceThresholds lenient{120, 5, 90};
  auto l = results(cc::evaluate_compliance(p, lenient, at("2026-11-21T00:00:00Z")));
  CHECK(l["av.signatures_fresh"] == "pass");
  CHECK(l["patches.security_pending"] == "pass");
  CHECK(l["patches.recent"] == "pass");
}

TEST_CASE("missing or failed facts are unknown, never pass") {
  auto now = at("2026-11-21T00:00:00Z");
  auto empty = cc::evaluate_compliance(json::object{}, {}, now);
  for (const auto& entry : results(empty)) {
    CAPTURE(entry.first);
    CHECK(entry.second == "unknown");
  }
  CHECK(empty.at("summary").at("compliant").is_null());

  json::object failed = json::parse(R"({"patches": {"error": "no package database"},
                                        "antivirus": {"error": "boom"}})")
                            .as_object();
  auto f = cc::evaluate_compliance(failed, {}, now);
  for (const auto& entry : results(f)) CHECK(entry.second == "unknown");
  CHECK(f.at("checks").as_array()[2].at("detail").at("en") ==
        "patches collection failed: no package database");

  json::object nulls = json::parse(R"({
    "patches": {"pending_security_count": null, "last_patched_at": null, "reboot_required": null},
    "antivirus": {"products": [{"name": "X", "age_hours": null}]}})")
                           .as_object();
  auto n = results(cc::evaluate_compliance(nulls, {}, now));
  CHECK(n["av.present"] == "pass");
  CHECK(n["av.signatures_fresh"] == "unknown");
  CHECK(n["patches.security_pending"] == "unknown");
  CHECK(n["patches.recent"] == "unknown");
  CHECK(n["reboot.pending"] == "unknown");

  json::object wrong_types =
      json::parse(R"({"patches": [1,2], "antivirus": {"products": "none"}})").as_object();
  for (const auto& [id, result] : results(cc::evaluate_compliance(wrong_types, {}, now)))
    CHECK(result == "unknown");
}

TEST_CASE("no antivirus product fails both AV checks; a future build time fails freshness") {
  auto now = at("2026-11-21T00:00:00Z");
  json::object p = good_payload();
  p["antivirus"].as_object()["products"] = json::array{};
  auto r = results(cc::evaluate_compliance(p, {}, now));
  CHECK(r["av.present"] == "fail");
  CHECK(r["av.signatures_fresh"] == "fail");
  p["antivirus"].as_object()["products"] =
      json::parse(R"([{"name": "ClamAV", "age_hours": -30, "future_build_time": true}])");
  CHECK(results(cc::evaluate_compliance(p, {}, now))["av.signatures_fresh"] == "fail");
  p["antivirus"].as_object()["products"] =
      json::parse(R"([{"name": "ClamAV", "age_hours": null, "signatures_missing": true}])");
  CHECK(results(cc::evaluate_compliance(p, {}, now))["av.signatures_fresh"] == "fail");
}

TEST_CASE("[compliance] thresholds") {
  CHECK(cc::parse_compliance_config(nullptr)->max_days_since_patch == 30);
  toml::table doc = toml::parse(
      "[compliance]\nmax_signature_age_hours = 24\nmax_pending_security = 2\nmax_days_since_patch "
      "= 14\n");
  auto t = cc::parse_compliance_config(doc["compliance"].as_table());
  REQUIRE(t.ok());
  CHECK(t->max_signature_age_hours == 24);
  CHECK(t->max_pending_security == 2);
  CHECK(t->max_days_since_patch == 14);
  toml::table bad = toml::parse("[compliance]\nmax_pending_security = -1\n");
  auto e = cc::parse_compliance_config(bad["compliance"].as_table());
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().message == "compliance.max_pending_security: must be a non-negative integer");
  toml::table unknown = toml::parse("[compliance]\nmax_days = 3\n");
  CHECK(cc::parse_compliance_config(unknown["compliance"].as_table()).error().message ==
        "compliance.max_days: unknown key");
}

TEST_CASE("the chain over the fixtures: Debian patches + ClamAV") {
  auto now = at("2026-11-21T10:00:00Z");
  auto packages = shouwei::platform::make_linux_package_source(
      shouwei::RootFs(std::string(SHOUWEI_FIXTURES) + "/patches/debian"));
  auto av_host = shouwei::platform::make_linux_av_products(
      shouwei::RootFs(std::string(SHOUWEI_FIXTURES) + "/antivirus/clamav"));
  shouwei::collectors::antivirus::AntivirusConfig av_config;
  json::object payload;
  payload["patches"] = *shouwei::collectors::patches::collect_patches(*packages);
  payload["antivirus"] =
      *shouwei::collectors::antivirus::collect_antivirus(*av_host, av_config, now);
  auto r = results(cc::evaluate_compliance(payload, {}, now));
  CHECK(r["av.present"] == "pass");
  CHECK(r["av.signatures_fresh"] == "pass");       // daily.cld built 24 h before
  CHECK(r["patches.security_pending"] == "fail");  // libssl3, openssl, tzdata...
  CHECK(r["patches.recent"] == "pass");            // 2026-10-28, 24 days before
  CHECK(r["reboot.pending"] == "fail");            // /run/reboot-required
}
