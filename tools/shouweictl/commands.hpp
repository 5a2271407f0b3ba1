// shouweictl's command families. Each family registers its subcommands on the app; a
// subcommand's callback throws CommandExit to end the program with a given code after it has
// printed its one-line error.
#pragma once

#include <iostream>
#include <string_view>

#include <CLI/CLI.hpp>

#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::ctl {

struct CommandExit {
  int code;
};

// Prints "shouweictl <command>: <message>" on stderr (one line) and ends the program with code.
[[noreturn]] inline void exit_with(std::string_view command, int code, std::string_view message) {
  std::cerr << "shouweictl " << command << ": " << message << '\n';
  throw CommandExit{code};
}

// The value, or the error's one-line message and its exit code (common/exit_codes.hpp).
template <typename T>
T value_or_exit(std::string_view command, Result<T> r) {
  if (!r) exit_with(command, exit_code_for(r.error().code), r.error().message);
  return std::move(r).value();
}

void add_key_commands(CLI::App& app);        // keygen, verify
void add_category_commands(CLI::App& app);   // categories build | lookup
void add_report_commands(CLI::App& app);     // report pull
void add_media_commands(CLI::App& app);      // media register | inspect | unregister
void add_policy_commands(CLI::App& app);     // policy init | sign | show

}  // namespace shouwei::ctl
