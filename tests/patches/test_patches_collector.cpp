// The patches section from the Linux PackageSource over fixture trees: a Debian root built from
// real dpkg/apt data, an rpm root, and hostile ones (missing, garbled, a 2 GB log).
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "../common/temp_dir.hpp"
#include "rpm_blob.hpp"
#include "shouwei/collectors/patches/patches_collector.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/common/sqlite.hpp"
#include "shouwei/platform/linux/package_source.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
namespace p = shouwei::collectors::patches;
using shouwei::RootFs;

namespace {

const fs::path kDebianRoot = fs::path(SHOUWEI_FIXTURES) / "patches/debian";

json::object collect(const fs::path& root) {
  auto source = shouwei::platform::make_linux_package_source(RootFs(root));
  auto section = p::collect_patches(*source);
  REQUIRE_MESSAGE(section.ok(), section.error().message);
  return *section;
}

std::string local_as_utc(p::CivilTime t) {
  auto utc = shouwei::platform::local_to_utc(t);
  REQUIRE(utc);
  return shouwei::format_rfc3339(*utc);
}

const json::object* find_pending(const json::object& section, std::string_view name,
                                 std::string_view arch) {
  for (const auto& v : section.at("pending").as_array()) {
    const auto& o = v.as_object();
    if (o.at("name").as_string() == name && o.at("architecture").as_string() == arch) return &o;
  }
  return nullptr;
}

// Copies the Debian fixture into a writable temp root.
void copy_debian_root(const fs::path& to) {
  fs::copy(kDebianRoot, to, fs::copy_options::recursive);
}

long peak_rss_kib() {
  auto status = shouwei::read_file("/proc/self/status");
  if (!status) return -1;
  auto pos = status->find("VmHWM:");
  return pos == std::string::npos ? -1 : std::stol(status->substr(pos + 6));
}

}  // namespace

TEST_CASE("Debian fixture: installed, pending with security flags, logs, reboot, kernels") {
  json::object s = collect(kDebianRoot);
  CHECK(s.at("family") == "dpkg");
  CHECK(s.at("installed_count") == 14);

  // 4 indexes: bookworm amd64 + i386 (InRelease), bookworm-updates (.gz, plain Release),
  // bookworm-security (.lz4, InRelease).
  const auto& indexes = s.at("indexes").as_array();
  REQUIRE(indexes.size() == 4);
  int security_indexes = 0;
  for (const auto& i : indexes) {
    CHECK(i.as_object().at("packages").to_number<std::int64_t>() > 0);
    security_indexes += i.as_object().at("security").as_bool() ? 1 : 0;
  }
  CHECK(security_indexes == 1);

  const auto* libssl = find_pending(s, "libssl3", "amd64");
  REQUIRE(libssl);
  CHECK(libssl->at("installed") == "3.0.19-1~deb12u2");
  CHECK(libssl->at("candidate") == "3.0.22-1~deb12u2");
  CHECK(libssl->at("security") == true);
  const auto* tz = find_pending(s, "tzdata", "all");
  REQUIRE(tz);
  CHECK(tz->at("security") == true);
  const auto* bash = find_pending(s, "bash", "amd64");
  REQUIRE(bash);
  CHECK(bash->at("candidate") == "5.2.15-2+b13");
  CHECK(bash->at("security") == false);
  const auto* libc_i386 = find_pending(s, "libc6", "i386");
  REQUIRE(libc_i386);
  CHECK(libc_i386->at("candidate") == "2.36-9+deb12u14");
  CHECK(find_pending(s, "libc6", "amd64") == nullptr);  // already at the newest
  CHECK(find_pending(s, "curl", "amd64") == nullptr);   // security list only has older ones
  CHECK(s.at("pending_count") == s.at("pending").as_array().size());
  std::size_t security = 0;
  for (const auto& v : s.at("pending").as_array())
    security += v.as_object().at("security").as_bool();
  CHECK(s.at("pending_security_count") == security);
  CHECK(security >= 4);  // libssl3, openssl, tzdata, linux-image-amd64

  // The newest upgrade is in the gzip-rotated apt history; the newest change in dpkg.log.
  CHECK(s.at("last_patched_at") == local_as_utc({2026, 10, 28, 17, 30, 12}).c_str());
  CHECK(s.at("last_package_change_at") == local_as_utc({2026, 11, 10, 9, 15, 3}).c_str());

  CHECK(s.at("reboot_required") == true);
  CHECK(s.at("reboot_required_packages") == json::array{"linux-image-6.1.0-18-amd64", "libssl3"});
  CHECK(s.at("running_kernel") == "6.1.0-13-amd64");
  CHECK(s.at("newest_kernel") == "6.1.0-18-amd64");
  CHECK_MESSAGE(s.at("warnings").as_array().empty(), json::serialize(s.at("warnings")));
}

