// Security Center and Defender status through WMI (see antivirus_ports.hpp).
#include "shouwei/platform/win/antivirus_ports.hpp"
#include "shouwei/platform/win/wmi.hpp"

namespace shouwei::platform::win {
namespace {

namespace av = collectors::antivirus;
using shouwei::win::row_bool;
using shouwei::win::row_integer;
using shouwei::win::row_text;

constexpr const char* kSecurityCenter = "ROOT\\SecurityCenter2";
constexpr const char* kDefender = "ROOT\\Microsoft\\Windows\\Defender";

Result<av::SecurityCenterProduct> security_center_product(const shouwei::win::WmiRow& row) {
  av::SecurityCenterProduct p;
  SHOUWEI_TRY(auto name, row_text(row, "displayName", "AntiVirusProduct.displayName"));
  SHOUWEI_TRY(auto guid, row_text(row, "instanceGuid", "AntiVirusProduct.instanceGuid"));
  SHOUWEI_TRY(auto exe,
              row_text(row, "pathToSignedProductExe", "AntiVirusProduct.pathToSignedProductExe"));
  SHOUWEI_TRY(auto state, row_integer(row, "productState", "AntiVirusProduct.productState"));
  SHOUWEI_TRY(auto stamp, row_text(row, "timestamp", "AntiVirusProduct.timestamp"));
  p.display_name = name.value_or("");
  p.instance_guid = guid.value_or("");
  p.path_to_signed_product_exe = exe.value_or("");
  // uint32 travels as VT_I4: a state with bit 31 set arrives negative.
  if (state) p.product_state = static_cast<std::uint32_t>(*state);
  p.timestamp = stamp.value_or("");
  return p;
}

Result<av::DefenderStatus> defender_status(const shouwei::win::WmiRow& row) {
  av::DefenderStatus d;
  SHOUWEI_TRY(d.signature_version, row_text(row, "AntivirusSignatureVersion",
                                            "MSFT_MpComputerStatus.AntivirusSignatureVersion"));
  SHOUWEI_TRY(d.signature_last_updated,
              row_text(row, "AntivirusSignatureLastUpdated",
                       "MSFT_MpComputerStatus.AntivirusSignatureLastUpdated"));
  SHOUWEI_TRY(auto age, row_integer(row, "AntivirusSignatureAge",
                                    "MSFT_MpComputerStatus.AntivirusSignatureAge"));
  if (age && *age >= 0 && *age <= 0xFFFFFFFFLL)
    d.signature_age_days = static_cast<std::uint32_t>(*age);
  SHOUWEI_TRY(d.realtime_protection_enabled,
              row_bool(row, "RealTimeProtectionEnabled",
                       "MSFT_MpComputerStatus.RealTimeProtectionEnabled"));
  SHOUWEI_TRY(d.am_service_enabled,
              row_bool(row, "AMServiceEnabled", "MSFT_MpComputerStatus.AMServiceEnabled"));
  SHOUWEI_TRY(d.antivirus_enabled,
              row_bool(row, "AntivirusEnabled", "MSFT_MpComputerStatus.AntivirusEnabled"));
  SHOUWEI_TRY(d.am_product_version,
              row_text(row, "AMProductVersion", "MSFT_MpComputerStatus.AMProductVersion"));
  SHOUWEI_TRY(d.am_running_mode,
              row_text(row, "AMRunningMode", "MSFT_MpComputerStatus.AMRunningMode"));
  return d;
}

class WmiSecuritySource final : public av::WindowsSecuritySource {
 public:
  Result<std::vector<av::SecurityCenterProduct>> security_center_products() override {
    SHOUWEI_TRY(
        auto rows,
        shouwei::win::wmi_query(
            {kSecurityCenter,
             "SELECT displayName, instanceGuid, pathToSignedProductExe, productState, "
             "timestamp FROM AntiVirusProduct",
             {"displayName", "instanceGuid", "pathToSignedProductExe", "productState", "timestamp"},
             64}));
    std::vector<av::SecurityCenterProduct> out;
    for (const auto& row : rows) {
      SHOUWEI_TRY(auto p, security_center_product(row));
      out.push_back(std::move(p));
    }
    return out;
  }

  Result<av::DefenderStatus> defender_status() override {
    SHOUWEI_TRY(auto rows,
                shouwei::win::wmi_query(
                    {kDefender,
                     "SELECT AntivirusSignatureVersion, AntivirusSignatureLastUpdated, "
                     "AntivirusSignatureAge, RealTimeProtectionEnabled, AMServiceEnabled, "
                     "AntivirusEnabled, AMProductVersion, AMRunningMode FROM MSFT_MpComputerStatus",
                     {"AntivirusSignatureVersion", "AntivirusSignatureLastUpdated",
                      "AntivirusSignatureAge", "RealTimeProtectionEnabled", "AMServiceEnabled",
                      "AntivirusEnabled", "AMProductVersion", "AMRunningMode"},
                     4}));
    if (rows.empty())
      return fail(Errc::not_found,
                  std::string("WMI ") + kDefender + ": no MSFT_MpComputerStatus instance");
    return shouwei::platform::win::defender_status(rows.front());
  }
};

}  // namespace

std::unique_ptr<av::WindowsSecuritySource> make_windows_security_source() {
  return std::make_unique<WmiSecuritySource>();
}

}  // namespace shouwei::platform::win
