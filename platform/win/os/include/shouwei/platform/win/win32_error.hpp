// Win32 and HRESULT failures as Shouwei errors: one line naming the call and the subject, the
// system's text for the code, and the code itself (so an English search finds it even when the
// system message is localized, e.g. on a Chinese Windows).
#pragma once

#include <string>
#include <string_view>

#include "shouwei/common/result.hpp"

namespace shouwei::win {

// Errc for a Win32 error code: not found, access denied, already exists, ... ; io otherwise.
Errc errc_from_win32(unsigned long code) noexcept;

// "<what>: <system message> (Win32 error <code>)".
std::string win32_message(unsigned long code, std::string_view what);

// An Error for code (a Win32 error, e.g. GetLastError() or a returned LSTATUS).
Error win32_error(unsigned long code, std::string_view what);

// The same for the calling thread's GetLastError(); call it right after the failing call.
Error last_error(std::string_view what);

// An Error for a failed HRESULT (COM, WMI, WUA): "<what>: <message> (HRESULT 0x8004100E)".
// E_NOTIMPL and WBEM_E_INVALID_NAMESPACE style codes map to Errc::unsupported.
Error hresult_error(long hr, std::string_view what);

}  // namespace shouwei::win
