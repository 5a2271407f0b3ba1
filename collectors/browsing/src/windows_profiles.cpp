#include "shouwei/collectors/browsing/windows_profiles.hpp"

#include <algorithm>
#include <set>

namespace shouwei::collectors::browsing {

std::optional<std::string> windows_home_to_system_path(std::string_view home) {
  const bool drive = home.size() >= 3 &&
                     ((home[0] >= 'A' && home[0] <= 'Z') || (home[0] >= 'a' && home[0] <= 'z')) &&
                     home[1] == ':' && (home[2] == '\\' || home[2] == '/');
  if (!drive) return std::nullopt;
  std::string out(home.substr(2));
  std::replace(out.begin(), out.end(), '\\', '/');
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (out == "/") return std::nullopt;  // a drive root is nobody's home
  return out;
}

std::vector<LocalUser> windows_profile_owners(std::span<const collectors::LocalUser> accounts) {
  std::vector<LocalUser> out;
  std::set<std::string> homes;
  for (const auto& a : accounts) {
    if (!a.login) continue;
    auto home = windows_home_to_system_path(a.home);
    if (!home) continue;
    std::string key = *home;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
    if (!homes.insert(key).second) continue;
    out.push_back(LocalUser{a.name, static_cast<std::int64_t>(a.uid), *home});
  }
  return out;
}

}  // namespace shouwei::collectors::browsing
