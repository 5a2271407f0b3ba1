// The deb822 parser and the dpkg status reader on real-format and broken input.
#include <doctest/doctest.h>

#include "shouwei/collectors/patches/deb822.hpp"
#include "shouwei/collectors/patches/dpkg_status.hpp"
#include "shouwei/common/file_io.hpp"

namespace p = shouwei::collectors::patches;

namespace {
std::string fixture(const char* rel) {
  auto text = shouwei::read_file(std::string(SHOUWEI_FIXTURES) + "/patches/" + rel);
  REQUIRE(text.ok());
  return *text;
}
}  // namespace

TEST_CASE("the status reader keeps installed packages only") {
  p::StringStream in(fixture("debian/var/lib/dpkg/status"));
  auto status = p::read_dpkg_status(in);
  REQUIRE(status.ok());
  CHECK(status->paragraphs == 15);
  CHECK(status->installed.size() == 14);  // telnet is "deinstall ok config-files"
  CHECK(status->incomplete == 0);
  CHECK(status->malformed_lines == 0);
  bool saw_i386 = false;
  for (const auto& pkg : status->installed) {
    CHECK(pkg.name != "telnet");
    if (pkg.name == "libc6" && pkg.architecture == "i386") {
      saw_i386 = true;
      CHECK(pkg.version == "2.36-9+deb12u13");
    }
  }
  CHECK(saw_i386);
}

TEST_CASE("field names match case-insensitively and continuation lines join") {
  std::vector<std::string> values;
  p::Deb822Parser parser({"description"}, [&](const p::Deb822Fields& f) {
    values.push_back(f[0].value_or("<none>"));
    return true;
  });
  p::StringStream in("DESCRIPTION: first\n second line\n .\n\nPackage: x\n");
  auto stats = parser.parse(in);
  REQUIRE(stats.ok());
  REQUIRE(values.size() == 2);
  CHECK(values[0] == "first\nsecond line\n.");
  CHECK(values[1] == "<none>");
}

TEST_CASE("a truncated status file keeps the complete paragraphs and counts the cut one") {
  std::string text = fixture("debian/var/lib/dpkg/status");
  text.resize(text.find("Package: libc6\nStatus: install ok installed\nPriority: "
                        "optional\nSection: libs\nInstalled-Size: 12420") +
              60);  // inside Priority
  p::StringStream in(text);
  auto status = p::read_dpkg_status(in);
  REQUIRE(status.ok());
  CHECK(status->installed.size() < 14);
  CHECK(status->incomplete == 1);
}

TEST_CASE("garbage is an error, not an empty system") {
  p::StringStream junk(
      std::string("\x7f"
                  "ELF\x02\x01\x01\0\0\0garbage without structure\n\x01\x02\x03",
                  40));
  auto status = p::read_dpkg_status(junk);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == shouwei::Errc::parse);

  p::StringStream empty("");
  auto none = p::read_dpkg_status(empty);
  REQUIRE(none.ok());
  CHECK(none->installed.empty());
}

TEST_CASE("an endless line is skipped with bounded memory") {
  std::string text = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n";
  text += "Package: b" + std::string(1 << 20, 'x') + "\n\n";
  text += "Package: c\nStatus: install ok installed\nVersion: 2\nArchitecture: all\n";
  p::StringStream in(text);
  auto status = p::read_dpkg_status(in);
  REQUIRE(status.ok());
  CHECK(status->installed.size() == 2);
  CHECK(status->overlong_lines == 1);
}

TEST_CASE("clear-signed InRelease text is unwrapped") {
  std::string text = fixture(
      "debian/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease");
  std::string_view body = p::strip_clearsign(text);
  CHECK(body.substr(0, 15) == "Origin: Debian\n");
  CHECK(body.find("BEGIN PGP SIGNATURE") == std::string_view::npos);
}
