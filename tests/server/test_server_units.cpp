// Pure parts of the server: request-body parsers, bounded gzip, the CSV report format, the
// config file, the failure limiter and the metrics text.
#include <doctest/doctest.h>

#include "server_test_support.hpp"
#include "shouwei/common/https_client.hpp"
#include "shouwei/server/compliance_csv.hpp"
#include "shouwei/server/config.hpp"
#include "shouwei/server/gzip.hpp"
#include "shouwei/server/metrics.hpp"
#include "shouwei/server/rate_limiter.hpp"
#include "shouwei/server/request_parsers.hpp"

using namespace shouwei;
using namespace shouwei::server;
using namespace shouwei::server::testing;

namespace {
const std::string kDevice(64, 'a');

std::string payload_with(const std::string& replace_from, const std::string& replace_to) {
  std::string p = snapshot_payload(kDevice, SnapshotSpec{});
  auto pos = p.find(replace_from);
  REQUIRE(pos != std::string::npos);
  return p.replace(pos, replace_from.size(), replace_to);
}
}  // namespace

TEST_CASE("a valid snapshot payload yields its facts") {
  SnapshotSpec spec;
  spec.seq = 42;
  spec.usb_events = boost::json::array{boost::json::object{{"type", "blocked"}, {"vid", "0781"}}};
  auto facts = parse_snapshot_payload(snapshot_payload(kDevice, spec));
  REQUIRE(facts.ok());
  CHECK(facts->device_id == kDevice);
  CHECK(facts->seq == 42);
  CHECK(format_rfc3339(facts->taken_at) == format_rfc3339(spec.taken_at));
  CHECK(facts->zone == "intranet");
  CHECK(facts->hostname == "pc-001");
  CHECK_FALSE(facts->policy_version.has_value());
  REQUIRE(facts->checks.size() == 2);
  CHECK(facts->checks[1].id == "patches.age");
  CHECK(facts->checks[1].result == "fail");
  CHECK(facts->compliance == "fail");
  REQUIRE(facts->events.size() == 1);
  CHECK(facts->events[0].source == "usb");
  CHECK(facts->events[0].type == "blocked");
}

TEST_CASE("snapshot payload violations name the field") {
  struct Case {
    std::string from, to, field;
  };
  std::vector<Case> cases = {
      {"\"seq\":1", "\"seq\":0", "seq"},
      {"\"seq\":1", "\"seq\":1.5", "seq"},
      {"\"seq\":1", "\"seq\":\"1\"", "seq"},
      {"\"zone\":\"intranet\"", "\"zone\":\"home\"", "zone"},
      {"\"taken_at\":\"", "\"taken_at\":\"yesterday", "taken_at"},
      {"\"policy_version\":null", "\"policy_version\":-1", "policy_version"},
      {"\"device_id\":\"aaaa", "\"device_id\":\"AAAA", "device_id"},
      {"\"result\":\"pass\"", "\"result\":\"ok\"", "compliance.checks[0].result"},
      {"\"compliance\":{", "\"compliance\":{\"x\":1,", ""},  // extra keys inside a section are fine
      {"\"usb\":{", "\"usb\":[],\"x\":{", "usb"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.to);
    auto r = parse_snapshot_payload(payload_with(c.from, c.to));
    if (c.field.empty()) {
      CHECK(r.ok());
    } else {
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().message.find(c.field) != std::string::npos);
    }
  }
  CHECK(parse_snapshot_payload(payload_with("shouwei.snapshot/v1", "shouwei.snapshot/v2"))
            .error()
            .code == Errc::unsupported);
  CHECK_FALSE(parse_snapshot_payload("[]").ok());
  CHECK_FALSE(parse_snapshot_payload("{\"schema\":\"shouwei.snapshot/v1\",\"schema\":\"x\"}")
                  .ok());  // duplicate key
  CHECK_FALSE(parse_snapshot_payload("").ok());
}

TEST_CASE("a failed collector section is accepted and contributes nothing") {
  auto facts = parse_snapshot_payload(payload_with(
      "\"compliance\":{\"checks\":", "\"compliance\":{\"error\":\"boom\",\"checks\":"));
  REQUIRE(facts.ok());
  CHECK(facts->checks.empty());
  CHECK(facts->compliance == "unknown");
}

