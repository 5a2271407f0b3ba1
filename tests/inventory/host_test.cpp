// The Linux source on the machine running the tests, compared with the system's own tools:
// hostname(1), uname(1) and `ip -j addr` (iproute2), whose JSON is parsed with Boost.JSON.
#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "shouwei/collectors/inventory/inventory_source.hpp"

namespace bjson = boost::json;
using namespace shouwei;
using namespace shouwei::collectors;

namespace {

// stdout of a shell command, without the trailing newline; fails the test if it cannot run.
std::string run(const char* command) {
  struct Closer {
    void operator()(FILE* f) const noexcept { pclose(f); }
  };
  std::unique_ptr<FILE, Closer> pipe(popen(command, "r"));
  REQUIRE(pipe);
  std::string out;
  std::array<char, 4096> buf;
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0;)
    out.append(buf.data(), n);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

InventoryFacts host_facts() {
  auto source = make_inventory_source(RootFs("/"));
  auto facts = source->read();
  REQUIRE_MESSAGE(facts.ok(), (facts.ok() ? "" : facts.error().message));
  return facts.value();
}

const NetworkInterface* find_interface(const InventoryFacts& facts, std::string_view name) {
  for (const auto& nic : *facts.interfaces) {
    if (nic.name == name) return &nic;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("hostname, kernel and architecture equal what the system tools print") {
  const auto facts = host_facts();
  CHECK(facts.hostname == run("hostname"));
  CHECK(facts.kernel == run("uname -r"));
  CHECK(facts.arch == run("uname -m"));
  CHECK(facts.boot_time.has_value());
  REQUIRE(facts.users.has_value());
  CHECK((*facts.users)[0].name == "root");
}

TEST_CASE("every address and MAC that `ip -j addr` lists is present") {
  const auto facts = host_facts();
  REQUIRE(facts.interfaces.has_value());
  const auto links = bjson::parse(run("ip -j addr")).as_array();
  REQUIRE_FALSE(links.empty());
  std::size_t addresses = 0;
  for (const auto& link_value : links) {
    const auto& link = link_value.as_object();
    const std::string name(link.at("ifname").as_string());
    CAPTURE(name);
    const auto* nic = find_interface(facts, name);
    REQUIRE(nic != nullptr);
    if (const auto* mac = link.if_contains("address"); mac && link.at("link_type") != "none") {
      CHECK(nic->mac == std::string(mac->as_string()));
    }
    CHECK(nic->up == std::ranges::any_of(link.at("flags").as_array(),
                                         [](const bjson::value& f) { return f == "UP"; }));
    for (const auto& info_value : link.at("addr_info").as_array()) {
      const auto& info = info_value.as_object();
      const IpPrefix expected{std::string(info.at("local").as_string()),
                              static_cast<unsigned>(info.at("prefixlen").to_number<int>())};
      CAPTURE(expected.address);
      const auto& family = info.at("family") == "inet" ? nic->ipv4 : nic->ipv6;
      REQUIRE(family.has_value());
      CHECK(std::ranges::find(*family, expected) != family->end());
      ++addresses;
    }
  }
  MESSAGE("checked " << links.size() << " interfaces, " << addresses << " addresses");
}

TEST_CASE("every session that `who` lists is present (when this machine keeps a utmp)") {
  const auto facts = host_facts();
  const std::string who = run("who 2>/dev/null");
  if (!facts.sessions) {
    CHECK(who.empty());  // no utmp: who has nothing to list either
    return;
  }
  std::size_t listed = 0;
  for (std::size_t start = 0; start < who.size();) {
    const auto end = std::min(who.find('\n', start), who.size());
    const std::string line = who.substr(start, end - start);
    start = end + 1;
    const auto user_end = line.find(' ');
    const auto tty_start = line.find_first_not_of(' ', user_end);
    const std::string user = line.substr(0, user_end);
    const std::string tty = line.substr(tty_start, line.find(' ', tty_start) - tty_start);
    CAPTURE(line);
    CHECK(std::ranges::any_of(
        *facts.sessions, [&](const LoginSession& s) { return s.user == user && s.tty == tty; }));
    ++listed;
  }
  CHECK(listed <= facts.sessions->size());  // who drops records whose process has died
}
