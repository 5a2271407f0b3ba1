// The Windows service under Wine's service control manager: the real shouwei-agent.exe is
// installed (command line, start type; recovery actions read back on real Windows), started,
// reaches RUNNING, and stops on SERVICE_CONTROL_STOP through the agent's stop API
// (agent::request_stop, onto its run loop: exit code 0, not the deadline's failure); uninstall
// removes it; a console process is told it was not started by the SCM.
#include <chrono>
#include <string>
#include <vector>
#include <windows.h>

#include <doctest/doctest.h>

#include "shouwei/os/files.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/windows_service.hpp"
#include "temp_dir.hpp"

using namespace shouwei;
namespace ws = shouwei::platform::win_service;
namespace fs = std::filesystem;

namespace {

// The agent's path as Wine sees it: the build writes a Unix path; Wine maps / to drive Z:.
fs::path agent_exe() {
  std::wstring path = L"Z:" + win::to_wide_lossy(SHOUWEI_AGENT_EXE);
  for (auto& c : path) {
    if (c == L'/') c = L'\\';
  }
  return path;
}

struct Scm {
  explicit Scm(DWORD access = SC_MANAGER_CONNECT)
      : scm(::OpenSCManagerW(nullptr, nullptr, access)) {
    REQUIRE(scm != nullptr);
  }
  ~Scm() { ::CloseServiceHandle(scm); }
  SC_HANDLE scm;
};

struct Service {
  explicit Service(const Scm& s)
      : h(::OpenServiceW(
            s.scm, ws::kServiceName,
            SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG | SERVICE_STOP | SERVICE_START)) {
    REQUIRE(h != nullptr);
  }
  ~Service() { ::CloseServiceHandle(h); }
  SC_HANDLE h;
};

SERVICE_STATUS_PROCESS status_of(SC_HANDLE service) {
  SERVICE_STATUS_PROCESS status{};
  DWORD needed = 0;
  REQUIRE(::QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status),
                                 sizeof status, &needed));
  return status;
}

// Waits, bounded, until the service is in state; returns the last status seen.
SERVICE_STATUS_PROCESS wait_for(SC_HANDLE service, DWORD state, std::chrono::seconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  SERVICE_STATUS_PROCESS status = status_of(service);
  while (status.dwCurrentState != state && std::chrono::steady_clock::now() < give_up) {
    ::Sleep(100);
    status = status_of(service);
  }
  return status;
}

std::vector<BYTE> config2(SC_HANDLE service, DWORD level) {
  DWORD needed = 0;
  ::QueryServiceConfig2W(service, level, nullptr, 0, &needed);
  REQUIRE(needed > 0);
  std::vector<BYTE> buffer(needed);
  REQUIRE(::QueryServiceConfig2W(service, level, buffer.data(), needed, &needed));
  return buffer;
}

// Waits, bounded, until no service is starting or stopping. Wine hands a starting service its
// control pipe by a shared counter, so a process calling StartServiceCtrlDispatcherW while
// another service starts (the prefix's own services, just after its wineserver started)
// connects to that service's pipe: the console check below must not run then.
void wait_for_quiet_scm() {
  Scm scm(SC_MANAGER_CONNECT | SC_MANAGER_ENUMERATE_SERVICE);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int quiet_polls = 0;
  while (quiet_polls < 3 && std::chrono::steady_clock::now() < give_up) {
    DWORD needed = 0, count = 0, resume = 0;
    ::EnumServicesStatusExW(scm.scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                            nullptr, 0, &needed, &count, &resume, nullptr);
    std::vector<BYTE> buffer(needed + 4096);
    resume = 0;
    REQUIRE(::EnumServicesStatusExW(scm.scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
                                    buffer.data(), static_cast<DWORD>(buffer.size()), &needed,
                                    &count, &resume, nullptr));
    const auto* services = reinterpret_cast<const ENUM_SERVICE_STATUS_PROCESSW*>(buffer.data());
    bool pending = false;
    for (DWORD i = 0; i < count; ++i) {
      const DWORD state = services[i].ServiceStatusProcess.dwCurrentState;
      pending = pending || state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
    }
    quiet_polls = pending ? 0 : quiet_polls + 1;
    ::Sleep(200);
  }
  REQUIRE(quiet_polls == 3);
}

// Removes a service a failed earlier run may have left in this Wine prefix.
void remove_leftover() {
  auto removed = ws::uninstall_service();
  if (!removed) REQUIRE(removed.error().code == Errc::not_found);
}

}  // namespace

