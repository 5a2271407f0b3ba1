// [antivirus] configuration: defaults, the shipped descriptors, site descriptors, and errors
// that name the key.
#include <algorithm>

#include <doctest/doctest.h>

#include "shouwei/collectors/antivirus/antivirus_collector.hpp"
#include "shouwei/collectors/antivirus/antivirus_config.hpp"

namespace av = shouwei::collectors::antivirus;

namespace {
shouwei::Result<av::AntivirusConfig> parse(std::string_view text) {
  toml::table doc = toml::parse(text);
  return av::parse_antivirus_config(doc["antivirus"].as_table());
}
std::string error_of(std::string_view text) {
  auto r = parse(text);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}
}  // namespace

TEST_CASE("no section: ClamAV, 72 h, and the shipped descriptors") {
  auto c = av::parse_antivirus_config(nullptr);
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  CHECK(c->clamav);
  CHECK(c->max_signature_age_hours == 72);
  auto builtin = av::builtin_product_descriptors();
  REQUIRE(builtin.ok());
  auto on = [&](const char* platform) {
    return std::count_if(builtin->begin(), builtin->end(),
                         [&](const auto& d) { return d.platform == platform; });
  };
  CHECK(on("linux") == 2);
  CHECK(on("windows") == 4);
  CHECK(c->products.size() == builtin->size());
  for (const auto& d : *builtin) CHECK_FALSE(d.process_names.empty());
}

TEST_CASE("site descriptors are appended; shipped ones can be switched off") {
  auto c = parse(R"(
[antivirus]
builtin_products = false
max_signature_age_hours = 48
[[antivirus.product]]
name = "Example AV"
signature_glob = "/opt/example/db/*.dat"
version_file = "/opt/example/etc/version.ini"
version_regex = '^VirusLibVersion=(\S+)'
process_names = ["exampled"]
)");
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  CHECK(c->max_signature_age_hours == 48);
  REQUIRE(c->products.size() == 1);
  CHECK(c->products[0].name == "Example AV");
  CHECK(c->products[0].version_regex == "^VirusLibVersion=(\\S+)");
  CHECK(c->products[0].process_names == std::vector<std::string>{"exampled"});
}

TEST_CASE("errors name the offending key") {
  CHECK(error_of("[antivirus]\nclamav = 1\n") == "antivirus.clamav: not a boolean");
  CHECK(error_of("[antivirus]\nmax_signature_age_hours = -1\n").find("max_signature_age_hours") !=
        std::string::npos);
  CHECK(error_of("[antivirus]\ncolour = 'red'\n") == "antivirus.colour: unknown key");
  CHECK(error_of("[[antivirus.product]]\nsignature_glob = '/x/*'\n") ==
        "antivirus.product[0].name: missing");
  CHECK(error_of("[[antivirus.product]]\nname = 'a'\n").find("needs signature_glob") !=
        std::string::npos);
  CHECK(error_of("[[antivirus.product]]\nname = 'a'\nsignature_glob = 'rel/*'\n")
            .find("not absolute") != std::string::npos);
  CHECK(error_of(
            "[[antivirus.product]]\nname = 'a'\nversion_file = '/v'\nversion_regex = '(unclosed'\n")
            .find("antivirus.product[0].version_regex: invalid regular expression") == 0);
  CHECK(error_of(
            "[[antivirus.product]]\nname = 'a'\nversion_file = '/v'\nversion_regex = 'nogroup'\n")
            .find("capture group") != std::string::npos);
  CHECK(error_of("[[antivirus.product]]\nname = 'a'\nversion_file = '/v'\n").find("go together") !=
        std::string::npos);
  CHECK(
      error_of("[[antivirus.product]]\nname = 'a'\nsignature_glob = '/x/*'\nprocess_names = 'x'\n")
          .find("process_names") != std::string::npos);
}

TEST_CASE("DatabaseDirectory from clamd.conf / freshclam.conf text") {
  CHECK(
      av::clamav_database_directory(
          "# DatabaseDirectory /commented\nDatabaseOwner clamav\nDatabaseDirectory  /srv/db \n") ==
      "/srv/db");
  CHECK(av::clamav_database_directory("DatabaseDirectory \"/quoted dir\"\n") == "/quoted dir");
  CHECK_FALSE(av::clamav_database_directory("DatabaseDirectoryX /no\nExample\n"));
}
