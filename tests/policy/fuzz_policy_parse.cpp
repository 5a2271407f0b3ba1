// Fuzzes the policy document parser and the envelope reader with untrusted bytes: nothing may
// crash, and any document accepted must survive its canonical round trip unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shouwei/common/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace shouwei;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const PrivateKey key = PrivateKey::generate(KeyAlgorithm::ed25519).value();
  (void)policy::claimed_version(text);
  (void)policy::verify_policy_signature(text, key.public_key());
  auto parsed = policy::parse_policy(text);
  if (!parsed) return 0;
  auto canonical = policy::canonical_policy(*parsed);
  if (!canonical) std::abort();
  auto again = policy::parse_policy(*canonical);
  if (!again) std::abort();
  auto canonical_again = policy::canonical_policy(*again);
  if (!canonical_again || *canonical_again != *canonical) std::abort();
  return 0;
}
