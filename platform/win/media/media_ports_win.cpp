// The Windows bundle of the live media gate's ports (collectors/media/media_ports.hpp): the
// SetupAPI bus, raw reads of \\.\PhysicalDriveN, the CfgMgr32 / disk-IOCTL gate, and device
// arrivals and removals from the usb family's DeviceNotificationListener (CM_Register_
// Notification, or RegisterDeviceNotificationW where cfgmgr32.dll lacks it, as on Wine).
#include <boost/asio/post.hpp>

#include "shouwei/collectors/media/media_ports.hpp"
#include "shouwei/platform/win/device_notifications.hpp"
#include "shouwei/platform/win/media_win.hpp"
#include "shouwei/platform/win/usb_win.hpp"

namespace shouwei::collectors::media {
namespace {

using platform::win_usb::DeviceNotificationListener;

// The listener calls from its own thread; every event is posted to io's thread, and dropped
// there once stop() has run (events already queued must not reach a stopped watch).
class NotificationEventSource final : public DeviceEventSource {
 public:
  Result<void> start(boost::asio::io_context& io, EventHandler on_event, ErrorHandler) override {
    auto live = live_;
    auto handler = [&io, live, on_event = std::move(on_event)](const usb::Uevent& event) {
      boost::asio::post(io, [live, on_event, event] {
        if (*live) on_event(event);
      });
    };
    SHOUWEI_TRY(listener_, DeviceNotificationListener::start(std::move(handler)));
    return {};
  }

  void stop() override {
    *live_ = false;
    if (listener_) listener_->stop();
  }

 private:
  std::shared_ptr<bool> live_ = std::make_shared<bool>(true);
  std::unique_ptr<DeviceNotificationListener> listener_;
};

}  // namespace

// Windows has no root to resolve device paths under: the ports address the live system.
MediaPorts make_platform_media_ports(const RootFs&) {
  MediaPorts ports;
  ports.bus = platform::win_usb::make_windows_usb_bus();
  ports.opener = platform::win_media::make_physical_drive_opener();
  ports.gate = platform::win_media::make_windows_device_gate();
  ports.events = std::make_unique<NotificationEventSource>();
  return ports;
}

}  // namespace shouwei::collectors::media
