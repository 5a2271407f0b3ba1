// shouweictl's command families. Each family registers its subcommands on the app; a
// subcommand's callback throws CommandExit to end the program with a given code after it has
// printed its one-line error.
#pragma once

#include <CLI/CLI.hpp>

namespace shouwei::ctl {

struct CommandExit {
  int code;
};

void add_key_commands(CLI::App& app);        // keygen, verify
void add_category_commands(CLI::App& app);   // categories build | lookup
void add_report_commands(CLI::App& app);     // report pull
void add_media_commands(CLI::App& app);      // media register | inspect | unregister
void add_policy_commands(CLI::App& app);     // policy init | sign | show

}  // namespace shouwei::ctl
