// The uevent parser on byte-exact kernel datagrams (tests/fixtures/usb/uevents), a libudev
// monitor message, and malformed, truncated and oversized input.
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include "shouwei/collectors/usb/uevent.hpp"
#include "usb_test_support.hpp"

using namespace std::string_literals;
using shouwei::Errc;
using shouwei::collectors::usb::kMaxUeventBytes;
using shouwei::collectors::usb::kMaxUeventProperties;
using shouwei::collectors::usb::parse_uevent;
using shouwei::collectors::usb::Uevent;

namespace {

// A libudev monitor message: "libudev\0", magic 0xfeedcafe big-endian, then header_size,
// properties_off, properties_len and four filter words in host order.
std::string udev_message(const std::string& properties, std::uint32_t off_adjust = 0) {
  std::string header = "libudev\0"s + "\xfe\xed\xca\xfe"s;
  const std::uint32_t words[7] = {
      40, 40 + off_adjust, static_cast<std::uint32_t>(properties.size()), 0, 0, 0, 0};
  header.append(reinterpret_cast<const char*>(words), sizeof words);
  return header + properties;
}

Errc error_of(const std::string& datagram) {
  auto r = parse_uevent(datagram);
  REQUIRE_FALSE(r.ok());
  return r.error().code;
}

}  // namespace

TEST_CASE("a kernel usb_device add datagram, byte for byte") {
  const auto stream = shouwei::usb_test::uevent_stream("plug-sandisk");
  auto e = parse_uevent(stream.front());
  REQUIRE_MESSAGE(e.ok(), e.error().message);
  CHECK(e->source == Uevent::Source::kernel);
  CHECK(e->action == "add");
  CHECK(e->devpath == "/devices/pci0000:00/0000:00:14.0/usb1/1-1");
  CHECK(e->get("SUBSYSTEM") == "usb");
  CHECK(e->get("DEVTYPE") == "usb_device");
  CHECK(e->get("PRODUCT") == "781/5567/100");
  CHECK(e->get("SEQNUM") == "4120");
  CHECK(e->get("DRIVER") == std::nullopt);
  CHECK(e->properties.size() == 12);
  CHECK(e->properties.front() == std::pair<std::string, std::string>("ACTION", "add"));
}

TEST_CASE("every datagram of the plug and unplug streams parses with its header's action") {
  for (const char* name : {"plug-sandisk", "unplug-sandisk"}) {
    for (const auto& datagram : shouwei::usb_test::uevent_stream(name)) {
      auto e = parse_uevent(datagram);
      REQUIRE_MESSAGE(e.ok(), e.error().message);
      CHECK(datagram.starts_with(e->action + "@" + e->devpath + '\0'));
      CHECK(e->get("ACTION") == e->action);
    }
  }
}

TEST_CASE("values may contain '=' and '@'; only the first '=' splits") {
  auto e = parse_uevent("change@/devices/virtual/misc/x\0ACTION=change\0NAME=a=b@c\0"s);
  REQUIRE(e.ok());
  CHECK(e->get("NAME") == "a=b@c");
}

TEST_CASE("the libudev monitor format") {
  const std::string props =
      "ACTION=remove\0DEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-1\0SUBSYSTEM=usb\0"
      "DEVTYPE=usb_device\0ID_SERIAL=SanDisk_Cruzer_Blade_4C530001230518115340\0"s;
  auto e = parse_uevent(udev_message(props));
  REQUIRE_MESSAGE(e.ok(), e.error().message);
  CHECK(e->source == Uevent::Source::udev);
  CHECK(e->action == "remove");
  CHECK(e->devpath == "/devices/pci0000:00/0000:00:14.0/usb1/1-1");
  CHECK(e->get("ID_SERIAL") == "SanDisk_Cruzer_Blade_4C530001230518115340");

  CHECK(error_of(udev_message(props, 4)) == Errc::parse);            // offset past the data
  CHECK(error_of(udev_message("SUBSYSTEM=usb\0"s)) == Errc::parse);  // no ACTION/DEVPATH
  std::string bad_magic = udev_message(props);
  bad_magic[8] = '\x00';
  CHECK(error_of(bad_magic) == Errc::parse);
  CHECK(error_of("libudev\0\xfe\xed"s) == Errc::parse);  // header cut short
}

TEST_CASE("truncated datagrams are refused, wherever the cut falls") {
  const auto datagram = shouwei::usb_test::uevent_stream("plug-sandisk").at(6);
  for (std::size_t n = 0; n < datagram.size(); ++n) {
    const std::string cut = datagram.substr(0, n);
    if (!cut.empty() && cut.back() == '\0')
      continue;  // a cut on a boundary is a valid shorter event
    CHECK_MESSAGE(!parse_uevent(cut).ok(), "accepted a datagram cut at " << n);
  }
}

TEST_CASE("malformed kernel datagrams name what is wrong") {
  CHECK(error_of(""s) == Errc::parse);
  CHECK(error_of("\0"s) == Errc::parse);                               // no header
  CHECK(error_of("add\0ACTION=add\0"s) == Errc::parse);                // no '@'
  CHECK(error_of("@/devices/x\0"s) == Errc::parse);                    // empty action
  CHECK(error_of("add@devices/x\0"s) == Errc::parse);                  // relative devpath
  CHECK(error_of("add@/devices/x\0NOEQUALS\0"s) == Errc::parse);       // property without '='
  CHECK(error_of("add@/devices/x\0=value\0"s) == Errc::parse);         // empty key
  CHECK(error_of("add@/devices/x\0ACTION=remove\0"s) == Errc::parse);  // contradicts header
  CHECK(error_of("add@/devices/x\0DEVPATH=/devices/y\0"s) == Errc::parse);
  auto r = parse_uevent("add@/devices/x\0NOEQUALS\0"s);
  CHECK(r.error().message.find("NOEQUALS") != std::string::npos);
}

TEST_CASE("size and property caps") {
  std::string many = "add@/devices/x\0"s;
  for (std::size_t i = 0; i <= kMaxUeventProperties; ++i) many += "K" + std::to_string(i) + "=v\0"s;
  CHECK(error_of(many) == Errc::limit_exceeded);

  std::string huge = "add@/devices/x\0A="s + std::string(kMaxUeventBytes, 'x') + '\0';
  CHECK(error_of(huge) == Errc::limit_exceeded);

  std::string at_cap = "add@/devices/x\0A="s;
  at_cap += std::string(kMaxUeventBytes - at_cap.size() - 1, 'x') + '\0';
  REQUIRE(at_cap.size() == kMaxUeventBytes);
  CHECK(parse_uevent(at_cap).ok());
}
