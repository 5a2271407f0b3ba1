#include "shouwei/collectors/patches/dpkg_status.hpp"

#include "shouwei/collectors/patches/deb822.hpp"

namespace shouwei::collectors::patches {
namespace {

enum Field { kPackage, kVersion, kArchitecture, kStatus };

// "install ok installed", "hold ok installed": the third word is the package state.
bool is_installed(std::string_view status) {
  std::size_t last_space = status.find_last_of(" \t");
  return last_space != std::string_view::npos && status.substr(last_space + 1) == "installed";
}

}  // namespace

Result<DpkgStatus> read_dpkg_status(ByteStream& stream) {
  DpkgStatus out;
  Deb822Parser parser(
      {"Package", "Version", "Architecture", "Status"}, [&out](const Deb822Fields& f) {
        if (!f[kPackage] || !f[kStatus] || f[kPackage]->empty()) {
          ++out.incomplete;
          return true;
        }
        if (!is_installed(*f[kStatus])) return true;
        if (!f[kVersion] || !f[kArchitecture] || f[kVersion]->empty()) {
          ++out.incomplete;
          return true;
        }
        out.installed.push_back({*f[kPackage], *f[kVersion], *f[kArchitecture], std::nullopt});
        return true;
      });
  SHOUWEI_TRY(Deb822Stats stats, parser.parse(stream));
  out.paragraphs = stats.paragraphs;
  out.malformed_lines = stats.malformed_lines;
  out.overlong_lines = stats.overlong_lines;
  bool any_bytes = stats.paragraphs > 0 || stats.malformed_lines > 0 || stats.overlong_lines > 0;
  if (any_bytes && out.paragraphs == out.incomplete) {
    return fail(Errc::parse, "dpkg status: no well-formed package paragraph (" +
                                 std::to_string(stats.malformed_lines) + " malformed lines, " +
                                 std::to_string(stats.overlong_lines) + " overlong lines)");
  }
  return out;
}

}  // namespace shouwei::collectors::patches
