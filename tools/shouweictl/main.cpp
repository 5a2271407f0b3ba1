// shouweictl: the administrator's tool (keys, signed policy, media registration, reports).
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "shouwei/common/exit_codes.hpp"

int main(int argc, char** argv) {
  CLI::App app{"shouweictl — Shouwei (守卫) administration tool: keys, verification, categories, reports"};
  app.require_subcommand(1);
  app.set_version_flag("--version", SHOUWEI_VERSION);
  shouwei::ctl::add_key_commands(app);
  shouwei::ctl::add_category_commands(app);
  shouwei::ctl::add_report_commands(app);
  shouwei::ctl::add_media_commands(app);
  shouwei::ctl::add_policy_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? shouwei::kExitOk : shouwei::kExitUsage;
  } catch (const shouwei::ctl::CommandExit& e) {
    return e.code;
  }
  return shouwei::kExitOk;
}
