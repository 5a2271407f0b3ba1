// Last-patch detection from dpkg.log and apt's history.log lines.
#include <doctest/doctest.h>

#include "shouwei/collectors/patches/patch_log.hpp"

namespace p = shouwei::collectors::patches;

TEST_CASE("civil time parsing accepts both log layouts and rejects nonsense") {
  auto t = p::parse_civil_time("2025-06-24 14:36:25");
  REQUIRE(t);
  CHECK(t->year == 2025);
  CHECK(t->second == 25);
  CHECK(p::parse_civil_time("2025-06-24  14:36:25"));  // apt history has two spaces
  CHECK_FALSE(p::parse_civil_time("2025-02-30 10:00:00"));
  CHECK_FALSE(p::parse_civil_time("2025-06-24T14:36:25"));
  CHECK_FALSE(p::parse_civil_time("2025-06-24 25:00:00"));
}

TEST_CASE("dpkg.log: upgrade is a patch, install/remove only a change") {
  p::PatchLogScanner s(p::PatchLogKind::dpkg);
  s.line("2026-10-20 08:00:41 upgrade libssl3:amd64 3.0.17-1~deb12u2 3.0.19-1~deb12u2");
  s.line("2026-11-10 09:15:03 install telnet:all <none> 0.17+2.4-2");
  s.line("2026-11-10 09:15:03 status installed telnet:all 0.17+2.4-2");
  s.line("2026-12-01 00:00:00 startup archives unpack");
  s.line("garbage line");
  s.line("2026-13-01 00:00:00 upgrade x:amd64 1 2");
  REQUIRE(s.last_upgrade());
  CHECK(*s.last_upgrade() == p::CivilTime{2026, 10, 20, 8, 0, 41});
  REQUIRE(s.last_change());
  CHECK(*s.last_change() == p::CivilTime{2026, 11, 10, 9, 15, 3});
}

TEST_CASE("apt history: entries are dated by Start-Date and never span files") {
  p::PatchLogScanner s(p::PatchLogKind::apt_history);
  for (const char* line :
       {"", "Start-Date: 2026-10-28  17:30:12", "Commandline: unattended-upgrade",
        "Upgrade: base-files:amd64 (12.4+deb12u10, 12.4+deb12u11)",
        "End-Date: 2026-10-28  17:30:14", "", "Start-Date: 2026-11-10  09:15:01",
        "Install: telnet:amd64 (0.17+2.4-2)"}) {
    s.line(line);
  }
  s.next_file();
  s.line("Upgrade: orphan:amd64 (1, 2)");  // no Start-Date in this file: ignored
  REQUIRE(s.last_upgrade());
  CHECK(*s.last_upgrade() == p::CivilTime{2026, 10, 28, 17, 30, 12});
  CHECK(*s.last_change() == p::CivilTime{2026, 11, 10, 9, 15, 1});
}