TEST_CASE(
    "without the marker, a running kernel older than the newest installed still needs a reboot") {
  shouwei::test::TempDir tmp;
  copy_debian_root(tmp / "root");
  fs::remove(tmp / "root/run/reboot-required");
  fs::remove(tmp / "root/run/reboot-required.pkgs");
  CHECK(collect(tmp / "root").at("reboot_required") == true);
  shouwei::test::write_test_file(tmp / "root/proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
  CHECK(collect(tmp / "root").at("reboot_required") == false);
  // A kernel that is not an installed package (a container, a custom build) proves nothing.
  shouwei::test::write_test_file(tmp / "root/proc/sys/kernel/osrelease", "6.18.44-custom\n");
  CHECK(collect(tmp / "root").at("reboot_required") == false);
}

TEST_CASE("no apt lists: pending is unknown (null), not zero") {
  shouwei::test::TempDir tmp;
  copy_debian_root(tmp / "root");
  fs::remove_all(tmp / "root/var/lib/apt/lists");
  json::object s = collect(tmp / "root");
  CHECK(s.at("pending").is_null());
  CHECK(s.at("pending_security_count").is_null());
  CHECK_FALSE(s.at("warnings").as_array().empty());
}

TEST_CASE("a corrupt index is reported in the section; the others still count") {
  shouwei::test::TempDir tmp;
  copy_debian_root(tmp / "root");
  auto lz4 =
      tmp /
      "root/var/lib/apt/lists/"
      "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4";
  shouwei::test::write_test_file(lz4, "not lz4 at all");
  json::object s = collect(tmp / "root");
  CHECK(s.at("pending").is_array());
  bool saw_error = false;
  for (const auto& i : s.at("indexes").as_array()) {
    if (i.as_object().contains("error")) saw_error = true;
  }
  CHECK(saw_error);
  CHECK_FALSE(s.at("warnings").as_array().empty());
}

TEST_CASE("no package database at all is an error naming both") {
  shouwei::test::TempDir tmp;
  auto source = shouwei::platform::make_linux_package_source(RootFs(tmp.path()));
  auto section = p::collect_patches(*source);
  REQUIRE_FALSE(section.ok());
  CHECK(section.error().code == shouwei::Errc::not_found);
  CHECK(section.error().message.find("/var/lib/dpkg/status") != std::string::npos);
  CHECK(section.error().message.find("rpmdb.sqlite") != std::string::npos);
}

TEST_CASE("a garbled status file is an error; a directory in its place too") {
  shouwei::test::TempDir tmp;
  fs::create_directories(tmp / "var/lib/dpkg");
  shouwei::test::write_test_file(tmp / "var/lib/dpkg/status",
                                 std::string(5000, '\x01') + "\n\x02\x03");
  auto source = shouwei::platform::make_linux_package_source(RootFs(tmp.path()));
  CHECK_FALSE(p::collect_patches(*source).ok());
  fs::remove(tmp / "var/lib/dpkg/status");
  fs::create_directories(tmp / "var/lib/dpkg/status");
  auto dir = p::collect_patches(*source);
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.error().message.find("not a regular file") != std::string::npos);
}

TEST_CASE("a 2 GB sparse dpkg.log costs bounded memory; its newest line still counts") {
  shouwei::test::TempDir tmp;
  copy_debian_root(tmp / "root");
  auto log = tmp / "root/var/log/dpkg.log";
  fs::resize_file(log, 2ull << 30);  // sparse: 2 GiB of zero bytes, no newline
  {
    std::ofstream out(log, std::ios::app | std::ios::binary);
    out << "\n2026-11-20 06:00:00 upgrade bash:amd64 5.2.15-2+b7 5.2.15-2+b8\n";
  }
  long before = peak_rss_kib();
  json::object s = collect(tmp / "root");
  long after = peak_rss_kib();
  CHECK(s.at("last_patched_at") == local_as_utc({2026, 11, 20, 6, 0, 0}).c_str());
  bool overlong_reported = false;
  for (const auto& w : s.at("warnings").as_array()) {
    if (w.as_string().find("overlong") != json::string::npos) overlong_reported = true;
  }
  CHECK(overlong_reported);
  if (before > 0) CHECK(after - before < 32 * 1024);  // KiB: far below the 2 GB on disk
}

TEST_CASE("rpm family: packages and last install time from rpmdb.sqlite") {
  shouwei::test::TempDir tmp;
  fs::create_directories(tmp / "var/lib/rpm");
  fs::create_directories(tmp / "proc/sys/kernel");
  shouwei::test::write_test_file(tmp / "proc/sys/kernel/osrelease",
                                 "5.10.0-60.18.0.50.oe2203.x86_64\n");
  {
    auto db = shouwei::sqlite::Database::open(tmp / "var/lib/rpm/rpmdb.sqlite");
    REQUIRE(db.ok());
    REQUIRE(db->exec("CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB "
                     "NOT NULL)")
                .ok());
    auto insert = db->prepare("INSERT INTO Packages(blob) VALUES (?)");
    REQUIRE(insert.ok());
    using shouwei::test::rpm_package_blob;
    for (const auto& blob :
         {rpm_package_blob("bash", "5.1.8", "6.oe2203", "x86_64", 1700000000),
          rpm_package_blob("kernel", "5.10.0", "60.18.0.50.oe2203", "x86_64", 1700000100),
          rpm_package_blob("kernel", "5.10.0", "136.12.0.86.oe2203sp1", "x86_64", 1710000000),
          rpm_package_blob("gpg-pubkey", "e2ec7b7c", "5f6b0e3a", "", 1690000000),
          std::string("\x00\x00\x00\x01junk", 8)}) {
      insert->reset();
      REQUIRE(insert->bind_blob(1, blob).run().ok());
    }
  }
  auto wal = tmp / "var/lib/rpm/rpmdb.sqlite-wal";
  json::object s = collect(tmp.path());
  CHECK(s.at("family") == "rpm");
  CHECK(s.at("installed_count") == 3);  // gpg-pubkey skipped, the junk blob too
  CHECK(s.at("last_patched_at") == "2024-03-09T16:00:00Z");
  CHECK(s.at("pending").is_null());
  CHECK(s.at("running_kernel") == "5.10.0-60.18.0.50.oe2203.x86_64");
  CHECK(s.at("newest_kernel") == "5.10.0-136.12.0.86.oe2203sp1.x86_64");
  CHECK(s.at("reboot_required") == true);
  (void)wal;
}