TEST_CASE("a console process is told it was not started by the service control manager") {
  wait_for_quiet_scm();
  auto ran = ws::run_as_service([] { return 0; }, [] {});
  REQUIRE_FALSE(ran);
  CHECK(ran.error().code == Errc::unsupported);
  CHECK(ran.error().message.find("service control manager") != std::string::npos);
}

TEST_CASE("install, start, stop through the agent's run loop, uninstall") {
  remove_leftover();
  test::TempDir dir;
  const fs::path config = dir / "agent.toml";
  // No server: the agent only snapshots, into its private state directory.
  test::write_test_file(config, "state_dir = 'state'\nsnapshot_interval_seconds = 3600\n");

  ws::InstallOptions options;
  options.executable = agent_exe();
  options.config = config;
  options.start_now = true;
  auto installed = ws::install_service(options);
  REQUIRE_MESSAGE(installed, (installed ? "" : installed.error().message));

  auto again = ws::install_service(options);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == Errc::conflict);

  {
    Scm scm;
    Service service(scm);

    // The command line the SCM runs, and the recovery actions.
    DWORD needed = 0;
    ::QueryServiceConfigW(service.h, nullptr, 0, &needed);
    std::vector<BYTE> buffer(needed);
    REQUIRE(::QueryServiceConfigW(
        service.h, reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data()), needed, &needed));
    const auto* cfg = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buffer.data());
    const std::string command = win::to_utf8_lossy(cfg->lpBinaryPathName);
    CHECK(command.find("shouwei-agent.exe\" --config \"") != std::string::npos);
    CHECK(command.size() > 8);
    CHECK(command.substr(command.size() - 8) == " service");
    CHECK(cfg->dwStartType == SERVICE_AUTO_START);
    CHECK(cfg->dwServiceType == SERVICE_WIN32_OWN_PROCESS);

    // Wine's SCM accepts the recovery actions but does not keep them; real Windows reads back.
    const bool wine =
        ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != nullptr;
    auto failure_buffer = wine ? std::vector<BYTE>(sizeof(SERVICE_FAILURE_ACTIONSW))
                               : config2(service.h, SERVICE_CONFIG_FAILURE_ACTIONS);
    const auto* failure = reinterpret_cast<SERVICE_FAILURE_ACTIONSW*>(failure_buffer.data());
    if (!wine) {
      CHECK(failure->dwResetPeriod == 86400);
      REQUIRE(failure->cActions == 3);
      CHECK(failure->lpsaActions[0].Type == SC_ACTION_RESTART);
      CHECK(failure->lpsaActions[0].Delay == 10'000);
      CHECK(failure->lpsaActions[2].Delay == 300'000);
    }

    const auto running = wait_for(service.h, SERVICE_RUNNING, std::chrono::seconds(60));
    REQUIRE(running.dwCurrentState == SERVICE_RUNNING);
    CHECK((running.dwControlsAccepted & SERVICE_ACCEPT_STOP) != 0);

    SERVICE_STATUS stop{};
    REQUIRE(::ControlService(service.h, SERVICE_CONTROL_STOP, &stop));
    // The handler's answer: STOP_PENDING with a wait hint and no controls accepted (or already
    // STOPPED, had the agent been that quick).
    if (stop.dwCurrentState == SERVICE_STOP_PENDING) {
      CHECK(stop.dwWaitHint > 0);
      CHECK(stop.dwCheckPoint > 0);
      CHECK(stop.dwControlsAccepted == 0);
    } else {
      CHECK(stop.dwCurrentState == SERVICE_STOPPED);
    }
    // Well within the deadline: the agent's run loop returns on request_stop() with exit code 0;
    // the deadline path would report ERROR_SERVICE_SPECIFIC_ERROR with exit code 1.
    const auto stopped =
        wait_for(service.h, SERVICE_STOPPED, ws::kStopDeadline + std::chrono::seconds(10));
    REQUIRE(stopped.dwCurrentState == SERVICE_STOPPED);
    CHECK(stopped.dwWin32ExitCode == NO_ERROR);
    CHECK(stopped.dwServiceSpecificExitCode == 0);
  }
  // The agent ran as the service: it created its device key in its state directory, and the
  // key passes the agent's own owner-only check (SYSTEM and Administrators; the descriptor
  // itself is checked in test_win_files, as Wine keeps no file ACLs).
  const fs::path device_key = dir / "state" / "device.key";
  REQUIRE(fs::exists(device_key));
  CHECK(os::require_owner_only(device_key));

  REQUIRE(ws::uninstall_service());
  auto gone = ws::uninstall_service();
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == Errc::not_found);
}
