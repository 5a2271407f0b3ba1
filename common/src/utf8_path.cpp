#include "shouwei/common/utf8_path.hpp"

#include <string>

#include "shouwei/common/utf8.hpp"

namespace shouwei {
namespace fs = std::filesystem;

#ifdef _WIN32
namespace {

bool is_high_surrogate(unsigned u) {
  return u >= 0xD800 && u <= 0xDBFF;
}
bool is_low_surrogate(unsigned u) {
  return u >= 0xDC00 && u <= 0xDFFF;
}

// Windows allows any sequence of 16-bit units in a name; the standard UTF-16 -> UTF-8
// conversion refuses unpaired surrogates, so they are replaced by U+FFFD first.
std::wstring without_unpaired_surrogates(std::wstring units) {
  for (std::size_t i = 0; i < units.size(); ++i) {
    const unsigned u = static_cast<unsigned>(units[i]) & 0xFFFFu;
    const unsigned next = i + 1 < units.size() ? static_cast<unsigned>(units[i + 1]) & 0xFFFFu : 0;
    if (is_high_surrogate(u) && is_low_surrogate(next)) {
      ++i;
    } else if (is_high_surrogate(u) || is_low_surrogate(u)) {
      units[i] = static_cast<wchar_t>(0xFFFD);
    }
  }
  return units;
}

std::string from_u8(const std::u8string& text) {
  return std::string(text.begin(), text.end());
}

}  // namespace
#endif

fs::path path_from_utf8(std::string_view utf8) {
#ifdef _WIN32
  // The conversion to UTF-16 throws on malformed UTF-8; repaired text never does.
  const std::string valid = to_valid_utf8(utf8);
  return fs::path(std::u8string(valid.begin(), valid.end()));
#else
  return fs::path(std::string(utf8));  // POSIX: the bytes are the name
#endif
}

std::string path_to_utf8(const fs::path& path) {
#ifdef _WIN32
  return from_u8(fs::path(without_unpaired_surrogates(path.native())).u8string());
#else
  return path.native();
#endif
}

}  // namespace shouwei
