// libFuzzer target: the POST /api/v1/enroll body parser and the PEM public key it carries.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "shouwei/common/keys.hpp"
#include "shouwei/server/request_parsers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto req = shouwei::server::parse_enroll_request(body);
  if (req) {
    auto key = shouwei::PublicKey::from_pem(req->public_key_pem);
    if (key) (void)key->keyid();
  }
  return 0;
}
