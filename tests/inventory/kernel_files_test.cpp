// procfs/sysfs one-value files and /proc/net/if_inet6.
#include "shouwei/platform/inventory/kernel_files.hpp"

#include <doctest/doctest.h>

#include "shouwei/platform/inventory/ip_text.hpp"

using namespace shouwei;
using namespace shouwei::platform;

TEST_CASE("first_value_line skips blanks and comments and trims") {
  CHECK(first_value_line("\n# generated\n  office-pc-7 \r\nsecond\n") == "office-pc-7");
  CHECK_FALSE(first_value_line("\n  \n# only a comment\n").has_value());
  CHECK_FALSE(first_value_line("").has_value());
}

TEST_CASE("btime from /proc/stat") {
  CHECK(parse_btime("cpu  1 2 3\nintr 5 0\nbtime 1795269259\nprocesses 9\n") ==
        from_unix_seconds(1795269259));
  CHECK_FALSE(parse_btime("cpu 1\nbtime\n").has_value());
  CHECK_FALSE(parse_btime("btime -5\n").has_value());
  CHECK_FALSE(parse_btime("btime 12x\n").has_value());
  CHECK_FALSE(parse_btime("btime 99999999999999999999999\n").has_value());
  // Year 2528, found by fuzz_inventory_text: it overflowed TimePoint.
  CHECK_FALSE(parse_btime("btime 17636832002\n").has_value());
  CHECK(parse_btime("btime 4102444799\n") == from_unix_seconds(4102444799));
  CHECK_FALSE(parse_btime("nobtime 5\n").has_value());
}

TEST_CASE("MAC addresses as sysfs writes them, lowercased; anything else rejected") {
  CHECK(parse_mac("00:E0:4C:68:0A:1B\n") == "00:e0:4c:68:0a:1b");
  CHECK(parse_mac("00:00:00:00:00:00\n") == "00:00:00:00:00:00");
  // InfiniBand: 20 bytes.
  CHECK(parse_mac("80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0e:ab:cd\n").has_value());
  CHECK_FALSE(parse_mac("\n").has_value());
  CHECK_FALSE(parse_mac("zz:zz:zz\n").has_value());
  CHECK_FALSE(parse_mac("0:1:2\n").has_value());
  CHECK_FALSE(parse_mac("00-e0-4c-68-0a-1b\n").has_value());
}

TEST_CASE("interface flags are hexadecimal") {
  CHECK(parse_hex_flags("0x1003\n") == 0x1003ul);
  CHECK((*parse_hex_flags("0x1003\n") & kIffUp) != 0);
  CHECK((*parse_hex_flags("0x1002\n") & kIffUp) == 0);
  CHECK_FALSE(parse_hex_flags("garbage\n").has_value());
  CHECK_FALSE(parse_hex_flags("0x\n").has_value());
}

TEST_CASE("/proc/net/if_inet6 lines become RFC 5952 addresses with prefix lengths") {
  const auto parsed = parse_if_inet6(
      "00000000000000000000000000000001 01 80 10 80       lo\n"
      "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n"
      "20010db8000000000000000000000001 04 30 00 00     eth0\n"
      "2001db8 04 40 00 00 eth0\n"
      "zz010db8000000000000000000000001 04 40 00 00     eth0\n"
      "20010db8000000000000000000000001 04 ff 00 00     eth0\n"
      "\n");
  CHECK(parsed.malformed_lines == 3);
  REQUIRE(parsed.addresses.size() == 3);
  CHECK(parsed.addresses[0].interface == "lo");
  CHECK(parsed.addresses[0].prefix == collectors::IpPrefix{"::1", 128});
  CHECK(parsed.addresses[1].prefix == collectors::IpPrefix{"fe80::fc:ff:fe00:1", 64});
  CHECK(parsed.addresses[2].prefix == collectors::IpPrefix{"2001:db8::1", 48});
}

TEST_CASE("prefix length of netmasks") {
  const std::uint8_t m24[4] = {255, 255, 255, 0}, m0[4] = {0, 0, 0, 0},
                     m32[4] = {255, 255, 255, 255};
  const std::uint8_t m20[4] = {255, 255, 240, 0};
  CHECK(prefix_length(m24, 4) == 24);
  CHECK(prefix_length(m0, 4) == 0);
  CHECK(prefix_length(m32, 4) == 32);
  CHECK(prefix_length(m20, 4) == 20);
  const std::uint8_t v4[4] = {192, 0, 2, 2};
  CHECK(ipv4_text(v4) == "192.0.2.2");
}
