#include <doctest/doctest.h>

#include "shouwei/collectors/usb/uevent.hpp"

using namespace std::string_literals;
using shouwei::collectors::usb::parse_uevent;

TEST_CASE("placeholder kernel uevent") {
  auto e = parse_uevent("add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0"s);
  REQUIRE(e.ok());
  CHECK(e->action == "add");
}
