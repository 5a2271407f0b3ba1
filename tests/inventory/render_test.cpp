// The inventory section rendered from scripted facts: layout, nulls, UTF-8 repair, errors.
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "shouwei/collectors/inventory/fake_inventory_source.hpp"
#include "shouwei/collectors/inventory/inventory_collector.hpp"
#include "shouwei/common/canonical_json.hpp"

namespace bjson = boost::json;
using namespace shouwei;
using namespace shouwei::collectors;

namespace {

InventoryFacts full_facts() {
  InventoryFacts f;
  f.hostname = "jd-office-pc-0412";
  f.os.name = "Kylin";
  f.os.version = "银河麒麟桌面操作系统V10 (SP1)";
  f.os.version_id = "v10";
  f.os.id = "kylin";
  f.os.id_like = "debian";
  f.os.pretty_name = "Kylin V10 SP1";
  f.os.build = "2303";
  f.kernel = "5.4.18-85-generic";
  f.arch = "aarch64";
  f.boot_time = from_unix_seconds(1763683200);
  f.users = std::vector<LocalUser>{{"root", 0, "/root", "/bin/bash", true},
                                   {"daemon", 1, "/usr/sbin", "/usr/sbin/nologin", false}};
  f.sessions =
      std::vector<LoginSession>{{"lina", "pts/1", "10.12.3.44", from_unix_seconds(1763690000)},
                                {"zhangwei", ":0", std::nullopt, std::nullopt}};
  NetworkInterface eth0{"eth0", "00:e0:4c:68:0a:1b", std::vector<IpPrefix>{{"192.168.10.23", 24}},
                        std::vector<IpPrefix>{{"fe80::2e0:4cff:fe68:a1b", 64}}, true};
  NetworkInterface wg0{"wg0", std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  f.interfaces = std::vector<NetworkInterface>{eth0, wg0};
  f.domain = DomainMembership{"GOV.LOCAL", DomainJoin::domain};
  f.warnings = {"/etc/shells: cannot open: Permission denied"};
  return f;
}

bjson::object collect_with(InventoryFacts facts, InventoryConfig config = {}) {
  FakeInventorySource source(std::move(facts));
  auto collector = make_inventory_collector(source, std::move(config));
  const RootFs root("/nonexistent-root-not-used");
  const FixedClock clock(from_unix_seconds(0));
  auto section = collector->collect(CollectContext{root, clock});
  REQUIRE(section.ok());
  return section.value();
}

}  // namespace

TEST_CASE("every fact lands in its field, in the documented layout") {
  const auto section =
      collect_with(full_facts(), InventoryConfig{"GZ-2024-00731", "市政府大楼 3楼 301室"});
  const auto expected = bjson::parse(R"j({
    "hostname": "jd-office-pc-0412",
    "os": {"name": "Kylin", "version": "银河麒麟桌面操作系统V10 (SP1)", "version_id": "v10",
           "id": "kylin", "id_like": "debian", "pretty_name": "Kylin V10 SP1", "build": "2303",
           "edition": null},
    "kernel": "5.4.18-85-generic", "arch": "aarch64", "boot_time": "2025-11-21T00:00:00Z",
    "users": [{"name": "root", "uid": 0, "home": "/root", "shell": "/bin/bash", "login": true},
              {"name": "daemon", "uid": 1, "home": "/usr/sbin", "shell": "/usr/sbin/nologin", "login": false}],
    "sessions": [{"user": "lina", "tty": "pts/1", "host": "10.12.3.44", "login_time": "2025-11-21T01:53:20Z"},
                 {"user": "zhangwei", "tty": ":0", "host": null, "login_time": null}],
    "interfaces": [{"name": "eth0", "mac": "00:e0:4c:68:0a:1b", "ipv4": ["192.168.10.23/24"],
                    "ipv6": ["fe80::2e0:4cff:fe68:a1b/64"], "up": true},
                   {"name": "wg0", "mac": null, "ipv4": null, "ipv6": null, "up": null}],
    "domain": {"name": "GOV.LOCAL", "type": "domain"},
    "asset_tag": "GZ-2024-00731", "location": "市政府大楼 3楼 301室",
    "warnings": ["/etc/shells: cannot open: Permission denied"]
  })j");
  CHECK(bjson::value(section) == expected);
}

