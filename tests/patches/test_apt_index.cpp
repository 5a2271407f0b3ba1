// Release metadata, security suite detection and candidate selection.
#include <doctest/doctest.h>

#include "shouwei/collectors/patches/apt_index.hpp"
#include "shouwei/common/file_io.hpp"

namespace p = shouwei::collectors::patches;

namespace {
std::string lists_file(const std::string& name) {
  auto text = shouwei::read_file(std::string(SHOUWEI_FIXTURES) +
                                 "/patches/debian/var/lib/apt/lists/" + name);
  REQUIRE(text.ok());
  return *text;
}
}  // namespace

TEST_CASE("Release files of the real Debian archives") {
  auto sec = p::parse_release(
      lists_file("deb.debian.org_debian-security_dists_bookworm-security_InRelease"));
  CHECK(sec.origin == "Debian");
  CHECK(sec.label == "Debian-Security");
  CHECK(sec.suite == "oldstable-security");
  CHECK(sec.codename == "bookworm-security");
  CHECK(p::is_security_release(sec));

  auto main = p::parse_release(lists_file("deb.debian.org_debian_dists_bookworm_InRelease"));
  CHECK(main.codename == "bookworm");
  CHECK_FALSE(p::is_security_release(main));

  auto updates =
      p::parse_release(lists_file("deb.debian.org_debian_dists_bookworm-updates_Release"));
  CHECK(updates.codename == "bookworm-updates");
  CHECK_FALSE(p::is_security_release(updates));
}

TEST_CASE("security suites of other layouts") {
  CHECK(p::is_security_release({"Ubuntu", "Ubuntu", "jammy-security", "jammy"}));
  CHECK(p::is_security_release({"Debian", "Debian", "oldoldstable", "buster/updates"}));
  CHECK(p::is_security_release({"Kylin", "Kylin Security", "10.1", "v10"}));
  CHECK_FALSE(p::is_security_release({"Ubuntu", "Ubuntu", "jammy-updates", "jammy"}));
  CHECK_FALSE(p::is_security_release({}));
}

TEST_CASE("index architecture comes from the file name") {
  CHECK(p::index_architecture(
            "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4") == "amd64");
  CHECK(p::index_architecture("mirror_ubuntu_dists_jammy_main_binary-arm64_Packages") == "arm64");
  CHECK(p::index_architecture("flat_repo_Packages").empty());
}

TEST_CASE("candidates honour architecture, the native arch and arch:all") {
  std::vector<p::InstalledPackage> installed = {
      {"dpkg", "1.21.22", "amd64", {}},   {"libc6", "2.36-9", "amd64", {}},
      {"libc6", "2.36-9", "i386", {}},    {"tzdata", "2025b-0", "all", {}},
      {"movedtoall", "1.0", "amd64", {}}, {"foreign", "1.0", "arm64", {}},
  };
  p::CandidateIndex index(installed, "amd64");
  index.offer("libc6", "2.36-10", "amd64", false);
  index.offer("libc6", "2.36-9+deb12u1", "i386", true);
  index.offer("libc6", "2.36-8", "i386", true);  // older: ignored
  index.offer("tzdata", "2026a-0", "amd64",
              false);  // native arch candidate for an arch:all package
  index.offer("tzdata", "2026f-0", "all", true);
  index.offer("movedtoall", "2.0", "all", false);
  index.offer("foreign", "2.0", "all", false);  // arm64 is not native: no match
  index.offer("notinstalled", "9", "amd64", true);
  auto pending = index.pending();
  REQUIRE(pending.size() == 4);
  CHECK(pending[0].name == "libc6");
  CHECK(pending[0].architecture == "amd64");
  CHECK(pending[0].candidate == "2.36-10");
  CHECK_FALSE(pending[0].security);
  CHECK(pending[1].architecture == "i386");
  CHECK(pending[1].candidate == "2.36-9+deb12u1");
  CHECK(pending[1].security);
  CHECK(pending[2].name == "movedtoall");
  CHECK(pending[3].name == "tzdata");
  CHECK(pending[3].candidate == "2026f-0");
  CHECK(pending[3].security);
}

TEST_CASE("a security fix counts even when a newer non-security version exists") {
  std::vector<p::InstalledPackage> installed = {{"openssl", "3.0.17-1", "amd64", {}}};
  p::CandidateIndex index(installed, "amd64");
  index.offer("openssl", "3.0.18-1", "amd64", true);
  index.offer("openssl", "3.0.20-1", "amd64", false);
  auto pending = index.pending();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].candidate == "3.0.20-1");
  CHECK(pending[0].security);
}
