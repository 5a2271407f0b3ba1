// Windows implementation of make_inventory_source: the live system only (a RootFs other than
// the host's root cannot hold a registry we could read, so the root is not consulted).
//
// Each fact is read independently; a failing call leaves its fact nullopt and adds one warning
// line naming the call, so one broken API never hides the others.
// <winsock2.h> before <windows.h>, and <windows.h> before the headers that need it.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <lm.h>
#include <sddl.h>
#include <wtsapi32.h>
// clang-format on

#include <chrono>
#include <string>
#include <vector>

#include "shouwei/collectors/inventory/inventory_source.hpp"
#include "shouwei/collectors/inventory/windows_inventory.hpp"
#include "shouwei/platform/win/registry.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::collectors {
namespace {

constexpr const char* kCurrentVersion = "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";

// Reads one optional value; a read error becomes a warning and nullopt.
template <typename T>
std::optional<T> value_or_warn(Result<std::optional<T>> r, std::vector<std::string>& warnings) {
  if (!r) {
    warnings.push_back(r.error().message);
    return std::nullopt;
  }
  return std::move(*r);
}

std::optional<OsInfo> read_os(std::vector<std::string>& warnings,
                              std::optional<std::string>& kernel) {
  auto key = win::RegistryKey::open(HKEY_LOCAL_MACHINE, kCurrentVersion);
  if (!key) {
    warnings.push_back(key.error().message);
    return std::nullopt;
  }
  WindowsVersionValues v;
  v.product_name = value_or_warn(key->string_value("ProductName"), warnings);
  v.edition_id = value_or_warn(key->string_value("EditionID"), warnings);
  v.display_version = value_or_warn(key->string_value("DisplayVersion"), warnings);
  v.release_id = value_or_warn(key->string_value("ReleaseId"), warnings);
  v.current_build_number = value_or_warn(key->string_value("CurrentBuildNumber"), warnings);
  v.current_version = value_or_warn(key->string_value("CurrentVersion"), warnings);
  v.major = value_or_warn(key->number_value("CurrentMajorVersionNumber"), warnings);
  v.minor = value_or_warn(key->number_value("CurrentMinorVersionNumber"), warnings);
  v.ubr = value_or_warn(key->number_value("UBR"), warnings);
  kernel = windows_kernel_version(v);
  return windows_os_info(v);
}

std::optional<std::string> computer_name(COMPUTER_NAME_FORMAT format,
                                         std::vector<std::string>& warnings) {
  DWORD size = 0;
  ::GetComputerNameExW(format, nullptr, &size);
  std::wstring name(size, L'\0');
  if (size == 0 || !::GetComputerNameExW(format, name.data(), &size)) {
    warnings.push_back(win::last_error("GetComputerNameExW").message);
    return std::nullopt;
  }
  name.resize(size);
  return win::to_utf8_lossy(name);
}

std::optional<std::string> arch_name() {
  SYSTEM_INFO info{};
  ::GetNativeSystemInfo(&info);
  switch (info.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64:
      return "x86_64";
    case PROCESSOR_ARCHITECTURE_ARM64:
      return "aarch64";
    case PROCESSOR_ARCHITECTURE_INTEL:
      return "x86";
    default:
      return std::nullopt;
  }
}

// The account name of a SID string, when it resolves.
std::optional<std::string> account_of(const std::wstring& sid_text) {
  PSID sid = nullptr;
  if (!::ConvertStringSidToSidW(sid_text.c_str(), &sid)) return std::nullopt;
  wchar_t name[256];
  wchar_t domain[256];
  DWORD name_len = 256;
  DWORD domain_len = 256;
  SID_NAME_USE use;
  std::optional<std::string> out;
  if (::LookupAccountSidW(nullptr, sid, name, &name_len, domain, &domain_len, &use)) {
    out = win::to_utf8_lossy(name);
  }
  ::LocalFree(sid);
  return out;
}

std::wstring expand(const std::wstring& text) {
  const DWORD n = ::ExpandEnvironmentStringsW(text.c_str(), nullptr, 0);
  if (n == 0) return text;
  std::wstring out(n, L'\0');
  if (::ExpandEnvironmentStringsW(text.c_str(), out.data(), n) == 0) return text;
  while (!out.empty() && out.back() == L'\0') out.pop_back();
  return out;
}

std::optional<std::vector<LocalUser>> read_users(std::vector<std::string>& warnings) {
  auto list =
      win::RegistryKey::open(HKEY_LOCAL_MACHINE, std::string(kCurrentVersion) + "\\ProfileList");
  if (!list) {
    warnings.push_back(list.error().message);
    return std::nullopt;
  }
  auto sids = list->subkey_names();
  if (!sids) {
    warnings.push_back(sids.error().message);
    return std::nullopt;
  }
  std::vector<WindowsProfile> profiles;
  for (const auto& sid : *sids) {
    auto entry = list->open_subkey(sid);
    if (!entry) {
      warnings.push_back(entry.error().message);
      continue;
    }
    auto path = value_or_warn(entry->string_value("ProfileImagePath"), warnings);
    if (!path) continue;
    WindowsProfile p;
    p.sid = sid;
    p.profile_path = win::to_utf8_lossy(expand(win::to_wide_lossy(*path)));
    p.account_name = account_of(win::to_wide_lossy(sid));
    profiles.push_back(std::move(p));
  }
  return windows_users(profiles, warnings);
}

std::optional<std::wstring> session_string(DWORD id, WTS_INFO_CLASS what) {
  wchar_t* buffer = nullptr;
  DWORD bytes = 0;
  if (!::WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, what, &buffer, &bytes))
    return std::nullopt;
  std::wstring out = buffer != nullptr ? std::wstring(buffer) : std::wstring();
  ::WTSFreeMemory(buffer);
  return out;
}

