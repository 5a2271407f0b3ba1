// std::filesystem::path <-> UTF-8 text, the one way portable code makes a path from text it
// holds (configuration values, command-line arguments, user and profile names, in-system paths)
// and turns a path back into text.
//
// Why: a path built from a plain std::string is read in the native narrow encoding. On Linux
// that is the bytes as they are; on Windows (libstdc++ on mingw-w64) it is the ANSI code page,
// so "C:\Users\张伟" becomes another name, and path::string() of a name the code page cannot
// represent throws. Declared here, implemented once per platform (platform/linux/os;
// platform/win/os, through wide.hpp's UTF-8 <-> UTF-16 conversions).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace shouwei {

// The path named by `utf8`. On POSIX the bytes are kept as they are (file names are bytes);
// on Windows malformed UTF-8 is read with each bad byte as U+FFFD (a name that cannot exist
// rather than an exception).
std::filesystem::path path_from_utf8(std::string_view utf8);

// The UTF-8 text of `path`: its bytes on POSIX; on Windows its UTF-16 converted, an unpaired
// surrogate as U+FFFD. Never throws.
std::string path_to_utf8(const std::filesystem::path& path);

}  // namespace shouwei
