// The agent as a Windows service: `shouwei-agent service` is what the service control manager
// starts; `service install` / `service uninstall` register and remove it (the MSI does the same
// through its ServiceInstall table).
//
// Stopping: SERVICE_CONTROL_STOP and SERVICE_CONTROL_SHUTDOWN report STOP_PENDING (a 3 s wait
// hint, the checkpoint advanced every second) and call the `stop` callback given to
// run_as_service from the SCM's thread; the agent passes agent::request_stop(), which posts the
// shutdown onto its run loop, the path SIGTERM takes on Linux. If the agent has not returned
// within kStopDeadline (a blocked upload), the service reports STOPPED with exit code 1 and
// exits: the SCM's own limit is 20-30 s and every write the agent makes (state database,
// snapshot files) survives an abrupt exit.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "shouwei/common/result.hpp"

namespace shouwei::platform::win_service {

inline constexpr const wchar_t* kServiceName = L"ShouweiAgent";
inline constexpr std::chrono::seconds kStopDeadline{15};

// %ProgramData%\Shouwei\agent.toml: the configuration file when --config is not given.
std::filesystem::path default_config_path();

// Connects to the SCM (StartServiceCtrlDispatcherW) and runs `agent` as the service's body,
// reporting RUNNING before it and STOPPED with its exit code after it. Returns that exit code.
// `stop` is called once, from another thread, when the SCM asks the service to stop; it must
// make `agent` return (also when called before `agent` got going) and must not block.
// Fails (Errc::unsupported) when the process was not started by the SCM, e.g. from a console.
Result<int> run_as_service(std::function<int()> agent, std::function<void()> stop);

struct InstallOptions {
  std::filesystem::path executable;             // the agent (its own path by default)
  std::optional<std::filesystem::path> config;  // passed as --config when set
  bool start_now = false;                       // StartServiceW after creating it
};

// Creates the service (automatic start, LocalSystem, own process) running
// "<executable>" [--config "<config>"] service, with a bilingual description and recovery
// actions: restart after 10 s, 60 s, then every 5 min, counters reset after a day, also when
// the agent exits with an error code (SERVICE_CONFIG_FAILURE_ACTIONS_FLAG). Fails with
// Errc::conflict when it already exists. Requires administrator rights.
Result<void> install_service(const InstallOptions& options);

// Stops the service if it runs (waiting up to kStopDeadline plus a margin) and deletes it.
// Fails with Errc::not_found when it is not installed.
Result<void> uninstall_service();

}  // namespace shouwei::platform::win_service
