// Device-interface notifications for the USB device and disk classes, through
// CM_Register_Notification when cfgmgr32.dll has it, else RegisterDeviceNotificationW on a
// message-only window (WM_DEVICECHANGE, DBT_DEVICEARRIVAL / DBT_DEVICEREMOVECOMPLETE).
#include "shouwei/platform/win/device_notifications.hpp"

// Not sorted: <windows.h> first, the other Windows headers use its types.
// clang-format off
#include <windows.h>
#include <cfgmgr32.h>
#include <dbt.h>
#include <winioctl.h>
// clang-format on

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "shouwei/collectors/usb/windows_device_events.hpp"
#include "shouwei/collectors/usb/windows_pnp.hpp"
#include "shouwei/platform/win/handle.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::platform::win_usb {
namespace {

namespace usb = collectors::usb;

constexpr GUID kUsbDeviceInterface = {
    0xa5dcbf10, 0x6530, 0x11d2, {0x90, 0x1f, 0x00, 0xc0, 0x4f, 0xb9, 0x51, 0xed}};
constexpr GUID kDiskInterface = {
    0x53f56307, 0xb6bf, 0x11d0, {0x94, 0xf2, 0x00, 0xa0, 0xc9, 0x1e, 0xfb, 0x8b}};

// CM_Register_Notification / CM_Unregister_Notification, resolved at run time.
using RegisterFn = CONFIGRET(WINAPI*)(PCM_NOTIFY_FILTER, PVOID, PCM_NOTIFY_CALLBACK,
                                      PHCMNOTIFICATION);
using UnregisterFn = CONFIGRET(WINAPI*)(HCMNOTIFICATION);

struct CmFunctions {
  RegisterFn reg = nullptr;
  UnregisterFn unreg = nullptr;
};

CmFunctions cm_functions() {
  HMODULE module = ::LoadLibraryExW(L"cfgmgr32.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
  if (module == nullptr) return {};
  CmFunctions f;
  f.reg = reinterpret_cast<RegisterFn>(
      reinterpret_cast<void*>(::GetProcAddress(module, "CM_Register_Notification")));
  f.unreg = reinterpret_cast<UnregisterFn>(
      reinterpret_cast<void*>(::GetProcAddress(module, "CM_Unregister_Notification")));
  if (f.reg == nullptr || f.unreg == nullptr) return {};
  return f;  // the module stays loaded for the process: callbacks may still be in flight
}

std::optional<std::string> parent_of(const std::string& instance_id) {
  auto wide = win::to_wide(instance_id, "device instance id");
  if (!wide) return std::nullopt;
  DEVINST node = 0;
  if (::CM_Locate_DevNodeW(&node, wide->data(), CM_LOCATE_DEVNODE_NORMAL) != CR_SUCCESS)
    return std::nullopt;
  DEVINST parent = 0;
  if (::CM_Get_Parent(&parent, node, 0) != CR_SUCCESS) return std::nullopt;
  wchar_t buffer[MAX_DEVICE_ID_LEN + 1] = {};
  if (::CM_Get_Device_IDW(parent, buffer, MAX_DEVICE_ID_LEN, 0) != CR_SUCCESS) return std::nullopt;
  return win::to_utf8_lossy(buffer);
}

std::optional<std::string> disk_name_of(const std::string& interface_path) {
  auto wide = win::to_wide(interface_path, "disk interface path");
  if (!wide) return std::nullopt;
  win::UniqueHandle disk(::CreateFileW(wide->c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                       nullptr, OPEN_EXISTING, 0, nullptr));
  if (!disk.valid()) return std::nullopt;
  STORAGE_DEVICE_NUMBER number{};
  DWORD bytes = 0;
  if (!::DeviceIoControl(disk.get(), IOCTL_STORAGE_GET_DEVICE_NUMBER, nullptr, 0, &number,
                         sizeof number, &bytes, nullptr)) {
    return std::nullopt;
  }
  return usb::physical_drive_name(number.DeviceNumber);
}

// Shared by both mechanisms: interface path -> uevent -> handler, one call at a time.
class Dispatcher {
 public:
  explicit Dispatcher(DeviceNotificationListener::Handler handler)
      : handler_(std::move(handler)), events_({parent_of, disk_name_of}) {}

  void deliver(usb::UsbAction action, std::wstring_view interface_path) {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    if (auto uevent = events_.on_interface(action, win::to_utf8_lossy(interface_path))) {
      handler_(*uevent);
    }
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }

 private:
  std::mutex mutex_;
  bool stopped_ = false;
  DeviceNotificationListener::Handler handler_;
  usb::WindowsDeviceEvents events_;
};

class CmListener final : public DeviceNotificationListener {
 public:
  CmListener(CmFunctions functions, Handler handler)
      : functions_(functions), dispatcher_(std::move(handler)) {}
  ~CmListener() override { stop(); }

  Result<void> start() {
    for (const GUID& guid : {kUsbDeviceInterface, kDiskInterface}) {
      CM_NOTIFY_FILTER filter{};
      filter.cbSize = sizeof filter;
      filter.FilterType = CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE;
      filter.u.DeviceInterface.ClassGuid = guid;
      HCMNOTIFICATION handle = nullptr;
      const CONFIGRET rc = functions_.reg(&filter, &dispatcher_, &CmListener::callback, &handle);
      if (rc != CR_SUCCESS) {
        stop();
        return fail(Errc::unavailable,
                    "CM_Register_Notification failed (CONFIGRET " + std::to_string(rc) + ")");
      }
      handles_.push_back(handle);
    }
    return {};
  }

  Mechanism mechanism() const override { return Mechanism::cm_register_notification; }

  void stop() override {
    dispatcher_.stop();
    // CM_Unregister_Notification waits for callbacks in progress, so none runs after this.
    for (HCMNOTIFICATION h : handles_) functions_.unreg(h);
    handles_.clear();
  }

 private:
  static DWORD CALLBACK callback(HCMNOTIFICATION, PVOID context, CM_NOTIFY_ACTION action,
                                 PCM_NOTIFY_EVENT_DATA data, DWORD) {
    auto* dispatcher = static_cast<Dispatcher*>(context);
    if (data == nullptr || data->FilterType != CM_NOTIFY_FILTER_TYPE_DEVICEINTERFACE)
      return ERROR_SUCCESS;
    if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEARRIVAL) {
      dispatcher->deliver(usb::UsbAction::add, data->u.DeviceInterface.SymbolicLink);
    } else if (action == CM_NOTIFY_ACTION_DEVICEINTERFACEREMOVAL) {
      dispatcher->deliver(usb::UsbAction::remove, data->u.DeviceInterface.SymbolicLink);
    }
    return ERROR_SUCCESS;
  }

  CmFunctions functions_;
  Dispatcher dispatcher_;
  std::vector<HCMNOTIFICATION> handles_;
};

constexpr wchar_t kWindowClass[] = L"ShouweiDeviceNotifications";

class WindowListener final : public DeviceNotificationListener {
 public:
  explicit WindowListener(Handler handler) : dispatcher_(std::move(handler)) {}
  ~WindowListener() override { stop(); }

