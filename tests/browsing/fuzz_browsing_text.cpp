// Fuzzes the browsing collector's parsers of user-controlled text: profiles.ini and history
// URLs (the password database is the inventory's parser, fuzzed there).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "shouwei/collectors/browsing/categorizer.hpp"
#include "shouwei/collectors/browsing/profiles_ini.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace shouwei::collectors::browsing;
  auto ini = parse_profiles_ini(text);
  if (ini.ok()) {
    for (const auto& e : *ini) {
      if (e.path.empty()) __builtin_trap();  // entries without a Path are never returned
    }
  }
  auto host = url_host(text);
  if (host && host->empty()) __builtin_trap();
  return 0;
}
