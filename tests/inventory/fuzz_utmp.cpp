// libFuzzer target: any bytes as a utmp file. Parsing and session extraction must stay within
// the input and the record cap, and every session must render into a section that
// canonicalizes (valid UTF-8 whatever the bytes).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shouwei/collectors/inventory/inventory_collector.hpp"
#include "shouwei/common/canonical_json.hpp"
#include "shouwei/platform/inventory/utmp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto parsed = shouwei::platform::parse_utmp(bytes, 64);
  if (parsed.records.size() > 64 || parsed.trailing_bytes >= shouwei::platform::kUtmpRecordSize)
    std::abort();
  shouwei::collectors::InventoryFacts facts;
  facts.sessions = shouwei::platform::login_sessions(parsed.records);
  const auto section = shouwei::collectors::render_inventory(facts, {});
  if (!shouwei::json::canonicalize(section).ok()) std::abort();
  return 0;
}
