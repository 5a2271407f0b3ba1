#include "shouwei/platform/inventory/ip_text.hpp"

#include <arpa/inet.h>
#include <bit>

namespace shouwei::platform {

std::string ipv4_text(const std::uint8_t (&bytes)[4]) {
  char buf[INET_ADDRSTRLEN] = {};
  return inet_ntop(AF_INET, bytes, buf, sizeof buf) ? std::string(buf) : std::string();
}

std::string ipv6_text(const std::uint8_t (&bytes)[16]) {
  char buf[INET6_ADDRSTRLEN] = {};
  return inet_ntop(AF_INET6, bytes, buf, sizeof buf) ? std::string(buf) : std::string();
}

unsigned prefix_length(const std::uint8_t* mask, std::size_t size) {
  unsigned bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    const auto ones = static_cast<unsigned>(std::countl_one(mask[i]));
    bits += ones;
    if (ones < 8) break;
  }
  return bits;
}

}  // namespace shouwei::platform
