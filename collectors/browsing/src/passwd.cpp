#include "shouwei/collectors/browsing/passwd.hpp"

#include <set>
#include <string>

namespace shouwei::collectors::browsing {
namespace {

constexpr std::uint32_t kFirstRegularUid = 1000;
constexpr std::uint32_t kNobodyUid = 65534;

bool usable_home(std::string_view home) {
  return home.size() > 1 && home.front() == '/' && home != "/nonexistent" &&
         home.find('\0') == std::string_view::npos;
}

bool may_own_profiles(std::uint32_t uid, std::string_view home) {
  if (uid == 0) return true;
  if (uid >= kFirstRegularUid && uid != kNobodyUid) return true;
  return home.starts_with("/home/");
}

}  // namespace

std::vector<LocalUser> select_profile_owners(std::span<const collectors::LocalUser> accounts) {
  std::vector<LocalUser> users;
  std::set<std::string, std::less<>> homes;
  for (const auto& account : accounts) {
    std::string_view home = account.home;
    while (home.size() > 1 && home.back() == '/') home.remove_suffix(1);
    if (account.name.empty() || !usable_home(home) || !may_own_profiles(account.uid, home))
      continue;
    if (!homes.emplace(home).second) continue;
    users.push_back(LocalUser{account.name, account.uid, std::string(home)});
  }
  return users;
}

}  // namespace shouwei::collectors::browsing
