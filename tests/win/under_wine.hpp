// Whether a Windows test runs under Wine rather than on Windows: Wine's ntdll exports
// wine_get_version, Windows' does not. For the few checks whose right answer differs (Wine keeps
// no file ACLs, implements neither the Security Center nor the Windows Update Agent), so that
// they still assert the Windows answer on Windows.
#pragma once

#include <windows.h>

namespace shouwei::win_test {

inline bool under_wine() {
  const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

}  // namespace shouwei::win_test
