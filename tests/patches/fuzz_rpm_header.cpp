// libFuzzer target: RPM header blobs from an rpmdb must never crash the parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "shouwei/collectors/patches/rpm_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto pkg = shouwei::collectors::patches::parse_rpm_header(
      std::string_view(reinterpret_cast<const char*>(data), size));
  (void)pkg.ok();
  return 0;
}
