// The antivirus section from the Linux AvProducts port over fixture trees: ClamAV with a
// custom DatabaseDirectory, fresh / stale / future signatures, junk databases, descriptors.
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "../common/temp_dir.hpp"
#include "shouwei/collectors/antivirus/antivirus_collector.hpp"
#include "shouwei/platform/linux/av_products.hpp"
#include "shouwei/platform/linux/package_source.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
namespace av = shouwei::collectors::antivirus;
using shouwei::RootFs;

namespace {

const fs::path kClamRoot = fs::path(SHOUWEI_FIXTURES) / "antivirus/clamav";

shouwei::TimePoint at(const char* rfc3339) {
  return *shouwei::parse_rfc3339(rfc3339);
}

json::object collect(const fs::path& root, const av::AntivirusConfig& config,
                     shouwei::TimePoint now) {
  auto host = shouwei::platform::make_linux_av_products(RootFs(root));
  auto section = av::collect_antivirus(*host, config, now);
  REQUIRE_MESSAGE(section.ok(), section.error().message);
  return *section;
}

// The file-based descriptor fields, in declaration order.
struct FileDescriptor {
  std::string name, signature_glob, version_file, version_regex, time_file, time_regex;
  std::vector<std::string> process_names;
};
av::ProductDescriptor descriptor(FileDescriptor f) {
  av::ProductDescriptor d;
  d.name = f.name;
  d.signature_glob = f.signature_glob;
  d.version_file = f.version_file;
  d.version_regex = f.version_regex;
  d.time_file = f.time_file;
  d.time_regex = f.time_regex;
  d.process_names = f.process_names;
  return d;
}

av::AntivirusConfig clamav_only() {
  av::AntivirusConfig c;
  c.products.clear();
  return c;
}

}  // namespace

TEST_CASE("ClamAV: databases from DatabaseDirectory, daily version, age from stime, daemons") {
  json::object s = collect(kClamRoot, clamav_only(), at("2026-11-21T10:00:00Z"));
  REQUIRE(s.at("products").as_array().size() == 1);
  const auto& p = s.at("products").as_array()[0].as_object();
  CHECK(p.at("name") == "ClamAV");
  CHECK(p.at("database_directory") == "/srv/clamav-db");
  CHECK(p.at("signature_version") == "27830");
  CHECK(p.at("signature_time") == "2026-11-20T10:00:00Z");
  CHECK(p.at("age_hours").to_number<double>() == doctest::Approx(24.0));
  CHECK(p.at("up_to_date") == true);
  CHECK(p.at("future_build_time") == false);
  CHECK(p.at("clamd_running") == true);
  CHECK(p.at("freshclam_running") == true);
  CHECK(p.at("clamonacc_running") == false);
  CHECK(p.at("realtime") == false);  // clamd alone does not scan on access
  const auto& dbs = p.at("databases").as_array();
  REQUIRE(dbs.size() == 3);
  CHECK(dbs[0].as_object().at("file") == "/srv/clamav-db/main.cvd");
  CHECK(dbs[1].as_object().at("file") == "/srv/clamav-db/daily.cld");
  CHECK(dbs[2].as_object().at("signatures") == 83);
}

TEST_CASE("ClamAV: stale after the configured age; a build time in the future is flagged") {
  auto config = clamav_only();
  const auto stale = collect(kClamRoot, config, at("2026-11-30T10:00:00Z"))
                         .at("products")
                         .as_array()[0]
                         .as_object();
  CHECK(stale.at("age_hours").to_number<double>() == doctest::Approx(240.0));
  CHECK(stale.at("up_to_date") == false);

  // The PC's clock set back to before the daily build: old signatures must not look fresh.
  const auto future = collect(kClamRoot, config, at("2026-11-18T00:00:00Z"))
                          .at("products")
                          .as_array()[0]
                          .as_object();
  CHECK(future.at("future_build_time") == true);
  CHECK(future.at("up_to_date") == false);
  CHECK(future.at("age_hours").to_number<double>() < 0);

  config.max_signature_age_hours = 300;
  const auto lenient = collect(kClamRoot, config, at("2026-11-30T10:00:00Z"))
                           .at("products")
                           .as_array()[0]
                           .as_object();
  CHECK(lenient.at("up_to_date") == true);
}

TEST_CASE("ClamAV: junk database headers leave the age unknown, never fresh") {
  shouwei::test::TempDir tmp;
  fs::copy(kClamRoot, tmp / "root", fs::copy_options::recursive);
  for (const char* f : {"main.cvd", "daily.cld", "bytecode.cvd"}) {
    shouwei::test::write_test_file(tmp / "root/srv/clamav-db" / f, std::string(600, 'Z'));
  }
  json::object s = collect(tmp / "root", clamav_only(), at("2026-11-21T10:00:00Z"));
  const auto& p = s.at("products").as_array()[0].as_object();
  CHECK(p.at("signature_time").is_null());
  CHECK(p.at("up_to_date").is_null());
  CHECK(p.at("databases").as_array()[0].as_object().contains("error"));
  CHECK(s.at("warnings").as_array().size() == 3);
}

TEST_CASE("no ClamAV and no /proc: no product, realtime unknowable, a warning") {
  shouwei::test::TempDir tmp;
  json::object s = collect(tmp.path(), clamav_only(), at("2026-11-21T10:00:00Z"));
  CHECK(s.at("products").as_array().empty());
  CHECK(s.at("product_count") == 0);
  CHECK(s.at("warnings").as_array().size() == 1);  // /proc not visible
}

