// The Linux bundle of the live media gate's ports (collectors/media/media_ports.hpp): sysfs bus,
// raw disks under <root>/dev, the sysfs/BLKROSET/uevent gate, and the kernel's uevents.
#include <optional>

#include "shouwei/collectors/media/media_ports.hpp"
#include "shouwei/platform/linux/media_linux.hpp"
#include "shouwei/platform/linux/uevent_listener.hpp"
#include "shouwei/platform/linux/usb_bus_linux.hpp"

namespace shouwei::collectors::media {
namespace {

class KernelUeventSource final : public DeviceEventSource {
 public:
  Result<void> start(boost::asio::io_context& io, EventHandler on_event,
                     ErrorHandler on_error) override {
    listener_.emplace(io, std::move(on_event), std::move(on_error));
    return listener_->start();
  }
  void stop() override {
    if (listener_) listener_->stop();
  }

 private:
  std::optional<platform::linux_usb::UeventListener> listener_;
};

}  // namespace

MediaPorts make_platform_media_ports(const RootFs& root) {
  MediaPorts ports;
  ports.bus = platform::linux_usb::make_linux_usb_bus(root);
  ports.opener = platform::linux_media::make_root_device_opener(root);
  ports.gate = platform::linux_media::make_linux_device_gate(root);
  ports.events = std::make_unique<KernelUeventSource>();
  return ports;
}

}  // namespace shouwei::collectors::media
