// The Windows servicing port (collectors/patches/windows_update_source.hpp) on Windows:
//  - pending updates: the Windows Update Agent, IUpdateSession -> IUpdateSearcher::Search(
//    "IsInstalled=0 and Type='Software'") (online: against Windows Update or the site's WSUS;
//    it blocks until the agent answers), LastSearchSuccessDate from IAutomaticUpdates2.Results;
//  - history: IUpdateSearcher::QueryHistory, the newest kMaxHistoryEntries;
//  - hotfixes: WMI ROOT\CIMV2 Win32_QuickFixEngineering;
//  - build: HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion;
//  - reboot markers: the WindowsUpdate "RebootRequired" and CBS "RebootPending" keys.
// Every answer fails on its own with the call and HRESULT (Wine stubs WUA with E_NOTIMPL).
#pragma once

#include <memory>

#include "shouwei/collectors/patches/windows_update_source.hpp"

namespace shouwei::platform::win {

inline constexpr long kMaxHistoryEntries = 2000;
inline constexpr long kMaxPendingUpdates = 2000;

std::unique_ptr<collectors::patches::WindowsUpdateSource> make_windows_update_source();

}  // namespace shouwei::platform::win
