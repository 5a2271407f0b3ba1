// shouwei-agent: the endpoint agent. `snapshot` and `pubkey` for inspection; `run` is the service.
#include <cstdlib>

#include <CLI/CLI.hpp>

#include "shouwei/agent/commands.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/os/utf8_path.hpp"
#ifdef _WIN32
#include <filesystem>
#include <iostream>

#include "shouwei/agent/service.hpp"
#include "shouwei/platform/win/command_line.hpp"
#include "shouwei/platform/win/windows_service.hpp"
#endif

int main(int argc, char** argv) {
  using namespace shouwei;
  CLI::App app{"shouwei-agent — Shouwei (守卫) endpoint agent"};
  app.require_subcommand(1);
  app.set_version_flag("--version", SHOUWEI_VERSION);

  agent::GlobalOptions options;
  std::string config_path;
  std::string root_path = "/";
  app.add_option("--config", config_path, "configuration file (default /etc/shouwei/agent.toml)");
  app.add_option("--root", root_path, "inspect the system mounted at this directory (default /)")
      ->check(CLI::ExistingDirectory);

  bool payload_only = false;
  auto* snapshot =
      app.add_subcommand("snapshot", "print this PC's signed snapshot (DSSE envelope)");
  snapshot->add_flag("--payload", payload_only, "print the decoded payload, indented, instead");
  auto* pubkey = app.add_subcommand("pubkey", "print the device public key (PEM)");
  bool apply = false;
  auto* media = app.add_subcommand("media", "removable-media gate")->require_subcommand(1);
  auto* media_scan =
      media->add_subcommand("scan", "print the decision for every USB storage device present");
  media_scan->add_flag("--apply", apply,
                       "act on the decisions (block / read-only); without it nothing is changed");
  bool once = false;
  auto* run =
      app.add_subcommand("run", "run the agent service (enroll, snapshot every interval, upload)");
  run->add_flag("--once", once,
                "one cycle: enroll if needed, snapshot, upload all pending; exit 7 if anything is "
                "left unsent");

#ifdef _WIN32
  namespace win_service = platform::win_service;
  bool start_now = false;
  auto* service = app.add_subcommand(
      "service", "run as the Windows service (started by the service control manager)");
  auto* service_install = service->add_subcommand(
      "install", "register the Windows service (automatic start, restarted on failure)");
  service_install->add_flag("--start", start_now, "start it now");
  auto* service_uninstall =
      service->add_subcommand("uninstall", "stop and remove the Windows service");
#endif

#ifdef _WIN32
  // The runtime's argv is in the ANSI code page; parse the UTF-8 of the wide command line.
  win::Utf8Argv utf8_argv(argc, argv);
  argc = utf8_argv.argc();
  argv = utf8_argv.argv();
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!config_path.empty()) options.config = path_from_utf8(config_path);
  options.root = path_from_utf8(root_path);
#ifdef _WIN32
  // %ProgramData%\Shouwei\agent.toml, when present, as /etc/shouwei/agent.toml on Linux.
  std::error_code ec;
  if (config_path.empty() && std::filesystem::exists(win_service::default_config_path(), ec)) {
    options.config = win_service::default_config_path();
  }
  if (service->parsed()) {
    auto failed = [](const Error& error) {
      std::cerr << "shouwei-agent: " << error.message << '\n';
      return exit_code_for(error.code);
    };
    if (service_install->parsed()) {
      win_service::InstallOptions install;
      if (!config_path.empty()) install.config = path_from_utf8(config_path);
      install.start_now = start_now;
      auto installed = win_service::install_service(install);
      return installed ? kExitOk : failed(installed.error());
    }
    if (service_uninstall->parsed()) {
      auto removed = win_service::uninstall_service();
      return removed ? kExitOk : failed(removed.error());
    }
    options.log_destination = LogDestination::system_journal;
    auto ran = win_service::run_as_service([&] { return agent::command_run(options, false); },
                                           [] { agent::request_stop(); });
    return ran ? *ran : failed(ran.error());
  }
#endif

  if (snapshot->parsed()) return agent::command_snapshot(options, payload_only);
  if (pubkey->parsed()) return agent::command_pubkey(options);
  if (media_scan->parsed()) return agent::command_media_scan(options, apply);
  if (run->parsed()) {
    // Under systemd (or any service manager exporting these), log to the journal.
    if (std::getenv("INVOCATION_ID") != nullptr || std::getenv("JOURNAL_STREAM") != nullptr) {
      options.log_destination = LogDestination::system_journal;
    }
    return agent::command_run(options, once);
  }
  return kExitUsage;
}