TEST_CASE("overall compliance") {
  CHECK(overall_compliance({}) == "unknown");
  CHECK(overall_compliance({{"a", "", "pass", ""}}) == "pass");
  CHECK(overall_compliance({{"a", "", "pass", ""}, {"b", "", "unknown", ""}}) == "unknown");
  CHECK(overall_compliance({{"a", "", "unknown", ""}, {"b", "", "fail", ""}}) == "fail");
}

TEST_CASE("enroll request parsing") {
  auto ok = parse_enroll_request(
      R"({"enroll_secret":"s","public_key":"PEM","key_algorithm":"sm2","inventory":{"hostname":"h"}})");
  REQUIRE(ok.ok());
  CHECK(ok->key_algorithm == "sm2");
  CHECK(ok->hostname == "h");
  auto no_inventory =
      parse_enroll_request(R"({"enroll_secret":"s","public_key":"PEM","key_algorithm":"p256"})");
  REQUIRE(no_inventory.ok());
  CHECK(no_inventory->inventory_json == "{}");
  CHECK(parse_enroll_request(R"({"enroll_secret":"s","public_key":"PEM","key_algorithm":"rsa"})")
            .error()
            .message.find("key_algorithm") != std::string::npos);
  CHECK(parse_enroll_request(R"({"public_key":"PEM","key_algorithm":"p256"})")
            .error()
            .message.find("enroll_secret") != std::string::npos);
  CHECK_FALSE(
      parse_enroll_request(R"({"enroll_secret":"s","public_key":"PEM","key_algorithm":"p256",)")
          .ok());
  CHECK_FALSE(
      parse_enroll_request(R"({"enroll_secret":"","public_key":"PEM","key_algorithm":"p256"})")
          .ok());
  std::string long_secret(300, 'x');
  CHECK(parse_enroll_request(R"({"enroll_secret":")" + long_secret +
                             R"(","public_key":"P","key_algorithm":"p256"})")
            .error()
            .code == Errc::limit_exceeded);
}

TEST_CASE("gunzip_bounded inflates real gzip and refuses bombs, garbage and truncation") {
  std::string text(100000, 'x');
  auto gz = gzip_compress(text);
  auto back = gunzip_bounded(gz, text.size());
  REQUIRE(back.ok());
  CHECK(*back == text);
  CHECK(gunzip_bounded(gz, text.size() - 1).error().code == Errc::limit_exceeded);
  // 64 MiB of zeros compress to ~64 KiB: refused at a 1 MiB cap.
  auto bomb = gzip_compress(std::string(64u << 20, '\0'));
  CHECK(bomb.size() < (1u << 20));
  CHECK(gunzip_bounded(bomb, 1u << 20).error().code == Errc::limit_exceeded);
  CHECK(gunzip_bounded(gz.substr(0, gz.size() / 2), text.size()).error().code == Errc::parse);
  CHECK(gunzip_bounded("not gzip at all", 1000).error().code == Errc::parse);
  CHECK(gunzip_bounded(gz + "trailing", text.size()).error().code == Errc::parse);
  CHECK(gunzip_bounded("", 1000).error().code == Errc::parse);
}

TEST_CASE("CSV cells: RFC 4180 quoting and formula guard") {
  CHECK(csv_cell("plain") == "plain");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("two\nlines") == "\"two\nlines\"");
  CHECK(csv_cell("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
  CHECK(csv_cell("+1") == "'+1");
  CHECK(csv_cell("-1") == "'-1");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_cell("杀毒软件") == "杀毒软件");
}

