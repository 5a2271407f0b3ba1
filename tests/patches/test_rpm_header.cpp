// RPM header blobs: the fields we read, and every way a blob can lie about its sizes.
#include <doctest/doctest.h>

#include "rpm_blob.hpp"
#include "shouwei/collectors/patches/rpm_header.hpp"

namespace p = shouwei::collectors::patches;
using shouwei::test::RpmBlobBuilder;

TEST_CASE("name, epoch:version-release, arch and install time") {
  std::string blob = RpmBlobBuilder()
                         .string(1000, "openssl-libs")
                         .int32(1003, 1)
                         .string(1001, "3.0.12")
                         .string(1002, "5.oe2403")
                         .int32(1008, 1732000000)
                         .string(1022, "x86_64")
                         .build();
  auto pkg = p::parse_rpm_header(blob);
  REQUIRE(pkg.ok());
  CHECK(pkg->name == "openssl-libs");
  CHECK(pkg->version == "1:3.0.12-5.oe2403");
  CHECK(pkg->architecture == "x86_64");
  REQUIRE(pkg->install_time);
  CHECK(shouwei::to_unix_seconds(*pkg->install_time) == 1732000000);
}

TEST_CASE("broken blobs fail with a message naming the problem") {
  std::string good = shouwei::test::rpm_package_blob("bash", "5.2", "1", "x86_64", 1);
  CHECK_FALSE(p::parse_rpm_header("").ok());
  CHECK_FALSE(p::parse_rpm_header(good.substr(0, good.size() - 1)).ok());  // data truncated
  std::string huge_count = good;
  huge_count[0] = '\x7f';
  auto r = p::parse_rpm_header(huge_count);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("entry count") != std::string::npos);
  // NAME pointing past the data store.
  std::string bad_offset = good;
  bad_offset[8 + 16 + 8] = '\x7f';  // second entry (NAME): offset high byte
  CHECK_FALSE(p::parse_rpm_header(bad_offset).ok());
  // Missing NAME.
  std::string nameless = RpmBlobBuilder().string(1001, "1").string(1002, "1").build();
  CHECK_FALSE(p::parse_rpm_header(nameless).ok());
  // A data store shorter than the length the header declares.
  std::string short_store = RpmBlobBuilder().string(1000, "x").build();
  short_store.resize(short_store.size() - 17);
  CHECK_FALSE(p::parse_rpm_header(short_store).ok());
}
