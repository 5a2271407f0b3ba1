// libFuzzer target: the first 512 bytes of a .cvd/.cld file are untrusted.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "shouwei/collectors/antivirus/cvd_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto header = shouwei::collectors::antivirus::parse_cvd_header(
      std::string_view(reinterpret_cast<const char*>(data), size));
  (void)header.ok();
  return 0;
}
