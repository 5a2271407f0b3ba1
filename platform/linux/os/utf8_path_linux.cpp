// path <-> UTF-8 on POSIX (see shouwei/os/utf8_path.hpp): file names are bytes, kept as they are.
#include "shouwei/os/utf8_path.hpp"

namespace shouwei {

std::filesystem::path path_from_utf8(std::string_view utf8) {
  return std::filesystem::path(std::string(utf8));
}

std::string path_to_utf8(const std::filesystem::path& path) {
  return path.native();
}

}  // namespace shouwei