TEST_CASE("compliance CSV: BOM, CRLF, bilingual header, one line per row") {
  std::vector<ComplianceRow> rows = {{"dev1", "pc-1", "财务处", "intranet", "2027-01-15T08:00:00Z",
                                      "3", "av.running", "杀毒软件运行", "pass", "ok"},
                                     {"dev1", "pc-1", "财务处", "intranet", "2027-01-15T08:00:00Z",
                                      "3", "x", "t", "fail", "=cmd|' /C calc'!A0"}};
  std::string csv = render_compliance_csv(rows);
  CHECK(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  auto first_line = csv.substr(3, csv.find("\r\n") - 3);
  CHECK(first_line.find("终端ID / Device ID") != std::string::npos);
  CHECK(first_line.find("结果 / Result") != std::string::npos);
  std::size_t lines = 0;
  for (std::size_t p = 0; (p = csv.find("\r\n", p)) != std::string::npos; p += 2) ++lines;
  CHECK(lines == 3);
  CHECK(csv.find("\n") == csv.find("\r\n") + 1);  // no bare LF line ends
  CHECK(csv.find("合规 / pass") != std::string::npos);
  CHECK(csv.find(",'=cmd|' /C calc'!A0\r\n") != std::string::npos);
}

TEST_CASE("config: defaults, relative paths, errors name the key") {
  auto c = parse_config(
      "listen = \"0.0.0.0:9443\"\ntls_cert = \"c.pem\"\ntls_key = \"/k.pem\"\ndatabase = "
      "\"s.db\"\n",
      "server.toml", "/etc/shouwei");
  REQUIRE(c.ok());
  CHECK(c->listen_host == "0.0.0.0");
  CHECK(c->listen_port == 9443);
  CHECK(c->tls_cert == "/etc/shouwei/c.pem");
  CHECK(c->tls_key == "/k.pem");
  CHECK(c->max_body_bytes == 4u * 1024u * 1024u);
  auto v6 = parse_config(
      "listen = \"[::1]:8443\"\ntls_cert = \"c\"\ntls_key = \"k\"\ndatabase = \"d\"\n", "f", "/");
  REQUIRE(v6.ok());
  CHECK(v6->listen_host == "::1");
  auto err = [](const std::string& text) {
    auto r = parse_config(text, "server.toml", "/");
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  const std::string base = "tls_cert = \"c\"\ntls_key = \"k\"\ndatabase = \"d\"\n";
  CHECK(err("tls_key = \"k\"\ndatabase = \"d\"\n").find("tls_cert") != std::string::npos);
  CHECK(err(base + "max_body_bytes = \"big\"\n").find("max_body_bytes") != std::string::npos);
  CHECK(err(base + "max_body_bytes = 10\n").find("max_body_bytes") != std::string::npos);
  CHECK(err(base + "listen = \"localhost\"\n").find("listen") != std::string::npos);
  CHECK(err(base + "lisen = \"a:1\"\n").find("lisen") != std::string::npos);
  CHECK(err(base + "[[broken").find("server.toml:") == 0);
}

TEST_CASE("failure limiter: blocks after N failures in the window, forgets after it") {
  FailureLimiter limiter(3, std::chrono::seconds(60));
  TimePoint t0 = from_unix_seconds(1'000'000);
  for (int i = 0; i < 3; ++i) {
    CHECK_FALSE(limiter.blocked("10.0.0.1", t0));
    limiter.record_failure("10.0.0.1", t0 + std::chrono::seconds(i));
  }
  CHECK(limiter.blocked("10.0.0.1", t0 + std::chrono::seconds(3)));
  CHECK_FALSE(limiter.blocked("10.0.0.2", t0 + std::chrono::seconds(3)));
  CHECK(limiter.blocked("10.0.0.1", t0 + std::chrono::seconds(59)));
  CHECK_FALSE(limiter.blocked("10.0.0.1", t0 + std::chrono::seconds(61)));
}

TEST_CASE("metrics render the Prometheus text format") {
  Metrics m;
  m.add("shouwei_x_total", "Things.", {{"route", "a\"b"}});
  m.add("shouwei_x_total", "Things.", {{"route", "a\"b"}}, 2);
  m.add("shouwei_a_total", "A.", {});
  CHECK(m.render() ==
        "# HELP shouwei_a_total A.\n# TYPE shouwei_a_total counter\nshouwei_a_total 1\n"
        "# HELP shouwei_x_total Things.\n# TYPE shouwei_x_total "
        "counter\nshouwei_x_total{route=\"a\\\"b\"} 3\n");
}
