// libFuzzer target for the uevent parser: any bytes from the netlink socket.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "shouwei/collectors/usb/uevent.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto event = shouwei::collectors::usb::parse_uevent(bytes);
  if (event.ok()) {
    // Invariants the rest of the agent relies on.
    if (event->action.empty() || event->devpath.empty() || event->devpath.front() != '/') {
      __builtin_trap();
    }
    if (event->properties.size() > shouwei::collectors::usb::kMaxUeventProperties) __builtin_trap();
  }
  return 0;
}
