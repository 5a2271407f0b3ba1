#include "shouwei/platform/inventory/passwd.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "text_lines.hpp"

namespace shouwei::platform {
namespace {

std::string_view basename_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::optional<std::uint32_t> parse_uid(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::vector<std::string> parse_shells(std::string_view text) {
  std::vector<std::string> shells;
  for_each_line(text, [&](std::string_view line) {
    line = trim(line);
    if (!line.empty() && line.front() == '/') shells.emplace_back(line);
  });
  return shells;
}

bool is_login_shell(std::string_view shell,
                    const std::optional<std::vector<std::string>>& login_shells) {
  if (shell.empty()) shell = "/bin/sh";
  const auto name = basename_of(shell);
  if (name == "nologin" || name == "false") return false;
  if (!login_shells) return true;
  return std::find(login_shells->begin(), login_shells->end(), shell) != login_shells->end();
}

PasswdParse parse_passwd(std::string_view text,
                         const std::optional<std::vector<std::string>>& login_shells) {
  PasswdParse out;
  for_each_line(text, [&](std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return;
    if (line.front() == '+' || line.front() == '-') return;
    std::array<std::string_view, 7> field;
    std::size_t count = 0;
    for (std::size_t start = 0;; ++count) {
      const auto colon = line.find(':', start);
      if (count < field.size()) field[count] = line.substr(start, colon - start);
      if (colon == std::string_view::npos) break;
      start = colon + 1;
    }
    const auto uid = count + 1 == field.size() ? parse_uid(field[2]) : std::nullopt;
    if (!uid || field[0].empty()) {
      ++out.malformed_lines;
      return;
    }
    collectors::LocalUser user;
    user.name = std::string(field[0]);
    user.uid = *uid;
    user.home = std::string(field[5]);
    user.shell = std::string(field[6]);
    user.login = is_login_shell(user.shell, login_shells);
    out.users.push_back(std::move(user));
  });
  return out;
}

}  // namespace shouwei::platform
