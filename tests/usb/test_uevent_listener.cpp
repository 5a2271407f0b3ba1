// The netlink uevent listener on the real kernel socket. Real USB events need hardware; the
// kernel emits a real "change" uevent for any device whose sysfs `uevent` file is written, so
// the loopback interface (present everywhere) stands in for one when we may write there.
// Every wait is bounded by run_for: a missing event fails the test instead of hanging it.
#include <chrono>
#include <fstream>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include "shouwei/platform/linux/uevent_listener.hpp"

using namespace std::string_literals;
using shouwei::collectors::usb::Uevent;
using shouwei::platform::linux_usb::UeventListener;

namespace {
constexpr auto kPatience = std::chrono::seconds(10);  // upper bound, not a measured time
const std::string kLoopback = "/devices/virtual/net/lo";
}  // namespace

TEST_CASE("the listener opens, binds and closes cleanly, and can be restarted") {
  boost::asio::io_context io;
  std::vector<shouwei::Error> errors;
  {
    UeventListener listener(
        io, [](const Uevent&) {}, [&](const shouwei::Error& e) { errors.push_back(e); });
    auto started = listener.start();
    REQUIRE_MESSAGE(started.ok(), started.error().message);
    CHECK(listener.port_id() != 0u);
    CHECK_FALSE(listener.start().ok());  // REQUIRES: not started
    listener.stop();
    listener.stop();                            // idempotent
    io.run_for(std::chrono::milliseconds(50));  // lets the aborted receive complete
  }
  io.restart();
  UeventListener again(io, [](const Uevent&) {});
  CHECK(again.start().ok());
  // Destroyed while a receive is pending: the handler must not touch freed memory (ASan).
  CHECK(errors.empty());
}

TEST_CASE("a real kernel uevent arrives parsed") {
  boost::asio::io_context io;
  std::optional<Uevent> seen;
  UeventListener listener(io, [&](const Uevent& e) {
    if (e.devpath == kLoopback) {
      seen = e;
      io.stop();
    }
  });
  REQUIRE(listener.start().ok());
  std::ofstream trigger("/sys/class/net/lo/uevent");
  trigger << "change" << std::flush;
  if (!trigger) {
    MESSAGE("cannot write /sys/class/net/lo/uevent here (not root or read-only sysfs): skipped");
    return;
  }
  io.run_for(kPatience);
  REQUIRE(seen.has_value());
  CHECK(seen->source == Uevent::Source::kernel);
  CHECK(seen->action == "change");
  CHECK(seen->get("SUBSYSTEM") == "net");
  CHECK(seen->get("INTERFACE") == "lo");
  CHECK(seen->get("SEQNUM").has_value());
}

TEST_CASE("a datagram forged by a user-space process is dropped and reported") {
  boost::asio::io_context io;
  int events = 0;
  std::vector<shouwei::Error> errors;
  UeventListener listener(
      io, [&](const Uevent&) { ++events; },
      [&](const shouwei::Error& e) {
        errors.push_back(e);
        io.stop();
      });
  REQUIRE(listener.start().ok());

  const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
  REQUIRE(fd >= 0);
  sockaddr_nl to{};
  to.nl_family = AF_NETLINK;
  to.nl_pid = listener.port_id();  // unicast to the listener
  const std::string forged =
      "add@/devices/pci0000:00/0000:00:14.0/usb1/1-1\0ACTION=add\0"
      "DEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-1\0SUBSYSTEM=usb\0DEVTYPE=usb_device\0"s;
  const auto sent = ::sendto(fd, forged.data(), forged.size(), 0,
                             reinterpret_cast<const sockaddr*>(&to), sizeof to);
  ::close(fd);
  if (sent < 0) {
    MESSAGE("the kernel refused the forged unicast itself (no CAP_NET_ADMIN): nothing to drop");
    return;
  }
  io.run_for(kPatience);
  CHECK(events == 0);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == shouwei::Errc::permission_denied);
  CHECK(listener.rejected() == 1u);
}