TEST_CASE("ClamAV in the default directory with a .cvd and an older .cld side by side") {
  shouwei::test::TempDir tmp;
  fs::create_directories(tmp / "var/lib/clamav");
  fs::copy_file(kClamRoot / "srv/clamav-db/daily.cld", tmp / "var/lib/clamav/daily.cvd");
  fs::copy_file(kClamRoot / "srv/clamav-db/bytecode.cvd",
                tmp / "var/lib/clamav/daily.cld");  // version 336
  json::object s = collect(tmp.path(), clamav_only(), at("2026-11-21T10:00:00Z"));
  const auto& p = s.at("products").as_array()[0].as_object();
  CHECK(p.at("database_directory") == "/var/lib/clamav");
  CHECK(p.at("signature_version") == "27830");  // the higher version wins
  CHECK(p.at("realtime").is_null());
}

TEST_CASE("descriptor products: mtime of signature files, version and time by regex, processes") {
  shouwei::test::TempDir tmp;
  fs::create_directories(tmp / "opt/exampleav/db");
  fs::create_directories(tmp / "opt/exampleav/etc");
  fs::create_directories(tmp / "proc/77");
  shouwei::test::write_test_file(tmp / "proc/77/comm",
                                 "exampleav-realt\n");  // comm truncates at 15
  shouwei::test::write_test_file(tmp / "opt/exampleav/db/a.dat", "a");
  shouwei::test::write_test_file(tmp / "opt/exampleav/db/b.dat", "b");
  shouwei::test::write_test_file(tmp / "opt/exampleav/db/notes.txt", "c");
  shouwei::test::write_test_file(
      tmp / "opt/exampleav/etc/version.ini",
      "[Virus]\r\nVirusLibVersion=2026.11.20.01\r\nUpdateTime=1795226400\r\n");
  auto to_file_time = [](const char* t) { return std::chrono::file_clock::from_sys(at(t)); };
  fs::last_write_time(tmp / "opt/exampleav/db/a.dat", to_file_time("2026-11-01T00:00:00Z"));
  fs::last_write_time(tmp / "opt/exampleav/db/b.dat", to_file_time("2026-11-19T06:00:00Z"));
  fs::last_write_time(tmp / "opt/exampleav/db/notes.txt", to_file_time("2026-11-21T00:00:00Z"));

  av::AntivirusConfig config = clamav_only();
  config.clamav = false;
  config.products.push_back(
      descriptor({"By mtime", "/opt/exampleav/db/*.dat", "", "", "", "", {"exampleav-realtime"}}));
  config.products.push_back(descriptor({"By regex",
                                        "",
                                        "/opt/exampleav/etc/version.ini",
                                        "^VirusLibVersion=(\\S+)",
                                        "/opt/exampleav/etc/version.ini",
                                        "^UpdateTime=(\\d+)",
                                        {"otherd"}}));
  config.products.push_back(
      descriptor({"Absent", "/opt/absent/*.dat", "", "", "", "", {"absentd"}}));
  json::object s = collect(tmp.path(), config, at("2026-11-21T06:00:00Z"));
  const auto& products = s.at("products").as_array();
  REQUIRE(products.size() == 2);
  const auto& by_mtime = products[0].as_object();
  CHECK(by_mtime.at("signature_time") == "2026-11-19T06:00:00Z");
  CHECK(by_mtime.at("signature_version") == "2026-11-19T06:00:00Z");
  CHECK(by_mtime.at("signature_files") == 2);
  CHECK(by_mtime.at("age_hours").to_number<double>() == doctest::Approx(48.0));
  CHECK(by_mtime.at("realtime") == true);
  CHECK(by_mtime.at("up_to_date") == true);
  const auto& by_regex = products[1].as_object();
  CHECK(by_regex.at("signature_version") == "2026.11.20.01");
  CHECK(by_regex.at("signature_time") == "2026-11-21T02:00:00Z");
  CHECK(by_regex.at("realtime") == false);
}

TEST_CASE("product time strings") {
  shouwei::test::TempDir tmp;
  auto host = shouwei::platform::make_linux_av_products(RootFs(tmp.path()));
  auto local = [](int y, int mo, int d, int h, int mi, int s) {
    return shouwei::format_rfc3339(*shouwei::platform::local_to_utc({y, mo, d, h, mi, s}));
  };
  auto parsed = [&](const char* text) {
    auto t = av::parse_product_time(*host, text);
    return t ? shouwei::format_rfc3339(*t) : std::string("none");
  };
  CHECK(parsed("1795226400") == "2026-11-21T02:00:00Z");
  CHECK(parsed("2026-11-20 08:30:00") == local(2026, 11, 20, 8, 30, 0));
  CHECK(parsed("2026/11/20 08:30") == local(2026, 11, 20, 8, 30, 0));
  CHECK(parsed("20261120") == local(2026, 11, 20, 0, 0, 0));
  CHECK(parsed("20261120083000") == local(2026, 11, 20, 8, 30, 0));
  CHECK(parsed("2026-02-30") == "none");
  CHECK(parsed("yesterday") == "none");
}

TEST_CASE("ClamAV installed without databases is known not to be up to date") {
  shouwei::test::TempDir tmp;
  fs::create_directories(tmp / "etc/clamav");
  fs::create_directories(tmp / "var/lib/clamav");
  shouwei::test::write_test_file(tmp / "etc/clamav/freshclam.conf", "DatabaseOwner clamav\n");
  json::object s = collect(tmp.path(), clamav_only(), at("2026-11-21T10:00:00Z"));
  const auto& p = s.at("products").as_array()[0].as_object();
  CHECK(p.at("signatures_missing") == true);
  CHECK(p.at("up_to_date") == false);
  CHECK(p.at("age_hours").is_null());
}