  Result<void> start() {
    std::promise<Result<void>> ready;
    auto started = ready.get_future();
    thread_ = std::thread([this, &ready] { run(ready); });
    Result<void> result = started.get();
    if (!result && thread_.joinable()) thread_.join();
    return result;
  }

  Mechanism mechanism() const override { return Mechanism::register_device_notification; }

  void stop() override {
    dispatcher_.stop();
    const DWORD id = thread_id_.load();
    if (id != 0) ::PostThreadMessageW(id, WM_QUIT, 0, 0);
    if (thread_.joinable()) thread_.join();
    thread_id_ = 0;
  }

 private:
  static LRESULT CALLBACK window_proc(HWND window, UINT message, WPARAM wparam, LPARAM lparam) {
    if (message == WM_DEVICECHANGE &&
        (wparam == DBT_DEVICEARRIVAL || wparam == DBT_DEVICEREMOVECOMPLETE) && lparam != 0) {
      const auto* header = reinterpret_cast<const DEV_BROADCAST_HDR*>(lparam);
      auto* self = reinterpret_cast<WindowListener*>(::GetWindowLongPtrW(window, GWLP_USERDATA));
      if (self != nullptr && header->dbch_devicetype == DBT_DEVTYP_DEVICEINTERFACE) {
        const auto* iface = reinterpret_cast<const DEV_BROADCAST_DEVICEINTERFACE_W*>(header);
        self->dispatcher_.deliver(
            wparam == DBT_DEVICEARRIVAL ? usb::UsbAction::add : usb::UsbAction::remove,
            iface->dbcc_name);
      }
      return TRUE;
    }
    return ::DefWindowProcW(window, message, wparam, lparam);
  }

