#include "shouwei/collectors/usb/uevent.hpp"

#include <cstdint>
#include <cstring>

namespace shouwei::collectors::usb {
namespace {

constexpr std::string_view kUdevPrefix("libudev\0", 8);
constexpr std::uint32_t kUdevMagic = 0xfeedcafe;
constexpr std::size_t kUdevHeaderBytes = 40;  // prefix[8] + 8 x uint32

std::uint32_t load_host_u32(std::string_view bytes, std::size_t offset) {
  std::uint32_t v = 0;
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v;
}

std::uint32_t load_big_endian_u32(std::string_view bytes, std::size_t offset) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    v = (v << 8) | static_cast<unsigned char>(bytes[offset + i]);
  }
  return v;
}

// Splits "KEY=VALUE\0KEY=VALUE\0..." into properties. REQUIRES: block ends with '\0' or is empty.
Result<void> parse_properties(std::string_view block, Uevent& out) {
  while (!block.empty()) {
    const std::size_t end = block.find('\0');
    const std::string_view field = block.substr(0, end);
    block.remove_prefix(end + 1);
    if (field.empty()) continue;  // udev pads; the kernel never sends empty fields
    const std::size_t eq = field.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return fail(Errc::parse, "uevent: property without KEY= at field \"" +
                                   std::string(field.substr(0, 64)) + "\"");
    }
    if (out.properties.size() == kMaxUeventProperties) {
      return fail(Errc::limit_exceeded,
                  "uevent: more than " + std::to_string(kMaxUeventProperties) + " properties");
    }
    out.properties.emplace_back(std::string(field.substr(0, eq)),
                                std::string(field.substr(eq + 1)));
  }
  return {};
}

Result<void> check_devpath(std::string_view devpath) {
  if (devpath.empty() || devpath.front() != '/') {
    return fail(Errc::parse, "uevent: DEVPATH \"" + std::string(devpath.substr(0, 64)) +
                                 "\" does not start with '/'");
  }
  return {};
}

Result<Uevent> parse_kernel(std::string_view datagram) {
  Uevent event;
  event.source = Uevent::Source::kernel;
  const std::size_t header_end = datagram.find('\0');
  const std::string_view header = datagram.substr(0, header_end);
  const std::size_t at = header.find('@');
  if (at == std::string_view::npos || at == 0) {
    return fail(Errc::parse, "uevent: header has no ACTION@DEVPATH");
  }
  event.action = std::string(header.substr(0, at));
  event.devpath = std::string(header.substr(at + 1));
  SHOUWEI_TRY_VOID(check_devpath(event.devpath));
  SHOUWEI_TRY_VOID(parse_properties(datagram.substr(header_end + 1), event));
  // The header and the properties are written by the same kernel call; a mismatch means the
  // bytes did not come from the kernel.
  if (auto a = event.get("ACTION"); a && *a != event.action) {
    return fail(Errc::parse, "uevent: ACTION property contradicts the header");
  }
  if (auto d = event.get("DEVPATH"); d && *d != event.devpath) {
    return fail(Errc::parse, "uevent: DEVPATH property contradicts the header");
  }
  return event;
}

Result<Uevent> parse_udev(std::string_view datagram) {
  if (datagram.size() < kUdevHeaderBytes) {
    return fail(Errc::parse, "uevent: libudev header truncated");
  }
  if (load_big_endian_u32(datagram, 8) != kUdevMagic) {
    return fail(Errc::parse, "uevent: libudev header has a wrong magic");
  }
  const std::uint64_t off = load_host_u32(datagram, 16);
  const std::uint64_t len = load_host_u32(datagram, 20);
  if (off < kUdevHeaderBytes || off + len != datagram.size()) {
    return fail(Errc::parse, "uevent: libudev properties_off/properties_len outside the datagram");
  }
  Uevent event;
  event.source = Uevent::Source::udev;
  SHOUWEI_TRY_VOID(parse_properties(datagram.substr(off), event));
  auto action = event.get("ACTION");
  auto devpath = event.get("DEVPATH");
  if (!action || action->empty())
    return fail(Errc::parse, "uevent: libudev message without ACTION");
  if (!devpath) return fail(Errc::parse, "uevent: libudev message without DEVPATH");
  event.action = std::string(*action);
  event.devpath = std::string(*devpath);
  SHOUWEI_TRY_VOID(check_devpath(event.devpath));
  return event;
}

}  // namespace

std::optional<std::string_view> Uevent::get(std::string_view key) const {
  for (const auto& [k, v] : properties) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

Result<Uevent> parse_uevent(std::string_view datagram) {
  if (datagram.size() > kMaxUeventBytes) {
    return fail(Errc::limit_exceeded, "uevent: datagram of " + std::to_string(datagram.size()) +
                                          " bytes exceeds " + std::to_string(kMaxUeventBytes));
  }
  if (datagram.empty()) return fail(Errc::parse, "uevent: empty datagram");
  if (datagram.back() != '\0') {
    return fail(Errc::parse, "uevent: last field not NUL-terminated (truncated datagram)");
  }
  if (datagram.starts_with(kUdevPrefix)) return parse_udev(datagram);
  return parse_kernel(datagram);
}

}  // namespace shouwei::collectors::usb