std::optional<std::vector<LoginSession>> read_sessions(std::vector<std::string>& warnings) {
  WTS_SESSION_INFOW* sessions = nullptr;
  DWORD count = 0;
  if (!::WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &sessions, &count)) {
    warnings.push_back(win::last_error("WTSEnumerateSessionsW").message);
    return std::nullopt;
  }
  std::vector<LoginSession> out;
  for (DWORD i = 0; i < count; ++i) {
    const auto& s = sessions[i];
    if (s.State != WTSActive && s.State != WTSDisconnected) continue;
    auto user = session_string(s.SessionId, WTSUserName);
    if (!user || user->empty()) continue;  // the services session, the listener
    LoginSession session;
    session.user = win::to_utf8_lossy(*user);
    if (auto domain = session_string(s.SessionId, WTSDomainName); domain && !domain->empty()) {
      session.user = win::to_utf8_lossy(*domain) + "\\" + session.user;
    }
    session.tty = win::to_utf8_lossy(s.pWinStationName != nullptr ? s.pWinStationName : L"");
    if (auto client = session_string(s.SessionId, WTSClientName); client && !client->empty()) {
      session.host = win::to_utf8_lossy(*client);
    }
    out.push_back(std::move(session));
  }
  ::WTSFreeMemory(sessions);
  return out;
}

std::optional<std::string> address_text(const SOCKADDR* address) {
  char text[INET6_ADDRSTRLEN] = {};
  const void* raw =
      address->sa_family == AF_INET
          ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(address)->sin_addr)
          : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
  if (::inet_ntop(address->sa_family, raw, text, sizeof text) == nullptr) return std::nullopt;
  return std::string(text);
}

std::optional<std::vector<NetworkInterface>> read_interfaces(std::vector<std::string>& warnings) {
  constexpr ULONG kFlags =
      GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
  ULONG size = 16 * 1024;
  std::vector<unsigned char> buffer;
  ULONG rc = ERROR_BUFFER_OVERFLOW;
  for (int attempt = 0; attempt < 4 && rc == ERROR_BUFFER_OVERFLOW; ++attempt) {
    buffer.assign(size, 0);
    rc = ::GetAdaptersAddresses(AF_UNSPEC, kFlags, nullptr,
                                reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()), &size);
  }
  if (rc == ERROR_NO_DATA) return std::vector<NetworkInterface>{};
  if (rc != ERROR_SUCCESS) {
    warnings.push_back(win::win32_message(rc, "GetAdaptersAddresses"));
    return std::nullopt;
  }
  std::vector<NetworkInterface> out;
  for (auto* a = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()); a != nullptr;
       a = a->Next) {
    NetworkInterface nic;
    nic.name = win::to_utf8_lossy(a->FriendlyName != nullptr ? a->FriendlyName : L"");
    nic.mac = format_mac(std::vector<std::uint8_t>(a->PhysicalAddress,
                                                   a->PhysicalAddress + a->PhysicalAddressLength));
    nic.ipv4.emplace();
    nic.ipv6.emplace();
    for (auto* u = a->FirstUnicastAddress; u != nullptr; u = u->Next) {
      const SOCKADDR* sa = u->Address.lpSockaddr;
      if (sa == nullptr || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)) continue;
      auto text = address_text(sa);
      if (!text) continue;
      IpPrefix prefix{*text, u->OnLinkPrefixLength};
      (sa->sa_family == AF_INET ? *nic.ipv4 : *nic.ipv6).push_back(std::move(prefix));
    }
    nic.up = a->OperStatus == IfOperStatusUp;
    out.push_back(std::move(nic));
  }
  return out;
}

std::optional<DomainMembership> read_domain(std::vector<std::string>& warnings) {
  wchar_t* name = nullptr;
  NETSETUP_JOIN_STATUS status = NetSetupUnknownStatus;
  const NET_API_STATUS rc = ::NetGetJoinInformation(nullptr, &name, &status);
  if (rc != NERR_Success) {
    warnings.push_back(win::win32_message(rc, "NetGetJoinInformation"));
    return std::nullopt;
  }
  std::optional<std::string> text;
  if (name != nullptr) {
    if (*name != L'\0') text = win::to_utf8_lossy(name);
    ::NetApiBufferFree(name);
  }
  return windows_domain_membership(static_cast<unsigned long>(status), std::move(text), warnings);
}

class WindowsInventorySource final : public InventorySource {
 public:
  Result<InventoryFacts> read() override {
    InventoryFacts facts;
    auto& w = facts.warnings;
    facts.hostname = computer_name(ComputerNamePhysicalDnsHostname, w);
    if (auto os = read_os(w, facts.kernel)) facts.os = std::move(*os);
    facts.arch = arch_name();
    facts.boot_time = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now() - std::chrono::milliseconds(::GetTickCount64()));
    facts.users = read_users(w);
    facts.sessions = read_sessions(w);
    facts.interfaces = read_interfaces(w);
    facts.domain = read_domain(w);
    return facts;
  }
};

}  // namespace

std::unique_ptr<InventorySource> make_inventory_source(const RootFs&) {
  return std::make_unique<WindowsInventorySource>();
}

}  // namespace shouwei::collectors
