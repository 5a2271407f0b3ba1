// libFuzzer target: DSSE envelope parsing and verification against a fixed key must never crash,
// hang or leak, and whatever parses must survive serialize() -> parse() unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shouwei/common/dsse.hpp"
#include "shouwei/common/encoding.hpp"

namespace {
const shouwei::PublicKey& fixed_key() {
  // RFC 8032 test key 1, so runs are reproducible.
  static const shouwei::PrivateKey key = [] {
    auto der = shouwei::hex_decode(
        "302e020100300506032b6570042204209d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031c"
        "ae7f60");
    auto k = shouwei::PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\n" +
                                           shouwei::base64_encode(*der) +
                                           "\n-----END PRIVATE KEY-----\n");
    if (!k) std::abort();
    return std::move(k).value();
  }();
  return key.public_key();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto env = shouwei::dsse::parse(input, 1u << 20);
  if (!env) return 0;
  (void)shouwei::dsse::verify(*env, fixed_key(), shouwei::dsse::kSnapshotPayloadType);
  auto again = shouwei::dsse::parse(shouwei::dsse::serialize(*env));
  if (!again || again->payload != env->payload || again->payload_type != env->payload_type ||
      again->signatures.size() != env->signatures.size()) {
    std::abort();
  }
  return 0;
}
