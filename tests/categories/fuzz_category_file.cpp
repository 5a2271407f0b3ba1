// libFuzzer target: CategoryDb::from_bytes on arbitrary bytes, then lookups on what opened.
// Hostile files with a valid SHA-256 trailer are the interesting ones, so the fuzzer also
// reseals its input: both the raw and the resealed bytes are opened.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shouwei/collectors/categories/category_db.hpp"
#include "shouwei/common/encoding.hpp"

namespace {

void exercise(std::string_view bytes) {
  auto db = shouwei::collectors::categories::CategoryDb::from_bytes(bytes, "fuzz");
  if (!db.ok()) return;
  for (const char* q : {"bet365.com", "www.sub.example.com", "203.0.113.7", "example.net/x/y",
                        "http://user@www.example.net:80/x?y#z", "a", ""}) {
    (void)db->lookup(q);
  }
  (void)db->category_names();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  exercise(raw);
  if (size > 32) {
    std::string sealed(raw.substr(0, size - 32));
    sealed += shouwei::sha256(sealed);
    exercise(sealed);
  }
  return 0;
}
