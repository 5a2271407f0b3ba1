#include "shouwei/collectors/browsing/passwd.hpp"

#include <charconv>
#include <set>
#include <string>

namespace shouwei::collectors::browsing {
namespace {

constexpr std::int64_t kFirstRegularUid = 1000;
constexpr std::int64_t kNobodyUid = 65534;

// Splits a line into exactly 7 fields; false for anything else.
bool split_fields(std::string_view line, std::string_view (&fields)[7]) {
  std::size_t count = 0;
  while (true) {
    auto colon = line.find(':');
    if (count == 6) {
      if (colon != std::string_view::npos) return false;
      fields[6] = line;
      return true;
    }
    if (colon == std::string_view::npos) return false;
    fields[count++] = line.substr(0, colon);
    line.remove_prefix(colon + 1);
  }
}

bool usable_home(std::string_view home) {
  return home.size() > 1 && home.front() == '/' && home != "/nonexistent" &&
         home.find('\0') == std::string_view::npos;
}

bool may_own_profiles(std::int64_t uid, std::string_view home) {
  if (uid == 0) return true;
  if (uid >= kFirstRegularUid && uid != kNobodyUid) return true;
  // A system account given a home under /home was made for a person (e.g. a low uid
  // migrated from an older system).
  return home.starts_with("/home/");
}

}  // namespace

Result<std::vector<LocalUser>> parse_passwd(std::string_view text) {
  if (text.size() > kMaxPasswdBytes) {
    return fail(Errc::limit_exceeded,
                "passwd: larger than " + std::to_string(kMaxPasswdBytes) + " bytes");
  }
  std::vector<LocalUser> users;
  std::set<std::string, std::less<>> homes;
  while (!text.empty() && users.size() < kMaxPasswdUsers) {
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#' || line.front() == '+' || line.front() == '-') continue;

    std::string_view f[7];
    if (!split_fields(line, f) || f[0].empty()) continue;
    std::int64_t uid = -1;
    auto [ptr, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), uid);
    if (ec != std::errc() || ptr != f[2].data() + f[2].size() || uid < 0) continue;
    std::string_view home = f[5];
    while (home.size() > 1 && home.back() == '/') home.remove_suffix(1);
    if (!usable_home(home) || !may_own_profiles(uid, home)) continue;
    if (!homes.emplace(home).second) continue;
    users.push_back(LocalUser{std::string(f[0]), uid, std::string(home)});
  }
  return users;
}

}  // namespace shouwei::collectors::browsing
