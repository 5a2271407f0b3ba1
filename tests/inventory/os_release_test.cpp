// os-release and os-version parsing on real distribution files (Debian, Ubuntu, Kylin V10,
// UOS 20) and on the shell quoting rules of os-release(5).
#include "shouwei/platform/inventory/os_release.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "shouwei/common/file_io.hpp"

using namespace shouwei;
using namespace shouwei::platform;

namespace {
std::string fixture(const std::string& rel) {
  auto text = read_file(std::string(SHOUWEI_FIXTURES) + "/inventory/" + rel);
  REQUIRE(text.ok());
  return text.value();
}

// Every fact of an OsInfo as "field=value" lines ("field absent" when unknown), so that comparing
// two shows the fields that differ.
std::string described(const collectors::OsInfo& os) {
  std::string out;
  auto add = [&out](std::string_view field, const std::optional<std::string>& value) {
    out += std::string(field) + (value ? "=" + *value : " absent") + "\n";
  };
  add("name", os.name);
  add("version", os.version);
  add("version_id", os.version_id);
  add("id", os.id);
  add("id_like", os.id_like);
  add("pretty_name", os.pretty_name);
  add("build", os.build);
  add("edition", os.edition);
  return out;
}
}  // namespace

TEST_CASE("os-release quoting follows the shell subset of os-release(5)") {
  const auto kv = parse_os_release(
      "# comment\n"
      "  \n"
      "PLAIN=value\n"
      "DOUBLE=\"two words\"\n"
      "SINGLE='it''s $HOME'\n"
      "ESCAPES=\"a \\\"q\\\" \\$x \\\\ \\`c\\` \\n\"\n"
      "BARE=back\\ slash\n"
      "CRLF=\"dos\"\r\n"
      "EMPTY=\n"
      "DUP=first\n"
      "DUP=second\n"
      "UNTERMINATED=\"never closed\n"
      "9BAD=digit first\n"
      "BAD KEY=space\n"
      "noequals\n"
      "=novalue\n");
  CHECK(kv.at("PLAIN") == "value");
  CHECK(kv.at("DOUBLE") == "two words");
  CHECK(kv.at("SINGLE") == "its $HOME");
  CHECK(kv.at("ESCAPES") == "a \"q\" $x \\ `c` \\n");
  CHECK(kv.at("BARE") == "back slash");
  CHECK(kv.at("CRLF") == "dos");
  CHECK(kv.at("EMPTY").empty());
  CHECK(kv.at("DUP") == "second");
  CHECK(kv.count("UNTERMINATED") == 0);
  CHECK(kv.count("9BAD") == 0);
  CHECK(kv.count("BAD KEY") == 0);
  CHECK(kv.size() == 8);
}

TEST_CASE("Kylin V10 SP1: Chinese VERSION kept, KYLIN_RELEASE_ID is the build") {
  const auto os = os_info_from(parse_os_release(fixture("kylin/etc/os-release")), {});
  CHECK(described(os) == described({.name = "Kylin",
                                    .version = "银河麒麟桌面操作系统V10 (SP1)",
                                    .version_id = "v10",
                                    .id = "kylin",
                                    .id_like = "debian",
                                    .pretty_name = "Kylin V10 SP1",
                                    .build = "2303",
                                    .edition = std::nullopt}));
}

TEST_CASE("UOS 20: /etc/os-version supplies edition, minor version and build") {
  const auto version = parse_os_version(fixture("uos/etc/os-version"));
  CHECK(version.at("SystemName[zh_CN]") == "统信桌面操作系统");
  const auto os = os_info_from(parse_os_release(fixture("uos/etc/os-release")), version);
  CHECK(described(os) == described({.name = "uos",
                                    .version = "20 1060",
                                    .version_id = "20",
                                    .id = "uos",
                                    .id_like = std::nullopt,
                                    .pretty_name = "UnionTech OS Desktop 20 Pro",
                                    .build = "11014.102.100",
                                    .edition = "Professional"}));
}

TEST_CASE("os-version: only the [Version] section counts; minor version not repeated") {
  const auto version = parse_os_version(
      "[Other]\nEditionName=Wrong\n[Version]\n  EditionName = E \nMinorVersion=1050\nOsBuild=\n");
  CHECK(version.at("EditionName") == "E");
  KeyValues release{{"VERSION", "20 1050"}, {"BUILD_ID", "b7"}};
  const auto os = os_info_from(release, version);
  CHECK(os.version == "20 1050");
  CHECK(os.edition == "E");
  CHECK(os.build == "b7");  // an empty OsBuild is absent, so BUILD_ID is used
}

TEST_CASE("Ubuntu and Debian: standard fields, no build, no edition") {
  const auto ubuntu = os_info_from(parse_os_release(fixture("ubuntu/usr/lib/os-release")), {});
  CHECK(ubuntu.id == "ubuntu");
  CHECK(ubuntu.version == "22.04.2 LTS (Jammy Jellyfish)");
  CHECK(ubuntu.id_like == "debian");
  CHECK_FALSE(ubuntu.build.has_value());
  const auto debian = os_info_from(parse_os_release(fixture("debian/usr/lib/os-release")), {});
  CHECK(debian.id == "debian");
  CHECK(debian.version_id == "12");
  CHECK_FALSE(debian.id_like.has_value());
}

TEST_CASE("garbage os-release yields no assignment and therefore no facts") {
  const auto kv = parse_os_release(fixture("garbage/etc/os-release"));
  CHECK(kv.empty());
  const auto os = os_info_from(kv, {});
  CHECK_FALSE(os.name.has_value());
  CHECK_FALSE(os.version.has_value());
  CHECK_FALSE(os.build.has_value());
}
