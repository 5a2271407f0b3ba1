// CVD/CLD header parsing on sigtool-layout fixtures and on junk.
#include <cstdlib>

#include <doctest/doctest.h>

#include "../common/temp_dir.hpp"
#include "shouwei/collectors/antivirus/cvd_header.hpp"
#include "shouwei/common/file_io.hpp"

namespace av = shouwei::collectors::antivirus;

namespace {
std::string db_file(const char* name) {
  auto bytes =
      shouwei::read_file(std::string(SHOUWEI_FIXTURES) + "/antivirus/clamav/srv/clamav-db/" + name);
  REQUIRE(bytes.ok());
  return *bytes;
}
std::string padded(std::string header) {
  header.resize(512, ' ');
  return header;
}
}  // namespace

TEST_CASE("a daily.cld header yields version, counts, builder and stime") {
  auto h = av::parse_cvd_header(db_file("daily.cld"));
  REQUIRE_MESSAGE(h.ok(), h.error().message);
  CHECK(h->build_time_text == "20 Nov 2026 05-00 -0500");
  CHECK(h->version == 27830);
  CHECK(h->signatures == 2071321);
  CHECK(h->functionality_level == 90);
  CHECK(h->builder == "raynman");
  CHECK(shouwei::format_rfc3339(h->build_time) == "2026-11-20T10:00:00Z");
}

TEST_CASE("main.cvd and bytecode.cvd parse too") {
  auto main = av::parse_cvd_header(db_file("main.cvd"));
  REQUIRE(main.ok());
  CHECK(main->version == 62);
  auto bytecode = av::parse_cvd_header(db_file("bytecode.cvd"));
  REQUIRE(bytecode.ok());
  CHECK(bytecode->signatures == 83);
}

TEST_CASE("junk headers are errors naming the problem") {
  CHECK_FALSE(av::parse_cvd_header("").ok());
  CHECK_FALSE(av::parse_cvd_header(std::string(511, ' ')).ok());
  auto magic = av::parse_cvd_header(padded("ClamAV-VDX:1:2:3:4:5:6:7:1700000000"));
  REQUIRE_FALSE(magic.ok());
  CHECK(magic.error().message.find("magic") != std::string::npos);
  CHECK_FALSE(av::parse_cvd_header(padded("ClamAV-VDB:t:1:2:3:m:d:b")).ok());  // 8 fields
  CHECK_FALSE(av::parse_cvd_header(padded("ClamAV-VDB:t:x:2:3:m:d:b:1700000000")).ok());
  CHECK_FALSE(av::parse_cvd_header(padded("ClamAV-VDB:t:1:-2:3:m:d:b:1700000000")).ok());
  CHECK_FALSE(av::parse_cvd_header(padded("ClamAV-VDB:t:1:2:3:m:d:b:99999999999999999999")).ok());
  CHECK_FALSE(av::parse_cvd_header(padded("ClamAV-VDB:t:1:2:3:m:d:b:12")).ok());  // before 2000
  std::string binary = padded("ClamAV-VDB:t:1:2:3:m:d:b:1700000000");
  binary[20] = '\x01';
  CHECK_FALSE(av::parse_cvd_header(binary).ok());
  CHECK(av::parse_cvd_header(padded("ClamAV-VDB:t:1:2:3:m:d:b:1700000000")).ok());
}

// ClamAV's own reader as the independent check: `sigtool --info` (Debian package clamav) must
// report the same version, signature count, functionality level and builder for every fixture.
TEST_CASE("sigtool --info reads the fixture headers as we do") {
  if (std::system("sigtool --version >/dev/null 2>&1") != 0) {
    MESSAGE("SKIPPED: sigtool not installed (Debian package clamav)");
    return;
  }
  shouwei::test::TempDir tmp;
  for (const char* name : {"main.cvd", "daily.cld", "bytecode.cvd"}) {
    CAPTURE(name);
    std::string out = (tmp / name).string() + ".info";
    std::string cmd = "sigtool --info " + std::string(SHOUWEI_FIXTURES) +
                      "/antivirus/clamav/srv/clamav-db/" + name + " > " + out + " 2>/dev/null";
    (void)std::system(
        cmd.c_str());  // exits non-zero: the fixtures' digital signature is a placeholder
    auto info = shouwei::read_file(out);
    REQUIRE(info.ok());
    auto h = av::parse_cvd_header(db_file(name));
    REQUIRE(h.ok());
    CHECK(info->find("Version: " + std::to_string(h->version) + "\n") != std::string::npos);
    CHECK(info->find("Signatures: " + std::to_string(h->signatures) + "\n") != std::string::npos);
    CHECK(info->find("Functionality level: " + std::to_string(h->functionality_level) + "\n") !=
          std::string::npos);
    CHECK(info->find("Builder: " + h->builder + "\n") != std::string::npos);
  }
}
