#include "shouwei/platform/win/wide.hpp"

#include <windows.h>

#include <climits>

namespace shouwei::win {
namespace {

// MultiByteToWideChar/WideCharToMultiByte take int lengths; anything longer is refused.
constexpr std::size_t kMaxChars = INT_MAX / 4;

Result<std::wstring> widen(std::string_view utf8, DWORD flags, std::string_view what) {
  if (utf8.empty()) return std::wstring();
  if (utf8.size() > kMaxChars)
    return fail(Errc::limit_exceeded, std::string(what) + ": text too long");
  const int in = static_cast<int>(utf8.size());
  const int n = ::MultiByteToWideChar(CP_UTF8, flags, utf8.data(), in, nullptr, 0);
  if (n <= 0) return fail(Errc::parse, std::string(what) + ": not valid UTF-8");
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, flags, utf8.data(), in, out.data(), n);
  return out;
}

Result<std::string> narrow(std::wstring_view utf16, DWORD flags, std::string_view what) {
  if (utf16.empty()) return std::string();
  if (utf16.size() > kMaxChars)
    return fail(Errc::limit_exceeded, std::string(what) + ": text too long");
  const int in = static_cast<int>(utf16.size());
  const int n =
      ::WideCharToMultiByte(CP_UTF8, flags, utf16.data(), in, nullptr, 0, nullptr, nullptr);
  if (n <= 0) return fail(Errc::parse, std::string(what) + ": not valid UTF-16");
  std::string out(static_cast<std::size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, flags, utf16.data(), in, out.data(), n, nullptr, nullptr);
  return out;
}

}  // namespace

Result<std::wstring> to_wide(std::string_view utf8, std::string_view what) {
  return widen(utf8, MB_ERR_INVALID_CHARS, what);
}

Result<std::string> to_utf8(std::wstring_view utf16, std::string_view what) {
  return narrow(utf16, WC_ERR_INVALID_CHARS, what);
}

std::wstring to_wide_lossy(std::string_view utf8) {
  return widen(utf8, 0, "text").value_or(std::wstring());
}

std::string to_utf8_lossy(std::wstring_view utf16) {
  return narrow(utf16, 0, "text").value_or(std::string());
}

}  // namespace shouwei::win
