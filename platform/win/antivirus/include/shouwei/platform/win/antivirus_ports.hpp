// The Windows antivirus ports.
//
// make_windows_av_products: the AvProducts primitives on Windows. Paths are Windows paths
// ("C:\\...", or "%ProgramFiles%\\..." expanded with the agent's environment); glob wildcards
// (* ?) in the last component, matched as Windows does (case-insensitive); process names are
// the executables' file names ("HipsDaemon.exe"); registry values are read from HKLM in the
// 64-bit view. platform() is "windows".
//
// make_windows_security_source: Security Center (ROOT\SecurityCenter2 AntiVirusProduct) and
// Microsoft Defender (ROOT\Microsoft\Windows\Defender MSFT_MpComputerStatus) through WMI. Each
// answer fails on its own, naming the namespace and HRESULT (Wine and Windows Server lack these
// namespaces: WBEM_E_INVALID_NAMESPACE, Errc::unsupported).
#pragma once

#include <memory>

#include "shouwei/collectors/antivirus/av_products.hpp"
#include "shouwei/collectors/antivirus/windows_security.hpp"

namespace shouwei::platform::win {

std::unique_ptr<collectors::antivirus::AvProducts> make_windows_av_products();
std::unique_ptr<collectors::antivirus::WindowsSecuritySource> make_windows_security_source();

}  // namespace shouwei::platform::win