TEST_CASE("facts that were not found are null, never empty strings or guesses") {
  const auto section = collect_with(InventoryFacts{});
  for (const auto* key : {"hostname", "kernel", "arch", "boot_time", "users", "sessions",
                          "interfaces", "domain", "asset_tag", "location"}) {
    CAPTURE(key);
    CHECK(section.at(key).is_null());
  }
  for (const auto& member : section.at("os").as_object()) {
    const std::string key(member.key());
    CAPTURE(key);
    CHECK(member.value().is_null());
  }
  CHECK(section.at("warnings").as_array().empty());
}

TEST_CASE("known-empty lists stay empty lists, distinct from unknown") {
  InventoryFacts f;
  f.sessions.emplace();
  f.interfaces = std::vector<NetworkInterface>{
      {"lo", "00:00:00:00:00:00", std::vector<IpPrefix>{}, std::nullopt, false}};
  const auto section = collect_with(f);
  CHECK(section.at("sessions").as_array().empty());
  const auto& lo = section.at("interfaces").as_array().at(0).as_object();
  CHECK(lo.at("ipv4").as_array().empty());
  CHECK(lo.at("ipv6").is_null());
  CHECK(lo.at("up") == false);
}

TEST_CASE("a workgroup and an unjoined PC are told apart; an unjoined PC has no name") {
  InventoryFacts f;
  f.domain = DomainMembership{"财务处", DomainJoin::workgroup};
  CHECK(bjson::value(collect_with(f).at("domain")) ==
        bjson::parse(R"j({"name": "财务处", "type": "workgroup"})j"));
  f.domain = DomainMembership{std::nullopt, DomainJoin::unjoined};
  CHECK(bjson::value(collect_with(f).at("domain")) ==
        bjson::parse(R"j({"name": null, "type": "unjoined"})j"));
}

TEST_CASE("invalid UTF-8 from the system becomes U+FFFD so the section can be signed") {
  InventoryFacts f;
  f.hostname = "pc\xff-01";                                                         // stray byte
  f.users = std::vector<LocalUser>{{"\xC0\xAFroot", 0, "/root", "/bin/sh", true}};  // overlong '/'
  f.sessions =
      std::vector<LoginSession>{{"\xED\xA0\x80u", "tty1", "\xF4\x90\x80\x80", std::nullopt}};
  f.os.name = "张伟\xE4\xB8";  // valid Chinese, then a truncated sequence
  const auto section = collect_with(f);
  CHECK(section.at("hostname") == "pc\xEF\xBF\xBD-01");
  CHECK(section.at("users").as_array()[0].at("name") == "\xEF\xBF\xBD\xEF\xBF\xBDroot");
  CHECK(section.at("sessions").as_array()[0].at("user") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDu");
  CHECK(section.at("sessions").as_array()[0].at("host") ==
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(section.at("os").at("name") == "张伟\xEF\xBF\xBD\xEF\xBF\xBD");
  const auto canonical = json::canonicalize(section);
  CHECK_MESSAGE(canonical.ok(), (canonical.ok() ? "" : canonical.error().message));
}

TEST_CASE("a failing source fails the collector with the source's message") {
  FakeInventorySource source(
      Error{Errc::not_found, "/mnt/img: inventory root is not a readable directory"});
  auto collector = make_inventory_collector(source, {});
  CHECK(collector->section() == "inventory");
  const RootFs root("/");
  const FixedClock clock(from_unix_seconds(0));
  const auto section = collector->collect(CollectContext{root, clock});
  REQUIRE_FALSE(section.ok());
  CHECK(section.error().code == Errc::not_found);
  CHECK(section.error().message == "/mnt/img: inventory root is not a readable directory");
  CHECK(source.reads() == 1);
}
