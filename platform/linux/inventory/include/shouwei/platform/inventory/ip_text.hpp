// Canonical text of raw IP addresses (inet_ntop: dotted quad, RFC 5952 for IPv6) and prefix
// lengths of netmasks, shared by every way the inventory learns addresses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace shouwei::platform {

std::string ipv4_text(const std::uint8_t (&bytes)[4]);
std::string ipv6_text(const std::uint8_t (&bytes)[16]);

// The number of leading one bits of a netmask of `size` bytes (a contiguous mask's prefix).
unsigned prefix_length(const std::uint8_t* mask, std::size_t size);

}  // namespace shouwei::platform
