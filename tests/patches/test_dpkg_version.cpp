// dpkg's version order on hand-picked edge cases (the 10,000-pair cross-check against dpkg
// itself is test_dpkg_crosscheck).
#include <doctest/doctest.h>

#include "shouwei/collectors/patches/dpkg_version.hpp"

using shouwei::collectors::patches::compare_dpkg_versions;
using shouwei::collectors::patches::parse_dpkg_version;

namespace {
int sign(int v) {
  return (v > 0) - (v < 0);
}
}  // namespace

TEST_CASE("parse splits epoch, upstream and revision at the first colon and last hyphen") {
  auto v = parse_dpkg_version("1:2.30-1-2ubuntu1");
  REQUIRE(v);
  CHECK(v->epoch == 1);
  CHECK(v->upstream == "2.30-1");
  CHECK(v->revision == "2ubuntu1");
  auto plain = parse_dpkg_version("7.88.1");
  REQUIRE(plain);
  CHECK(plain->epoch == 0);
  CHECK(plain->revision.empty());
  CHECK_FALSE(parse_dpkg_version(""));
  CHECK_FALSE(parse_dpkg_version("x:1.0"));
  CHECK_FALSE(parse_dpkg_version("99999999999999999999:1"));
}

TEST_CASE("order follows deb-version(7)") {
  struct Case {
    const char *a, *b;
    int expected;
  };
  const Case cases[] = {
      {"1.0", "1.0", 0},
      {"1.0", "1.0-0", 0},     // absent revision equals "0"
      {"1:0.1", "2.0", 1},     // epoch wins
      {"0:1.0", "1.0", 0},     // epoch 0 is the default
      {"1.0~rc1", "1.0", -1},  // tilde sorts before the end
      {"1.0~~", "1.0~", -1},   // and before another tilde's end
      {"1.0~rc1", "1.0~rc2", -1},
      {"1.0", "1.0a", -1},   // end before letters
      {"1.0a", "1.0+", -1},  // letters before other characters
      {"1.0+", "1.0.", -1},  // '+' (43) before '.' (46)
      {"1.10", "1.9", 1},    // digit runs compare numerically
      {"1.010", "1.10", 0},  // leading zeros ignored
      {"2.36-9+deb12u13", "2.36-9+deb12u14", -1},
      {"3.0.19-1~deb12u2", "3.0.17-1~deb12u2", 1},
      {"5.2.15-2+b8", "5.2.15-2+b13", -1},
      {"7.88.1-10+deb12u5", "7.88.1-10+deb12u15", -1},
      {"2025b-0+deb12u2", "2026f-0+deb12u1", -1},
      {"1:9.2p1-2+deb12u6", "1:9.2p1-2+deb12u3", 1},
      {"1.2.3-1ubuntu0.1", "1.2.3-1", 1},
      {"1.0-1", "1.0-1~bpo12+1", 1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    CHECK(sign(compare_dpkg_versions(c.a, c.b)) == c.expected);
    CHECK(sign(compare_dpkg_versions(c.b, c.a)) == -c.expected);
  }
}

TEST_CASE("unparsable versions still order totally, without throwing") {
  CHECK(compare_dpkg_versions("x:1", "x:1") == 0);
  CHECK(compare_dpkg_versions("", "1") < 0);
  CHECK(compare_dpkg_versions(":::", "---") != 0);
}
