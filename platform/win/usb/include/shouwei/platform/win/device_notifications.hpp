// Live USB arrival and removal on Windows, delivered as uevents (collectors/usb/
// windows_device_events.hpp) for UsbEventRecorder, like the Linux netlink listener.
//
// Mechanism, chosen at start: CM_Register_Notification (cfgmgr32.dll, Windows 8+), looked up
// with GetProcAddress because older systems and Wine do not export it; otherwise
// RegisterDeviceNotificationW on a message-only window run by the listener's own thread. Both
// watch the USB device and disk interface classes.
//
// The handler runs on a thread of the listener (CM: the system's notification thread, one
// callback at a time per registration, serialized by the listener; fallback: the window
// thread): post the uevent to the thread that owns the recorder (e.g. asio::post).
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "shouwei/collectors/usb/uevent.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::platform::win_usb {

class DeviceNotificationListener {
 public:
  enum class Mechanism { cm_register_notification, register_device_notification };
  using Handler = std::function<void(const collectors::usb::Uevent&)>;

  // Starts listening. Fails (naming the call) when neither mechanism can be set up.
  static Result<std::unique_ptr<DeviceNotificationListener>> start(Handler handler);

  virtual ~DeviceNotificationListener() = default;
  virtual Mechanism mechanism() const = 0;
  // Unregisters and joins the listener's thread; no handler call starts after it returns.
  // Idempotent; the destructor calls it.
  virtual void stop() = 0;
};

std::string_view to_string(DeviceNotificationListener::Mechanism mechanism);

// Whether cfgmgr32.dll exports CM_Register_Notification here (false on Windows 7 and Wine).
bool cm_register_notification_available();

}  // namespace shouwei::platform::win_usb
