// The two ways the Linux source learns network interfaces (see collectors/inventory/README.md):
//  - the live host: getifaddrs(3), i.e. rtnetlink, the same source `ip addr` reads;
//  - any other root: the files under it, /sys/class/net/<name>/{address,flags} and
//    /proc/net/if_inet6. The kernel exports no per-interface IPv4 address file, so IPv4 is
//    unknown (null) there: /proc/net/fib_trie lists local addresses without their interface,
//    and attributing them through the routing table would be a guess.
#pragma once

#include <optional>
#include <vector>

#include "shouwei/collectors/inventory/inventory_facts.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/root_fs.hpp"
#include "source_files.hpp"

namespace shouwei::platform {

// Every interface of the running system, sorted by name. Fails naming getifaddrs.
Result<std::vector<collectors::NetworkInterface>> read_host_interfaces();

// The interfaces recorded under root, sorted by name; nullopt when the root has no
// /sys/class/net (a disk image: interfaces exist only on a running system).
std::optional<std::vector<collectors::NetworkInterface>> read_sysfs_interfaces(const RootFs& root,
                                                                               Warnings& warnings);

}  // namespace shouwei::platform
