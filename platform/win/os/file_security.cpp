#include "shouwei/platform/win/file_security.hpp"

#include <aclapi.h>
#include <sddl.h>
#include <utility>

#include "shouwei/os/utf8_path.hpp"
#include "shouwei/platform/win/handle.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::win {
namespace {

bool is_trusted(PSID sid) {
  return ::IsWellKnownSid(sid, WinLocalSystemSid) ||
         ::IsWellKnownSid(sid, WinBuiltinAdministratorsSid);
}

// "DOMAIN\\name" of a SID, or its S-1-... string when it cannot be looked up.
std::string principal_name(PSID sid) {
  wchar_t name[256];
  wchar_t domain[256];
  DWORD name_len = 256;
  DWORD domain_len = 256;
  SID_NAME_USE use;
  if (::LookupAccountSidW(nullptr, sid, name, &name_len, domain, &domain_len, &use)) {
    std::wstring full = domain_len > 0 ? std::wstring(domain) + L"\\" + name : std::wstring(name);
    return to_utf8_lossy(full);
  }
  LocalPtr<wchar_t*> text;
  if (::ConvertSidToStringSidW(sid, text.out())) return to_utf8_lossy(text.get());
  return "unknown SID";
}

bool is_allow_ace(BYTE type) {
  return type == ACCESS_ALLOWED_ACE_TYPE || type == ACCESS_ALLOWED_OBJECT_ACE_TYPE ||
         type == ACCESS_ALLOWED_CALLBACK_ACE_TYPE ||
         type == ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE;
}

}  // namespace

Result<SecurityAttributes> SecurityAttributes::from_sddl(const wchar_t* sddl) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd,
                                                              nullptr)) {
    return fail(last_error("ConvertStringSecurityDescriptorToSecurityDescriptorW"));
  }
  return SecurityAttributes(sd);
}

SecurityAttributes::SecurityAttributes(PSECURITY_DESCRIPTOR sd) noexcept {
  sa_.nLength = sizeof sa_;
  sa_.lpSecurityDescriptor = sd;
  sa_.bInheritHandle = FALSE;
}

SecurityAttributes::SecurityAttributes(SecurityAttributes&& o) noexcept : sa_(o.sa_) {
  o.sa_.lpSecurityDescriptor = nullptr;
}

SecurityAttributes::~SecurityAttributes() {
  if (sa_.lpSecurityDescriptor != nullptr) ::LocalFree(sa_.lpSecurityDescriptor);
}

Result<std::vector<std::string>> foreign_principals(PSECURITY_DESCRIPTOR sd,
                                                    std::string_view subject) {
  const std::string what(subject);
  BOOL present = FALSE;
  BOOL defaulted = FALSE;
  PACL dacl = nullptr;
  if (!::GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted)) {
    return fail(last_error(what + ": GetSecurityDescriptorDacl"));
  }
  PSID owner = nullptr;
  if (!::GetSecurityDescriptorOwner(sd, &owner, &defaulted)) {
    return fail(last_error(what + ": GetSecurityDescriptorOwner"));
  }
  std::vector<std::string> foreign;
  if (!present || dacl == nullptr) {
    foreign.push_back("Everyone (no DACL)");
    return foreign;
  }
  for (DWORD i = 0; i < dacl->AceCount; ++i) {
    void* raw = nullptr;
    if (!::GetAce(dacl, i, &raw)) return fail(last_error(what + ": GetAce"));
    const auto* header = static_cast<const ACE_HEADER*>(raw);
    if (!is_allow_ace(header->AceType)) continue;
    if (header->AceFlags & INHERIT_ONLY_ACE) continue;  // applies to children only
    if (header->AceType != ACCESS_ALLOWED_ACE_TYPE) {
      foreign.push_back("an object or conditional allow entry");
      continue;
    }
    auto* ace = static_cast<ACCESS_ALLOWED_ACE*>(raw);
    PSID sid = &ace->SidStart;
    const bool is_owner = owner != nullptr && ::EqualSid(sid, owner);
    if (ace->Mask != 0 && !is_trusted(sid) && !is_owner) foreign.push_back(principal_name(sid));
  }
  return foreign;
}

Result<std::vector<std::string>> foreign_principals(const std::filesystem::path& path) {
  LocalPtr<PSECURITY_DESCRIPTOR> sd;
  const DWORD rc = ::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT,
                                           DACL_SECURITY_INFORMATION | OWNER_SECURITY_INFORMATION,
                                           nullptr, nullptr, nullptr, nullptr, sd.out());
  const std::string subject = path_to_utf8(path);
  if (rc != ERROR_SUCCESS) return fail(win32_error(rc, subject + ": GetNamedSecurityInfoW"));
  return foreign_principals(sd.get(), subject);
}

}  // namespace shouwei::win
