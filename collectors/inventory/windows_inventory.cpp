#include "shouwei/collectors/inventory/windows_inventory.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>

namespace shouwei::collectors {
namespace {

std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// The relative identifier (last sub-authority) of a SID string "S-1-5-21-...-1001".
std::optional<std::uint32_t> sid_rid(std::string_view sid) {
  const auto dash = sid.rfind('-');
  if (!sid.starts_with("S-1-") || dash == std::string_view::npos) return std::nullopt;
  const std::optional<std::uint64_t> rid = parse_number(sid.substr(dash + 1));
  if (!rid.has_value() || rid.value() > 0xFFFFFFFFu) return std::nullopt;
  return static_cast<std::uint32_t>(rid.value());
}

std::optional<std::string> build_string(const WindowsVersionValues& v) {
  if (!v.current_build_number) return std::nullopt;
  std::string build = *v.current_build_number;
  if (v.ubr) build += "." + std::to_string(*v.ubr);
  return build;
}

std::optional<std::string> version_id(const WindowsVersionValues& v) {
  if (v.major && v.minor) return std::to_string(*v.major) + "." + std::to_string(*v.minor);
  return v.current_version;
}

}  // namespace

OsInfo windows_os_info(const WindowsVersionValues& v) {
  OsInfo os;
  os.id = "windows";
  os.name = v.product_name;
  const auto build_number =
      v.current_build_number ? parse_number(*v.current_build_number) : std::nullopt;
  constexpr std::string_view kWin10 = "Windows 10";
  if (os.name && build_number && *build_number >= 22000 && os.name->starts_with(kWin10)) {
    os.name = "Windows 11" + os.name->substr(kWin10.size());
  }
  os.version = v.display_version ? v.display_version : v.release_id;
  os.version_id = version_id(v);
  os.build = build_string(v);
  os.edition = v.edition_id;
  if (os.name) {
    std::string pretty = *os.name;
    if (os.version) pretty += " " + *os.version;
    if (os.build) pretty += " (OS build " + *os.build + ")";
    os.pretty_name = pretty;
  }
  return os;
}

std::optional<std::string> windows_kernel_version(const WindowsVersionValues& v) {
  auto id = version_id(v);
  auto build = build_string(v);
  if (!id || !build) return std::nullopt;
  return *id + "." + *build;
}

std::vector<LocalUser> windows_users(const std::vector<WindowsProfile>& profiles,
                                     std::vector<std::string>& warnings) {
  std::vector<LocalUser> users;
  for (const auto& p : profiles) {
    const std::optional<std::uint32_t> rid = sid_rid(p.sid);
    if (!rid) {
      warnings.push_back("ProfileList\\" + p.sid + ": not a well-formed SID, skipped");
      continue;
    }
    LocalUser user;
    user.uid = *rid;
    user.home = p.profile_path;
    if (p.account_name) {
      user.name = *p.account_name;
    } else {
      const auto slash = p.profile_path.find_last_of("\\/");
      user.name = slash == std::string::npos ? p.profile_path : p.profile_path.substr(slash + 1);
    }
    user.login = p.sid.starts_with("S-1-5-21-");
    users.push_back(std::move(user));
  }
  return users;
}

std::optional<DomainMembership> windows_domain_membership(unsigned long join_status,
                                                          std::optional<std::string> name,
                                                          std::vector<std::string>& warnings) {
  // NETSETUP_JOIN_STATUS (lmjoin.h).
  constexpr unsigned long kUnjoined = 1, kWorkgroup = 2, kDomain = 3;
  if (join_status == kUnjoined) return DomainMembership{std::nullopt, DomainJoin::unjoined};
  if (join_status != kWorkgroup && join_status != kDomain) {
    warnings.push_back("NetGetJoinInformation: join status " + std::to_string(join_status) +
                       " is not known");
    return std::nullopt;
  }
  if (!name || name->empty()) {
    warnings.push_back("NetGetJoinInformation: joined but no domain or workgroup name");
    return std::nullopt;
  }
  return DomainMembership{std::move(name),
                          join_status == kDomain ? DomainJoin::domain : DomainJoin::workgroup};
}

std::optional<std::string> format_mac(const std::vector<std::uint8_t>& address) {
  if (address.size() != 6) return std::nullopt;
  if (std::all_of(address.begin(), address.end(), [](std::uint8_t b) { return b == 0; }))
    return std::nullopt;
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", address[0], address[1],
                address[2], address[3], address[4], address[5]);
  return std::string(text);
}

}  // namespace shouwei::collectors
