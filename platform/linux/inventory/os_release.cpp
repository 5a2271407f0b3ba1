#include "shouwei/platform/inventory/os_release.hpp"

#include <optional>

#include "text_lines.hpp"

namespace shouwei::platform {
namespace {

bool is_key(std::string_view key) {
  if (key.empty()) return false;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

// Unquotes a shell-style value; nullopt when a quote is not closed.
std::optional<std::string> unquote(std::string_view raw) {
  std::string out;
  std::size_t i = 0;
  while (i < raw.size()) {
    const char c = raw[i++];
    if (c == '\'') {
      const auto end = raw.find('\'', i);
      if (end == std::string_view::npos) return std::nullopt;
      out.append(raw.substr(i, end - i));
      i = end + 1;
    } else if (c == '"') {
      for (;;) {
        if (i >= raw.size()) return std::nullopt;
        const char d = raw[i++];
        if (d == '"') break;
        // Inside double quotes a backslash only escapes the characters the shell gives a
        // meaning there; before anything else it is kept literally.
        if (d == '\\' && i < raw.size() &&
            std::string_view("\"\\$`").find(raw[i]) != std::string_view::npos) {
          out += raw[i++];
        } else {
          out += d;
        }
      }
    } else if (c == '\\') {
      if (i < raw.size()) out += raw[i++];
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> value_of(const KeyValues& kv, std::string_view key) {
  const auto it = kv.find(key);
  if (it == kv.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace

KeyValues parse_os_release(std::string_view text) {
  KeyValues out;
  for_each_line(text, [&](std::string_view line) {
    line = trim(line);
    if (line.empty() || line.front() == '#') return;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return;
    const auto key = line.substr(0, eq);
    if (!is_key(key)) return;
    if (auto value = unquote(line.substr(eq + 1))) out[std::string(key)] = std::move(*value);
  });
  return out;
}

KeyValues parse_os_version(std::string_view text) {
  KeyValues out;
  bool in_version = false;
  for_each_line(text, [&](std::string_view line) {
    line = trim(line);
    if (line.empty() || line.front() == '#' || line.front() == ';') return;
    if (line.front() == '[' && line.back() == ']') {
      in_version = trim(line.substr(1, line.size() - 2)) == "Version";
      return;
    }
    const auto eq = line.find('=');
    if (!in_version || eq == std::string_view::npos || eq == 0) return;
    out[std::string(trim(line.substr(0, eq)))] = std::string(trim(line.substr(eq + 1)));
  });
  return out;
}

collectors::OsInfo os_info_from(const KeyValues& os_release, const KeyValues& os_version) {
  collectors::OsInfo os;
  os.name = value_of(os_release, "NAME");
  os.version = value_of(os_release, "VERSION");
  os.version_id = value_of(os_release, "VERSION_ID");
  os.id = value_of(os_release, "ID");
  os.id_like = value_of(os_release, "ID_LIKE");
  os.pretty_name = value_of(os_release, "PRETTY_NAME");
  os.edition = value_of(os_version, "EditionName");

  os.build = value_of(os_version, "OsBuild");
  if (!os.build) os.build = value_of(os_release, "BUILD_ID");
  if (!os.build) os.build = value_of(os_release, "KYLIN_RELEASE_ID");

  if (const auto minor = value_of(os_version, "MinorVersion")) {
    if (!os.version) {
      os.version = value_of(os_version, "MajorVersion");
    }
    if (!os.version) {
      os.version = minor;
    } else if (os.version->find(*minor) == std::string::npos) {
      *os.version += " " + *minor;
    }
  }
  return os;
}

}  // namespace shouwei::platform
