// libFuzzer target: strict parsing and RFC 8785 canonicalization of arbitrary bytes must never
// crash or hang, and canonical output must be a fixed point (canonicalizing it again changes
// nothing), otherwise a verifier re-canonicalizing would disagree with the signer.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shouwei/common/canonical_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto canonical = shouwei::json::canonicalize_text(input);
  if (!canonical) return 0;
  auto twice = shouwei::json::canonicalize_text(*canonical);
  if (!twice || *twice != *canonical) std::abort();
  return 0;
}
