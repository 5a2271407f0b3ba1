// Interfaces recorded under a non-host root: /sys/class/net and /proc/net/if_inet6.
#include <filesystem>
#include <string>

#include "interfaces.hpp"
#include "shouwei/platform/inventory/kernel_files.hpp"

namespace shouwei::platform {
namespace {

constexpr std::size_t kSmallFileBytes = 4096;
constexpr std::size_t kIfInet6Bytes = 1024 * 1024;  // ~10,000 addresses

// IPv6 addresses by interface; nullopt when the root has no if_inet6 (IPv6 unknown).
std::optional<Inet6Parse> read_inet6(const RootFs& root, Warnings& warnings) {
  const auto file = read_first(root, {"/proc/net/if_inet6"}, kIfInet6Bytes, warnings);
  if (!file) return std::nullopt;
  auto parsed = parse_if_inet6(file->content);
  if (parsed.malformed_lines > 0) {
    warnings.push_back(file->path + ": " + std::to_string(parsed.malformed_lines) +
                       " malformed lines skipped");
  }
  return parsed;
}

}  // namespace

std::optional<std::vector<collectors::NetworkInterface>> read_sysfs_interfaces(const RootFs& root,
                                                                               Warnings& warnings) {
  if (!root.exists("/sys/class/net")) return std::nullopt;
  const auto inet6 = read_inet6(root, warnings);

  std::vector<collectors::NetworkInterface> out;
  for (const auto& name : root.list("/sys/class/net")) {
    const std::string dir = "/sys/class/net/" + name;
    // Skips the files that share the directory with the interfaces (bonding_masters).
    std::error_code ec;
    if (!std::filesystem::is_directory(root.resolve(dir), ec)) continue;
    collectors::NetworkInterface nic;
    nic.name = name;
    if (const auto f = read_first(root, {dir + "/address"}, kSmallFileBytes, warnings)) {
      nic.mac = parse_mac(f->content);
      // An all-empty address file is an interface without a link-layer address (tun, wg).
      if (!nic.mac && first_value_line(f->content))
        warnings.push_back(f->path + ": not a link-layer address");
    }
    if (const auto f = read_first(root, {dir + "/flags"}, kSmallFileBytes, warnings)) {
      const auto flags = parse_hex_flags(f->content);
      if (flags)
        nic.up = (*flags & kIffUp) != 0;
      else
        warnings.push_back(f->path + ": not a hexadecimal flags value");
    }
    if (inet6) {
      nic.ipv6.emplace();
      for (const auto& a : inet6->addresses) {
        if (a.interface == name) nic.ipv6->push_back(a.prefix);
      }
    }
    out.push_back(std::move(nic));
  }
  return out;
}

}  // namespace shouwei::platform
