// Parsers of the small text files through which the kernel (procfs, sysfs) and the system
// configuration state single facts. All accept any bytes; none throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/collectors/inventory/inventory_facts.hpp"
#include "shouwei/common/clock.hpp"

namespace shouwei::platform {

// The first line that is neither empty nor a '#' comment, trimmed: the value of one-value files
// (/proc/sys/kernel/hostname, /proc/sys/kernel/osrelease, /etc/hostname). nullopt if none.
std::optional<std::string> first_value_line(std::string_view text);

// The boot time from /proc/stat's "btime <seconds since the epoch>" line; nullopt if missing,
// not a number, or not between 1970 and 2100.
std::optional<TimePoint> parse_btime(std::string_view proc_stat);

// A link-layer address as sysfs writes it (/sys/class/net/*/address): colon-separated hex
// bytes, returned lowercase. nullopt when empty or not of that form.
std::optional<std::string> parse_mac(std::string_view text);

// /sys/class/net/*/flags ("0x1003"): the interface flags; nullopt if not a hex number.
std::optional<unsigned long> parse_hex_flags(std::string_view text);
inline constexpr unsigned long kIffUp = 0x1;  // IFF_UP, identical on every Linux architecture

struct Inet6Address {
  std::string interface;
  collectors::IpPrefix prefix;
};

struct Inet6Parse {
  std::vector<Inet6Address> addresses;
  std::size_t malformed_lines = 0;
};

// /proc/net/if_inet6: "<32 hex digits> <ifindex> <prefix len> <scope> <flags> <name>" per line,
// numbers in hex.
Inet6Parse parse_if_inet6(std::string_view text);

}  // namespace shouwei::platform
