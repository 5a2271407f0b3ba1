// path <-> UTF-8 on Windows (see shouwei/os/utf8_path.hpp): the path's native form is UTF-16,
// converted with wide.hpp's lossy conversions.
#include "shouwei/common/utf8.hpp"
#include "shouwei/os/utf8_path.hpp"
#include "shouwei/platform/win/wide.hpp"

namespace shouwei {

std::filesystem::path path_from_utf8(std::string_view utf8) {
  // Repaired first, so that each malformed byte becomes one U+FFFD, as on every other input
  // the agent repairs (utf8.hpp).
  return std::filesystem::path(win::to_wide_lossy(to_valid_utf8(utf8)));
}

std::string path_to_utf8(const std::filesystem::path& path) {
  // An unpaired surrogate (a name Windows allows, UTF-8 cannot spell) becomes U+FFFD.
  return win::to_utf8_lossy(path.native());
}

}  // namespace shouwei
