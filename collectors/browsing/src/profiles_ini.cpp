#include "shouwei/collectors/browsing/profiles_ini.hpp"

#include <string>

namespace shouwei::collectors::browsing {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

Failure line_error(std::size_t line_no, std::string_view what) {
  return fail(Errc::parse,
              "profiles.ini line " + std::to_string(line_no) + ": " + std::string(what));
}

// "[Profile12]" sections describe profiles; "[ProfileGroups]" or the like do not.
bool is_profile_section(std::string_view name) {
  if (!name.starts_with("Profile") || name.size() == 7) return false;
  for (char c : name.substr(7)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Result<std::vector<FirefoxProfileEntry>> parse_profiles_ini(std::string_view text) {
  if (text.size() > kMaxProfilesIniBytes) {
    return fail(Errc::limit_exceeded,
                "profiles.ini: larger than " + std::to_string(kMaxProfilesIniBytes) + " bytes");
  }
  if (text.find('\0') != std::string_view::npos)
    return fail(Errc::parse, "profiles.ini: contains NUL bytes");
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 BOM from an editor

  std::vector<FirefoxProfileEntry> entries;
  bool in_profile = false;
  FirefoxProfileEntry current;
  auto close_section = [&] {
    if (in_profile && !current.path.empty()) entries.push_back(std::move(current));
    current = {};
  };

  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == ';' || line.front() == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return line_error(line_no, "unterminated section header");
      close_section();
      in_profile = is_profile_section(trim(line.substr(1, line.size() - 2)));
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) return line_error(line_no, "expected key=value");
    if (!in_profile) continue;
    std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    if (key == "Path") {
      current.path = std::string(value);
    } else if (key == "Name") {
      current.name = std::string(value);
    } else if (key == "IsRelative") {
      current.is_relative = value != "0";
    }
  }
  close_section();
  return entries;
}

}  // namespace shouwei::collectors::browsing
