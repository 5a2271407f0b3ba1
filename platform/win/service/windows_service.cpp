#include "shouwei/platform/win/windows_service.hpp"

// <winsock2.h> before <windows.h>, and <windows.h> before the headers that need it.
// clang-format off
#include <windows.h>
#include <shlobj.h>
// clang-format on

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "shouwei/common/exit_codes.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::platform::win_service {
namespace {

using shouwei::win::last_error;

// SC_HANDLEs are closed with CloseServiceHandle, not CloseHandle.
class ScHandle {
 public:
  explicit ScHandle(SC_HANDLE h) noexcept : h_(h) {}
  ScHandle(const ScHandle&) = delete;
  ScHandle& operator=(const ScHandle&) = delete;
  ~ScHandle() {
    if (h_ != nullptr) ::CloseServiceHandle(h_);
  }
  SC_HANDLE get() const noexcept { return h_; }
  explicit operator bool() const noexcept { return h_ != nullptr; }

 private:
  SC_HANDLE h_;
};

// The one service this process runs. ServiceMain and the control handler are plain callbacks
// of the SCM, so they reach it through this pointer, set before the dispatcher starts.
struct ServiceState {
  std::function<int()> agent;
  std::function<void()> stop;
  SERVICE_STATUS_HANDLE status_handle = nullptr;
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool stop_requested = false;
  bool finished = false;
  int exit_code = kExitFailure;
  DWORD checkpoint = 0;
};
ServiceState* g_service = nullptr;

// REQUIRES: g_service->mutex held, so that a status is never reported after STOPPED by a
// thread that checked `finished` before the agent returned.
void report_status_locked(DWORD state, int exit_code, DWORD wait_hint_ms) {
  SERVICE_STATUS status{};
  status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  status.dwCurrentState = state;
  status.dwControlsAccepted =
      state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  if (exit_code != kExitOk) {
    // The agent's own exit codes (exit_codes.hpp), visible in `sc query` and the Event Log.
    status.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
    status.dwServiceSpecificExitCode = static_cast<DWORD>(exit_code);
  }
  status.dwWaitHint = wait_hint_ms;
  const bool settled = state == SERVICE_RUNNING || state == SERVICE_STOPPED;
  status.dwCheckPoint = settled ? 0 : ++g_service->checkpoint;
  ::SetServiceStatus(g_service->status_handle, &status);
}

void report_status(DWORD state, int exit_code, DWORD wait_hint_ms) {
  std::lock_guard lock(g_service->mutex);
  report_status_locked(state, exit_code, wait_hint_ms);
}

// Re-reported while the agent winds down, so the SCM sees progress (a checkpoint that does
// not advance within the wait hint reads as a hung service).
constexpr std::chrono::seconds kStopProgressEvery{1};
constexpr DWORD kStopWaitHintMs = 3'000;

void request_stop() {
  {
    std::lock_guard lock(g_service->mutex);
    if (g_service->stop_requested || g_service->finished) return;
    g_service->stop_requested = true;
    report_status_locked(SERVICE_STOP_PENDING, kExitOk, kStopWaitHintMs);
  }
  // Posted onto the agent's run loop, which returns as it does on SIGTERM on Linux.
  if (g_service->stop) g_service->stop();
  std::thread([] {
    const auto give_up = std::chrono::steady_clock::now() + kStopDeadline;
    std::unique_lock lock(g_service->mutex);
    while (!g_service->finished_cv.wait_for(lock, kStopProgressEvery,
                                            [] { return g_service->finished; })) {
      if (std::chrono::steady_clock::now() >= give_up) {
        // A blocked upload: every write the agent makes survives an abrupt exit.
        report_status_locked(SERVICE_STOPPED, kExitFailure, 0);
        ::ExitProcess(kExitFailure);
      }
      report_status_locked(SERVICE_STOP_PENDING, kExitOk, kStopWaitHintMs);
    }
  }).detach();
}

DWORD WINAPI control_handler(DWORD control, DWORD, void*, void*) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
      request_stop();
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI service_main(DWORD, wchar_t**) {
  g_service->status_handle =
      ::RegisterServiceCtrlHandlerExW(kServiceName, control_handler, nullptr);
  if (g_service->status_handle == nullptr) return;
  report_status(SERVICE_RUNNING, kExitOk, 0);
  const int code = g_service->agent();
  {
    std::lock_guard lock(g_service->mutex);
    g_service->finished = true;
    g_service->exit_code = code;
    report_status_locked(SERVICE_STOPPED, code, 0);
  }
  g_service->finished_cv.notify_all();
}

std::wstring quoted(const std::filesystem::path& path) {
  return L"\"" + path.native() + L"\"";
}

Result<std::filesystem::path> own_executable() {
  std::wstring buffer(MAX_PATH, L'\0');
  for (int attempt = 0; attempt < 6; ++attempt) {
    const DWORD n = ::GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (n == 0) return fail(last_error("GetModuleFileNameW"));
    if (n < buffer.size()) {
      buffer.resize(n);
      return std::filesystem::path(buffer);
    }
    buffer.resize(buffer.size() * 2);
  }
  return fail(Errc::limit_exceeded, "GetModuleFileNameW: path too long");
}

Result<void> configure(SC_HANDLE service) {
  // Shown in services.msc; officers read it, so in both languages.
  std::wstring description = shouwei::win::to_wide_lossy(
      "守卫终端代理：采集本机安全状态并签名上报。 "
      "Shouwei endpoint agent: collects and signs this PC's security state.");
  SERVICE_DESCRIPTIONW text{description.data()};
  if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &text)) {
    return fail(last_error("ChangeServiceConfig2W(SERVICE_CONFIG_DESCRIPTION)"));
  }
  SC_ACTION actions[3] = {
      {SC_ACTION_RESTART, 10'000}, {SC_ACTION_RESTART, 60'000}, {SC_ACTION_RESTART, 300'000}};
  SERVICE_FAILURE_ACTIONSW failure{};
  failure.dwResetPeriod = 24 * 60 * 60;  // seconds
  failure.cActions = 3;
  failure.lpsaActions = actions;
  if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &failure)) {
    return fail(last_error("ChangeServiceConfig2W(SERVICE_CONFIG_FAILURE_ACTIONS)"));
  }
  // Without the flag only a crash counts as a failure; the agent exits with an error code
  // (e.g. its state directory unwritable), which should be retried too.
  // Every Windows since Vista knows this level; Wine 8 answers ERROR_INVALID_LEVEL, and there
  // crashes still restart the service.
  SERVICE_FAILURE_ACTIONS_FLAG flag{TRUE};
  if (!::ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag) &&
      ::GetLastError() != ERROR_INVALID_LEVEL) {
    return fail(last_error("ChangeServiceConfig2W(SERVICE_CONFIG_FAILURE_ACTIONS_FLAG)"));
  }
  return {};
}

