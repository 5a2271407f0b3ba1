// The Windows bundle of the live media gate's ports under Wine: every port is there, the disk
// opener takes only Windows disk names, and the event source (the usb family's notification
// listener, on its RegisterDeviceNotificationW fallback under Wine) starts and stops without
// delivering anything when no device comes or goes.
#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include "shouwei/collectors/media/media_ports.hpp"

namespace media = shouwei::collectors::media;

TEST_CASE("media ports: the Windows bundle is complete and its event source starts and stops") {
  const shouwei::RootFs root;
  auto ports = media::make_platform_media_ports(root);
  REQUIRE(ports.bus);
  REQUIRE(ports.opener);
  REQUIRE(ports.gate);
  REQUIRE(ports.events);
  CHECK(ports.opener->open("sdb").error().code == shouwei::Errc::invalid_argument);

  boost::asio::io_context io;
  int events = 0;
  int errors = 0;
  auto started = ports.events->start(
      io, [&events](const shouwei::collectors::usb::Uevent&) { ++events; },
      [&errors](const shouwei::Error&) { ++errors; });
  REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.error().message));
  io.poll();
  ports.events->stop();
  ports.events->stop();  // idempotent
  io.poll();
  CHECK(events == 0);
  CHECK(errors == 0);
}
