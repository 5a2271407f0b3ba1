// Cross-checks compare_dpkg_versions against `dpkg --compare-versions` on at least 10,000
// version pairs drawn from this machine's apt lists (/var/lib/apt/lists/*_Packages*, read
// through the same Linux PackageSource the agent uses, compressed lists included).
// Pairs: every pair of versions one package has across the lists, neighbours in our own order
// (the closest calls), and random pairs (fixed seed). dpkg runs in two parallel xargs workers.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <doctest/doctest.h>

#include "../common/temp_dir.hpp"
#include "shouwei/collectors/patches/deb822.hpp"
#include "shouwei/collectors/patches/dpkg_version.hpp"
#include "shouwei/platform/linux/package_source.hpp"

namespace p = shouwei::collectors::patches;

namespace {

// Debian's version alphabet; anything else would need shell quoting, and dpkg rejects it.
bool plain_version(const std::string& v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == '+' || c == '-' || c == '~' || c == ':';
  });
}

int sign(int v) {
  return (v > 0) - (v < 0);
}

}  // namespace

TEST_CASE("compare_dpkg_versions agrees with dpkg --compare-versions on >= 10,000 real pairs") {
  if (std::system("dpkg --compare-versions 1 lt 2 >/dev/null 2>&1") != 0) {
    MESSAGE("SKIPPED: dpkg is not available on this machine");
    return;
  }
  auto source = shouwei::platform::make_linux_package_source(shouwei::RootFs("/"));
  std::map<std::string, std::set<std::string>> by_package;
  for (const auto& index : source->apt_indexes()) {
    auto stream = source->open_apt_index(index);
    if (!stream) continue;
    p::Deb822Parser parser({"Package", "Version"}, [&](const p::Deb822Fields& f) {
      if (f[0] && f[1] && plain_version(*f[1])) by_package[*f[0]].insert(*f[1]);
      return true;
    });
    REQUIRE(parser.parse(**stream).ok());
  }
  if (by_package.empty()) {
    MESSAGE("SKIPPED: no apt lists in /var/lib/apt/lists (run apt-get update)");
    return;
  }

  std::set<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> all;
  for (const auto& [name, versions] : by_package) {
    for (auto a = versions.begin(); a != versions.end(); ++a) {
      for (auto b = std::next(a); b != versions.end(); ++b) pairs.emplace(*a, *b);
    }
    all.insert(all.end(), versions.begin(), versions.end());
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::vector<std::string> ordered = all;
  std::sort(ordered.begin(), ordered.end(), [](const std::string& a, const std::string& b) {
    return p::compare_dpkg_versions(a, b) < 0;
  });
  for (std::size_t i = 0; i + 1 < ordered.size() && pairs.size() < 8000; i += 3) {
    pairs.emplace(ordered[i], ordered[i + 1]);
  }
  std::mt19937 rng(20261121);
  std::uniform_int_distribution<std::size_t> pick(0, all.size() - 1);
  while (pairs.size() < 10500 && all.size() > 1) pairs.emplace(all[pick(rng)], all[pick(rng)]);
  REQUIRE(pairs.size() >= 10000);

  shouwei::test::TempDir tmp;
  {
    std::ofstream out(tmp / "pairs");
    for (const auto& [a, b] : pairs) out << a << ' ' << b << '\n';
  }
  std::string cmd =
      "xargs -P 2 -n 2 sh -c 'if dpkg --compare-versions \"$0\" lt \"$1\"; then echo \"$0 $1 -1\"; "
      "elif dpkg --compare-versions \"$0\" eq \"$1\"; then echo \"$0 $1 0\"; else echo \"$0 $1 "
      "1\"; fi' < " +
      (tmp / "pairs").string() + " > " + (tmp / "results").string();
  REQUIRE(std::system(cmd.c_str()) == 0);

  std::ifstream in(tmp / "results");
  std::string a, b;
  int expected = 0;
  std::size_t checked = 0, mismatches = 0;
  while (in >> a >> b >> expected) {
    ++checked;
    int ours = sign(p::compare_dpkg_versions(a, b));
    if (ours != expected && ++mismatches <= 10) {
      MESSAGE("mismatch: " << a << " vs " << b << ": dpkg " << expected << ", ours " << ours);
    }
  }
  MESSAGE("checked " << checked << " pairs from " << by_package.size() << " packages");
  CHECK(checked == pairs.size());
  CHECK(mismatches == 0);
}