Result<DWORD> current_state(SC_HANDLE service) {
  SERVICE_STATUS_PROCESS status{};
  DWORD needed = 0;
  if (!::QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status),
                              sizeof status, &needed)) {
    return fail(last_error("QueryServiceStatusEx(ShouweiAgent)"));
  }
  return status.dwCurrentState;
}

}  // namespace

std::filesystem::path default_config_path() {
  wchar_t* program_data = nullptr;
  std::filesystem::path base = L"C:\\ProgramData";
  if (SUCCEEDED(::SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &program_data))) {
    base = program_data;
  }
  ::CoTaskMemFree(program_data);
  return base / L"Shouwei" / L"agent.toml";
}

Result<int> run_as_service(std::function<int()> agent, std::function<void()> stop) {
  static ServiceState state;
  state.agent = std::move(agent);
  state.stop = std::move(stop);
  g_service = &state;
  SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(kServiceName), service_main},
                                  {nullptr, nullptr}};
  if (!::StartServiceCtrlDispatcherW(table)) {
    const DWORD code = ::GetLastError();
    if (code == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
      return fail(Errc::unsupported,
                  "shouwei-agent service: not started by the service control manager "
                  "(install it with `shouwei-agent service install`, or use `shouwei-agent run`)");
    }
    return fail(shouwei::win::win32_error(code, "StartServiceCtrlDispatcherW"));
  }
  std::lock_guard lock(state.mutex);
  return state.exit_code;
}

Result<void> install_service(const InstallOptions& options) {
  std::filesystem::path executable = options.executable;
  if (executable.empty()) {
    SHOUWEI_TRY(executable, own_executable());
  }
  std::wstring command = quoted(std::filesystem::absolute(executable));
  if (options.config) command += L" --config " + quoted(std::filesystem::absolute(*options.config));
  command += L" service";

  ScHandle scm(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE));
  if (!scm) return fail(last_error("OpenSCManagerW (needs administrator rights)"));
  const std::wstring display = shouwei::win::to_wide_lossy("Shouwei Agent 守卫终端代理");
  ScHandle service(::CreateServiceW(scm.get(), kServiceName, display.c_str(), SERVICE_ALL_ACCESS,
                                    SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                                    SERVICE_ERROR_NORMAL, command.c_str(), nullptr, nullptr,
                                    nullptr, nullptr, nullptr));
  if (!service) {
    if (::GetLastError() == ERROR_SERVICE_EXISTS) {
      return fail(Errc::conflict, "CreateServiceW: the ShouweiAgent service is already installed");
    }
    return fail(last_error("CreateServiceW(ShouweiAgent)"));
  }
  if (auto configured = configure(service.get()); !configured) {
    ::DeleteService(service.get());  // no half-configured service left behind
    return configured;
  }
  if (options.start_now && !::StartServiceW(service.get(), 0, nullptr)) {
    return fail(last_error("StartServiceW(ShouweiAgent)"));
  }
  return {};
}

Result<void> uninstall_service() {
  ScHandle scm(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  if (!scm) return fail(last_error("OpenSCManagerW (needs administrator rights)"));
  ScHandle service(
      ::OpenServiceW(scm.get(), kServiceName, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE));
  if (!service) {
    if (::GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST) {
      return fail(Errc::not_found, "OpenServiceW: the ShouweiAgent service is not installed");
    }
    return fail(last_error("OpenServiceW(ShouweiAgent)"));
  }
  SHOUWEI_TRY(DWORD state, current_state(service.get()));
  if (state != SERVICE_STOPPED) {
    SERVICE_STATUS status{};
    if (state != SERVICE_STOP_PENDING &&
        !::ControlService(service.get(), SERVICE_CONTROL_STOP, &status)) {
      return fail(last_error("ControlService(ShouweiAgent, STOP)"));
    }
    // The service itself gives up after kStopDeadline; poll a little longer than that.
    const auto give_up = std::chrono::steady_clock::now() + kStopDeadline + std::chrono::seconds(5);
    while (state != SERVICE_STOPPED) {
      if (std::chrono::steady_clock::now() > give_up) {
        return fail(Errc::io,
                    "ShouweiAgent did not stop within " +
                        std::to_string((kStopDeadline + std::chrono::seconds(5)).count()) + " s");
      }
      ::Sleep(200);
      SHOUWEI_TRY(state, current_state(service.get()));
    }
  }
  if (!::DeleteService(service.get())) return fail(last_error("DeleteService(ShouweiAgent)"));
  return {};
}

}  // namespace shouwei::platform::win_service
