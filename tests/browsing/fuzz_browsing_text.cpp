// Fuzzes the browsing collector's parsers of user-controlled text: profiles.ini, the password
// database of a mounted disk, and history URLs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "shouwei/collectors/browsing/categorizer.hpp"
#include "shouwei/collectors/browsing/passwd.hpp"
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
  auto users = parse_passwd(text);
  if (users.ok()) {
    for (const auto& u : *users) {
      if (u.home.size() < 2 || u.home.front() != '/') __builtin_trap();
    }
  }
  auto host = url_host(text);
  if (host && host->empty()) __builtin_trap();
  return 0;
}
