// The local account database: /etc/passwd(5) and the list of login shells, /etc/shells(5).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/collectors/inventory/inventory_facts.hpp"

namespace shouwei::platform {

// The shells of /etc/shells: absolute paths, one a line, '#' comments.
std::vector<std::string> parse_shells(std::string_view text);

// Whether an account with this passwd shell can log in interactively. An empty shell means
// /bin/sh (passwd(5)). A shell named nologin or false never can. Otherwise, when the system has
// an /etc/shells (login_shells set), the shell must be listed there, as login(1), su and sshd's
// PAM stack require; without one, any other shell counts as a login shell.
bool is_login_shell(std::string_view shell,
                    const std::optional<std::vector<std::string>>& login_shells);

struct PasswdParse {
  std::vector<collectors::LocalUser> users;
  // Lines that are not name:password:uid:gid:gecos:home:shell with a numeric uid. NIS compat
  // lines ("+", "-name") are not local accounts and are skipped without being counted.
  std::size_t malformed_lines = 0;
};

PasswdParse parse_passwd(std::string_view text,
                         const std::optional<std::vector<std::string>>& login_shells);

}  // namespace shouwei::platform
