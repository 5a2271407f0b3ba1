// libFuzzer target for the text parsers of the inventory (os-release, os-version, passwd,
// shells, /proc/stat, /proc/net/if_inet6, sysfs address and flags). The first byte picks the
// parser, the rest is the file; whatever the bytes, the result must render into a section that
// canonicalizes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shouwei/collectors/inventory/inventory_collector.hpp"
#include "shouwei/common/canonical_json.hpp"
#include "shouwei/platform/inventory/kernel_files.hpp"
#include "shouwei/platform/inventory/os_release.hpp"
#include "shouwei/platform/inventory/passwd.hpp"

using namespace shouwei;
using namespace shouwei::platform;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  collectors::InventoryFacts facts;
  switch (data[0] % 6) {
    case 0:
      facts.os = os_info_from(parse_os_release(text), {});
      break;
    case 1:
      facts.os = os_info_from({{"VERSION", "20"}}, parse_os_version(text));
      break;
    case 2:
      facts.users = parse_passwd(text, parse_shells(text)).users;
      break;
    case 3:
      facts.boot_time = parse_btime(text);
      break;
    case 4: {
      collectors::NetworkInterface nic;
      nic.name = "eth0";
      nic.mac = parse_mac(text);
      if (const auto flags = parse_hex_flags(text)) nic.up = (*flags & kIffUp) != 0;
      nic.ipv6.emplace();
      for (const auto& a : parse_if_inet6(text).addresses) {
        if (a.prefix.prefix_length > 128) std::abort();
        nic.ipv6->push_back(a.prefix);
      }
      facts.interfaces.emplace().push_back(nic);
      break;
    }
    default:
      facts.hostname = first_value_line(text);
      break;
  }
  if (!json::canonicalize(collectors::render_inventory(facts, {})).ok()) std::abort();
  return 0;
}
