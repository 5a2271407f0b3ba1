// What Windows itself knows about antivirus: Windows Security Center's registered products
// (WMI root\SecurityCenter2 AntiVirusProduct) and Microsoft Defender's own status (WMI
// root\Microsoft\Windows\Defender MSFT_MpComputerStatus). The Windows implementation is in
// platform/win/antivirus; tests use fakes fed with values in the formats those classes
// document. Each answer is Result-typed on its own: Wine has neither namespace
// (WBEM_E_INVALID_NAMESPACE, 0x8004100E), Windows Server has no Security Center.
//
// Texts are as WMI gives them (converted to UTF-8); decoding them is portable logic below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::antivirus {

// One AntiVirusProduct instance.
struct SecurityCenterProduct {
  std::string display_name;                    // "Windows Defender", "火绒安全软件"
  std::string instance_guid;                   // "{D68DDC3A-831F-4fae-9E44-DA132C1ACF46}"
  std::optional<std::uint32_t> product_state;  // the packed state word (see decode below)
  std::string path_to_signed_product_exe;      // "windowsdefender://" for Defender
  std::string timestamp;                       // RFC 1123, "Mon, 19 Feb 2024 22:40:11 GMT"
};

// MSFT_MpComputerStatus (one instance). Missing properties are nullopt.
struct DefenderStatus {
  std::optional<std::string> signature_version;       // AntivirusSignatureVersion "1.405.350.0"
  std::optional<std::string> signature_last_updated;  // AntivirusSignatureLastUpdated, CIM DATETIME
  std::optional<std::uint32_t> signature_age_days;    // AntivirusSignatureAge
  std::optional<bool> realtime_protection_enabled;    // RealTimeProtectionEnabled
  std::optional<bool> am_service_enabled;             // AMServiceEnabled
  std::optional<bool> antivirus_enabled;              // AntivirusEnabled
  std::optional<std::string> am_product_version;      // AMProductVersion
  std::optional<std::string> am_running_mode;         // "Normal", "Passive Mode", "EDR Block Mode"
};

class WindowsSecuritySource {
 public:
  virtual ~WindowsSecuritySource() = default;
  virtual Result<std::vector<SecurityCenterProduct>> security_center_products() = 0;
  virtual Result<DefenderStatus> defender_status() = 0;
};

// productState, as observed across Windows versions (Microsoft documents the states for the
// IWscProduct API, WSC_SECURITY_PRODUCT_STATE / WSC_SECURITY_SIGNATURE_STATUS, but not this
// packing): bits 12-15 the product state (0 off, 1 on, 2 snoozed, 3 expired), bits 4-7 the
// signature state (0 up to date, 1 out of date). 397568 = 0x061100: on, up to date.
enum class WscState { off, on, snoozed, expired, unknown };
struct WscProductState {
  WscState state = WscState::unknown;
  std::optional<bool> signatures_up_to_date;  // nullopt for values outside 0 and 1
};
WscProductState decode_product_state(std::uint32_t product_state);
std::string_view to_string(WscState state);

// CIM DATETIME "yyyymmddHHMMSS.mmmmmmsUUU" (UUU: minutes east of UTC, s: + or -), as WMI gives
// datetime properties. nullopt for wildcards ('*'), intervals (':') or anything malformed.
std::optional<TimePoint> parse_cim_datetime(std::string_view text);

// RFC 1123 "Mon, 19 Feb 2024 22:40:11 GMT" (the AntiVirusProduct timestamp); nullopt otherwise.
std::optional<TimePoint> parse_rfc1123(std::string_view text);

}  // namespace shouwei::collectors::antivirus
