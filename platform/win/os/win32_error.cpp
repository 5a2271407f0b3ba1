#include "shouwei/platform/win/win32_error.hpp"

#include <cstdio>
#include <windows.h>

#include "shouwei/platform/win/wide.hpp"

namespace shouwei::win {
namespace {

// The system's text for a message id, without the trailing ".\r\n"; empty when it has none.
std::string system_text(DWORD code) {
  wchar_t* buffer = nullptr;
  const DWORD n = ::FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string text;
  if (n > 0 && buffer != nullptr) text = to_utf8_lossy(std::wstring_view(buffer, n));
  if (buffer != nullptr) ::LocalFree(buffer);
  while (!text.empty() &&
         (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

Errc errc_from_win32(unsigned long code) noexcept {
  switch (code) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_SERVICE_DOES_NOT_EXIST:
      return Errc::not_found;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
    case ERROR_PRIVILEGE_NOT_HELD:
      return Errc::permission_denied;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
    case ERROR_SERVICE_EXISTS:
      return Errc::conflict;
    case ERROR_INVALID_PARAMETER:
    case ERROR_INVALID_NAME:
    case ERROR_DIRECTORY:
      return Errc::invalid_argument;
    case ERROR_CALL_NOT_IMPLEMENTED:
    case ERROR_NOT_SUPPORTED:
    case ERROR_PROC_NOT_FOUND:
      return Errc::unsupported;
    case ERROR_MORE_DATA:
    case ERROR_BUFFER_OVERFLOW:
      return Errc::limit_exceeded;
    default:
      return Errc::io;
  }
}

std::string win32_message(unsigned long code, std::string_view what) {
  std::string text = system_text(code);
  std::string out(what);
  out += ": ";
  out += text.empty() ? "failed" : text;
  out += " (Win32 error " + std::to_string(code) + ")";
  return out;
}

Error win32_error(unsigned long code, std::string_view what) {
  return Error{errc_from_win32(code), win32_message(code, what)};
}

Error last_error(std::string_view what) {
  return win32_error(::GetLastError(), what);
}

Error hresult_error(long hr, std::string_view what) {
  const auto code = static_cast<unsigned long>(hr);
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08lX", code);
  std::string text = system_text(code);
  std::string out(what);
  out += ": ";
  out += text.empty() ? "failed" : text;
  out += " (HRESULT " + std::string(hex) + ")";
  Errc errc = Errc::io;
  switch (code) {
    case 0x80004001UL:  // E_NOTIMPL
    case 0x8004100EUL:  // WBEM_E_INVALID_NAMESPACE: the WMI provider is not there
    case 0x80041010UL:  // WBEM_E_INVALID_CLASS
    case 0x80040154UL:  // REGDB_E_CLASSNOTREG
      errc = Errc::unsupported;
      break;
    case 0x80070005UL:  // E_ACCESSDENIED
      errc = Errc::permission_denied;
      break;
    default:
      break;
  }
  return Error{errc, std::move(out)};
}

}  // namespace shouwei::win
