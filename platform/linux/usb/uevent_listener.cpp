// Netlink uevent reception on Boost.Asio; the contract is in uevent_listener.hpp.
#include "shouwei/platform/linux/uevent_listener.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <linux/netlink.h>
#include <string>
#include <sys/socket.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/generic/raw_protocol.hpp>

namespace shouwei::platform::linux_usb {

namespace {
using RawProtocol = boost::asio::generic::raw_protocol;
// The kernel's multicast group for uevents (udev listens on group 2, its own re-broadcast).
constexpr std::uint32_t kKernelGroup = 1;
// Room for bursts (a hub with several devices plugged at once sends dozens of events); root
// may exceed net.core.rmem_max with SO_RCVBUFFORCE, as udevd does.
constexpr int kReceiveBufferBytes = 4 * 1024 * 1024;
}  // namespace

struct UeventListener::Impl : std::enable_shared_from_this<UeventListener::Impl> {
  Impl(boost::asio::io_context& io, EventHandler event, ErrorHandler error)
      : socket(io), on_event(std::move(event)), on_error(std::move(error)) {}

  RawProtocol::socket socket;
  EventHandler on_event;
  ErrorHandler on_error;
  bool running = false;
  std::uint32_t port = 0;
  std::atomic<std::uint64_t> rejected{0};
  // One more byte than the parser accepts, so an oversized datagram is seen as such instead of
  // being silently truncated into something that parses.
  std::array<char, collectors::usb::kMaxUeventBytes + 1> buffer{};
  RawProtocol::endpoint sender;

  void report(Errc code, std::string message) {
    if (on_error) on_error(Error{code, std::move(message)});
  }

  void receive() {
    socket.async_receive_from(
        boost::asio::buffer(buffer), sender,
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
          self->on_datagram(ec, n);
        });
  }

  void on_datagram(const boost::system::error_code& ec, std::size_t n) {
    if (!running || ec == boost::asio::error::operation_aborted) return;
    if (ec == boost::asio::error::no_buffer_space) {
      report(Errc::unavailable, "uevent socket: receive buffer overflowed, events were lost");
    } else if (ec) {
      // Anything but an overflow will not go away by retrying; spinning on it would burn a core.
      running = false;
      report(Errc::io, "uevent socket: recvmsg: " + ec.message() + "; listener stopped");
      return;
    } else if (!from_kernel()) {
      ++rejected;
      report(Errc::permission_denied, "uevent socket: datagram from user-space port " +
                                          std::to_string(sender_port()) + " ignored");
    } else if (auto event = collectors::usb::parse_uevent(std::string_view(buffer.data(), n))) {
      on_event(*event);
    } else {
      ++rejected;
      report(event.error().code, event.error().message);
    }
    if (running) receive();
  }

  std::uint32_t sender_port() const {
    sockaddr_nl nl{};
    std::memcpy(&nl, sender.data(), std::min<std::size_t>(sizeof nl, sender.size()));
    return nl.nl_pid;
  }
  bool from_kernel() const {
    return sender.size() >= sizeof(sockaddr_nl) && sender.data()->sa_family == AF_NETLINK &&
           sender_port() == 0;
  }
};

UeventListener::UeventListener(boost::asio::io_context& io, EventHandler on_event,
                               ErrorHandler on_error)
    : impl_(std::make_shared<Impl>(io, std::move(on_event), std::move(on_error))) {}

UeventListener::~UeventListener() {
  stop();
}

Result<void> UeventListener::start() {
  if (impl_->running) return fail(Errc::invalid_argument, "uevent listener already started");
  boost::system::error_code ec;
  impl_->socket.open(RawProtocol(AF_NETLINK, NETLINK_KOBJECT_UEVENT), ec);
  if (ec) return fail(Errc::unavailable, "uevent socket: socket(AF_NETLINK): " + ec.message());
  const int fd = impl_->socket.native_handle();
  const int size = kReceiveBufferBytes;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);  // unprivileged: capped
  }
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = kKernelGroup;
  impl_->socket.bind(RawProtocol::endpoint(&local, sizeof local, NETLINK_KOBJECT_UEVENT), ec);
  if (ec) {
    impl_->socket.close(ec);
    return fail(Errc::unavailable, "uevent socket: bind(group 1): " + ec.message());
  }
  const auto bound = impl_->socket.local_endpoint(ec);
  if (!ec && bound.size() >= sizeof(sockaddr_nl)) {
    sockaddr_nl nl{};
    std::memcpy(&nl, bound.data(), sizeof nl);
    impl_->port = nl.nl_pid;
  }
  impl_->running = true;
  impl_->receive();
  return {};
}

void UeventListener::stop() {
  if (!impl_) return;
  impl_->running = false;
  boost::system::error_code ignored;
  impl_->socket.close(ignored);
}

std::uint32_t UeventListener::port_id() const {
  return impl_->port;
}
std::uint64_t UeventListener::rejected() const {
  return impl_->rejected.load();
}

}  // namespace shouwei::platform::linux_usb
