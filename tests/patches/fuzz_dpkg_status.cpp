// libFuzzer target: dpkg status / deb822 bytes (also the Packages and Release parsers) must
// never crash, hang or grow memory beyond the line caps.
#include <cstddef>
#include <cstdint>
#include <string>

#include "shouwei/collectors/patches/apt_index.hpp"
#include "shouwei/collectors/patches/dpkg_status.hpp"

namespace p = shouwei::collectors::patches;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  p::StringStream status_in(bytes);
  auto status = p::read_dpkg_status(status_in);
  if (status.ok()) {
    p::CandidateIndex index(status->installed, "amd64");
    p::StringStream packages_in(bytes);
    (void)index.offer_index(packages_in, true).ok();
    (void)index.pending();
  }
  (void)p::is_security_release(p::parse_release(bytes));
  return 0;
}
