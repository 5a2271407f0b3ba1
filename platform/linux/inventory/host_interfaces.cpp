// Interfaces of the live host through getifaddrs(3).
#include <cstring>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <map>
#include <memory>
#include <net/if.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>

#include "interfaces.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/platform/inventory/ip_text.hpp"

namespace shouwei::platform {
namespace {

struct IfaddrsDeleter {
  void operator()(ifaddrs* list) const noexcept { freeifaddrs(list); }
};

// IPv4 addresses carry their label ("eth0:1") as name; Linux interface names cannot contain
// ':', so the interface is what precedes the first colon.
std::string interface_of(const char* name) {
  std::string s(name ? name : "");
  return s.substr(0, s.find(':'));
}

std::string mac_text(const sockaddr_ll& ll) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  const std::size_t n = ll.sll_halen <= sizeof ll.sll_addr ? ll.sll_halen : sizeof ll.sll_addr;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ':';
    out += kHex[ll.sll_addr[i] >> 4];
    out += kHex[ll.sll_addr[i] & 0xf];
  }
  return out;
}

collectors::IpPrefix ipv4_prefix(const ifaddrs& a) {
  std::uint8_t addr[4], mask[4] = {};
  std::memcpy(addr, &reinterpret_cast<const sockaddr_in*>(a.ifa_addr)->sin_addr, 4);
  if (a.ifa_netmask)
    std::memcpy(mask, &reinterpret_cast<const sockaddr_in*>(a.ifa_netmask)->sin_addr, 4);
  return {ipv4_text(addr), prefix_length(mask, 4)};
}

collectors::IpPrefix ipv6_prefix(const ifaddrs& a) {
  std::uint8_t addr[16], mask[16] = {};
  std::memcpy(addr, &reinterpret_cast<const sockaddr_in6*>(a.ifa_addr)->sin6_addr, 16);
  if (a.ifa_netmask)
    std::memcpy(mask, &reinterpret_cast<const sockaddr_in6*>(a.ifa_netmask)->sin6_addr, 16);
  return {ipv6_text(addr), prefix_length(mask, 16)};
}

}  // namespace

Result<std::vector<collectors::NetworkInterface>> read_host_interfaces() {
  ifaddrs* raw = nullptr;
  if (getifaddrs(&raw) != 0)
    return fail(errno_code(), errno_message("getifaddrs", "cannot list interfaces"));
  const std::unique_ptr<ifaddrs, IfaddrsDeleter> list(raw);

  std::map<std::string, collectors::NetworkInterface> by_name;
  const auto entry = [&](const std::string& name) -> collectors::NetworkInterface& {
    auto& nic = by_name[name];
    if (nic.name.empty()) {
      nic.name = name;
      nic.ipv4.emplace();
      nic.ipv6.emplace();
    }
    return nic;
  };
  for (const ifaddrs* a = list.get(); a; a = a->ifa_next) {
    auto& nic = entry(interface_of(a->ifa_name));
    if (!a->ifa_addr) continue;
    switch (a->ifa_addr->sa_family) {
      case AF_PACKET: {
        // One AF_PACKET entry per link: it carries the link's flags and hardware address.
        nic.up = (a->ifa_flags & IFF_UP) != 0;
        const auto& ll = *reinterpret_cast<const sockaddr_ll*>(a->ifa_addr);
        if (ll.sll_halen > 0) nic.mac = mac_text(ll);
        break;
      }
      case AF_INET:
        nic.ipv4->push_back(ipv4_prefix(*a));
        break;
      case AF_INET6:
        nic.ipv6->push_back(ipv6_prefix(*a));
        break;
      default:
        break;
    }
    if (!nic.up) nic.up = (a->ifa_flags & IFF_UP) != 0;
  }
  std::vector<collectors::NetworkInterface> out;
  out.reserve(by_name.size());
  for (auto& [name, nic] : by_name) out.push_back(std::move(nic));
  return out;
}

}  // namespace shouwei::platform