  void run(std::promise<Result<void>>& ready) {
    // The message queue must exist before the id is published for PostThreadMessage.
    MSG msg;
    ::PeekMessageW(&msg, nullptr, WM_USER, WM_USER, PM_NOREMOVE);
    HINSTANCE instance = ::GetModuleHandleW(nullptr);
    WNDCLASSEXW cls{};
    cls.cbSize = sizeof cls;
    cls.lpfnWndProc = &WindowListener::window_proc;
    cls.hInstance = instance;
    cls.lpszClassName = kWindowClass;
    if (::RegisterClassExW(&cls) == 0 && ::GetLastError() != ERROR_CLASS_ALREADY_EXISTS) {
      ready.set_value(fail(win::last_error("RegisterClassExW(device notifications)")));
      return;
    }
    HWND window = ::CreateWindowExW(0, kWindowClass, L"", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr,
                                    instance, nullptr);
    if (window == nullptr) {
      ready.set_value(fail(win::last_error("CreateWindowExW(HWND_MESSAGE)")));
      return;
    }
    ::SetWindowLongPtrW(window, GWLP_USERDATA, reinterpret_cast<LONG_PTR>(this));
    std::vector<HDEVNOTIFY> registrations;
    for (const GUID& guid : {kUsbDeviceInterface, kDiskInterface}) {
      DEV_BROADCAST_DEVICEINTERFACE_W filter{};
      filter.dbcc_size = sizeof filter;
      filter.dbcc_devicetype = DBT_DEVTYP_DEVICEINTERFACE;
      filter.dbcc_classguid = guid;
      HDEVNOTIFY h = ::RegisterDeviceNotificationW(window, &filter, DEVICE_NOTIFY_WINDOW_HANDLE);
      if (h == nullptr) {
        Error e = win::last_error("RegisterDeviceNotificationW");
        for (HDEVNOTIFY r : registrations) ::UnregisterDeviceNotification(r);
        ::DestroyWindow(window);
        ready.set_value(fail(std::move(e)));
        return;
      }
      registrations.push_back(h);
    }
    thread_id_ = ::GetCurrentThreadId();
    ready.set_value(Result<void>{});
    while (::GetMessageW(&msg, nullptr, 0, 0) > 0) {
      ::TranslateMessage(&msg);
      ::DispatchMessageW(&msg);
    }
    for (HDEVNOTIFY r : registrations) ::UnregisterDeviceNotification(r);
    ::DestroyWindow(window);
  }

  Dispatcher dispatcher_;
  std::thread thread_;
  std::atomic<DWORD> thread_id_{0};
};

}  // namespace

bool cm_register_notification_available() {
  return cm_functions().reg != nullptr;
}

Result<std::unique_ptr<DeviceNotificationListener>> DeviceNotificationListener::start(
    Handler handler) {
  if (CmFunctions f = cm_functions(); f.reg != nullptr) {
    auto listener = std::make_unique<CmListener>(f, handler);
    if (listener->start()) return std::unique_ptr<DeviceNotificationListener>(std::move(listener));
    // A failing registration falls through to the window: it works wherever user32 does.
  }
  auto listener = std::make_unique<WindowListener>(std::move(handler));
  SHOUWEI_TRY_VOID(listener->start());
  return std::unique_ptr<DeviceNotificationListener>(std::move(listener));
}

std::string_view to_string(DeviceNotificationListener::Mechanism mechanism) {
  switch (mechanism) {
    case DeviceNotificationListener::Mechanism::cm_register_notification:
      return "CM_Register_Notification";
    case DeviceNotificationListener::Mechanism::register_device_notification:
      return "RegisterDeviceNotificationW";
  }
  return "unknown";
}

}  // namespace shouwei::platform::win_usb
