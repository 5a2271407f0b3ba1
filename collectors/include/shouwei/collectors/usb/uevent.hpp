// Kernel uevents: the datagrams the kernel multicasts on NETLINK_KOBJECT_UEVENT when a device
// appears, changes or goes away. The parser is pure (no OS header) and fuzzed (fuzz_uevent),
// because the bytes come from a socket.
//
// Two wire formats are understood:
//  - the kernel's:  "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0..." (every field NUL-terminated);
//  - udev's monitor re-broadcast: a 40-byte header starting "libudev\0", magic 0xfeedcafe in
//    network byte order, then header_size, properties_off, properties_len (host byte order)
//    and filter hashes; the properties "KEY=VALUE\0..." lie at properties_off.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shouwei/common/result.hpp"

namespace shouwei::collectors::usb {

// A uevent never exceeds a few KiB (the kernel caps its environment at 2 KiB); anything larger
// is refused rather than parsed.
inline constexpr std::size_t kMaxUeventBytes = 16u * 1024u;
// The kernel allows 64 environment entries; a little slack for udev's additions.
inline constexpr std::size_t kMaxUeventProperties = 128;

struct Uevent {
  enum class Source { kernel, udev };

  Source source = Source::kernel;
  std::string action;   // "add", "remove", "change", "bind", "unbind", "move", ...
  std::string devpath;  // "/devices/pci0000:00/0000:00:14.0/usb1/1-1", always starts with '/'
  // KEY=VALUE pairs in wire order (ACTION and DEVPATH included, as sent).
  std::vector<std::pair<std::string, std::string>> properties;

  // The value of the first property named key; nullopt when absent.
  std::optional<std::string_view> get(std::string_view key) const;
};

// Parses one datagram. Errc::parse (naming the offending field) for anything malformed: a
// missing or empty action, a devpath not starting with '/', a property without '=' or with an
// empty key, a last field not NUL-terminated (a truncated datagram), an ACTION or DEVPATH
// property contradicting the header, a bad udev header. Errc::limit_exceeded past the caps.
Result<Uevent> parse_uevent(std::string_view datagram);

}  // namespace shouwei::collectors::usb
