// The access control of Shouwei's private files on Windows: a protected DACL (no inherited
// entries) granting full control to SYSTEM and the Administrators group only. This is the
// Windows counterpart of mode 0600/0700 for a root-owned service.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>
#include <windows.h>

#include "shouwei/common/result.hpp"

namespace shouwei::win {

// SDDL of private files, and of private directories (the same, inherited by their children).
inline constexpr const wchar_t* kPrivateFileSddl = L"D:P(A;;FA;;;SY)(A;;FA;;;BA)";
inline constexpr const wchar_t* kPrivateDirSddl = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";

// A SECURITY_ATTRIBUTES built from SDDL, owning its descriptor.
class SecurityAttributes {
 public:
  static Result<SecurityAttributes> from_sddl(const wchar_t* sddl);
  SecurityAttributes(SecurityAttributes&& o) noexcept;
  SecurityAttributes& operator=(SecurityAttributes&&) = delete;
  SecurityAttributes(const SecurityAttributes&) = delete;
  SecurityAttributes& operator=(const SecurityAttributes&) = delete;
  ~SecurityAttributes();

  SECURITY_ATTRIBUTES* get() noexcept { return &sa_; }

 private:
  explicit SecurityAttributes(PSECURITY_DESCRIPTOR sd) noexcept;
  SECURITY_ATTRIBUTES sa_{};
};

// The accounts ("SYSTEM", "BUILTIN\\Users", or a SID string when the name cannot be looked up)
// that path's DACL allows any access to, other than SYSTEM, Administrators and the file's
// owner (the account that created it: SYSTEM for the service; as the owner of a 0600 file on
// Linux). Empty means private. A missing (NULL) DACL allows everyone and is reported as
// "Everyone (no DACL)".
Result<std::vector<std::string>> foreign_principals(const std::filesystem::path& path);

// The same analysis of a security descriptor (owner and DACL present in it); subject names it
// in errors.
Result<std::vector<std::string>> foreign_principals(PSECURITY_DESCRIPTOR sd,
                                                    std::string_view subject);

}  // namespace shouwei::win
