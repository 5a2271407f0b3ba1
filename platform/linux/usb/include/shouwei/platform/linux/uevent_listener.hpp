// UeventListener: receives the kernel's device uevents (netlink NETLINK_KOBJECT_UEVENT,
// multicast group 1) on a Boost.Asio io_context and hands each parsed one to a callback.
//
// Only datagrams sent by the kernel itself (netlink port id 0) are accepted: any other sender
// is a local process trying to forge device events and is reported through on_error and
// dropped. Malformed datagrams are reported and dropped too; the listener keeps receiving.
// A receive-buffer overflow (ENOBUFS: the kernel dropped events because we were slow) is
// reported as Errc::unavailable; callers rescan the bus when they see it. Any other receive
// error is reported as Errc::io and stops the listener (retrying would only spin).
//
// Threading: start/stop and both callbacks run on the io_context's thread(s); the callbacks are
// never called after stop() returns or after the listener is destroyed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "shouwei/collectors/usb/uevent.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::platform::linux_usb {

class UeventListener {
 public:
  using EventHandler = std::function<void(const collectors::usb::Uevent&)>;
  using ErrorHandler = std::function<void(const Error&)>;

  // REQUIRES: io outlives the listener. on_error may be empty (errors are then only counted).
  UeventListener(boost::asio::io_context& io, EventHandler on_event, ErrorHandler on_error = {});
  ~UeventListener();
  UeventListener(const UeventListener&) = delete;
  UeventListener& operator=(const UeventListener&) = delete;

  // Opens and binds the netlink socket and starts receiving. Fails naming the call (socket,
  // bind) when the OS refuses, e.g. inside a sandbox without netlink. REQUIRES: not started.
  Result<void> start();
  // Closes the socket; pending receives complete as aborted. Idempotent.
  void stop();

  // The netlink port id the kernel gave the socket (0 before start); lets a test address it.
  std::uint32_t port_id() const;
  // Datagrams dropped: malformed, or not from the kernel.
  std::uint64_t rejected() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with in-flight handlers, which may outlive us
};

}  // namespace shouwei::platform::linux_usb
