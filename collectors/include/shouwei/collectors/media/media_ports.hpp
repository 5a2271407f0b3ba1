// Everything the live media gate (the agent's MediaWatch) needs from the platform, as one bundle
// made by the platform directory the build picked (Linux: platform/linux/media,
// media_ports_linux.cpp), so the agent never names a platform. Tests assemble the bundle from
// fakes and fixture-root implementations.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "shouwei/collectors/media/device_gate.hpp"
#include "shouwei/collectors/media/raw_device.hpp"
#include "shouwei/collectors/usb/uevent.hpp"
#include "shouwei/collectors/usb/usb_bus.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::collectors::media {

// The stream of device uevents (Linux: the kernel's netlink multicast, UeventListener).
class DeviceEventSource {
 public:
  using EventHandler = std::function<void(const usb::Uevent&)>;
  // Lost events (Errc::unavailable: rescan the bus), forged or malformed datagrams, a dead
  // socket (Errc::io: no more events will come).
  using ErrorHandler = std::function<void(const Error&)>;

  virtual ~DeviceEventSource() = default;
  // Starts delivering events to on_event on io's thread. Fails naming the call when the OS
  // refuses. REQUIRES: io outlives the source; called once.
  virtual Result<void> start(boost::asio::io_context& io, EventHandler on_event,
                             ErrorHandler on_error) = 0;
  // No handler runs after stop() returns. Idempotent. REQUIRES: called on io's thread.
  virtual void stop() = 0;
};

struct MediaPorts {
  std::unique_ptr<usb::UsbBus> bus;
  std::unique_ptr<RawDeviceOpener> opener;
  std::unique_ptr<DeviceGate> gate;
  std::unique_ptr<DeviceEventSource> events;
};

// The platform's ports, every path under root. REQUIRES: root outlives the ports.
MediaPorts make_platform_media_ports(const RootFs& root);

}  // namespace shouwei::collectors::media
