// WMI queries (IWbemLocator -> IWbemServices::ExecQuery -> IEnumWbemClassObject) as plain rows.
// Each call enters COM (ComApartment), connects to the namespace, runs one WQL query and
// returns the requested properties of at most `max_rows` instances.
//
// Failures name the namespace and the class: a namespace Windows lacks (Security Center on
// Windows Server; both antivirus namespaces under Wine) fails with the HRESULT
// (WBEM_E_INVALID_NAMESPACE 0x8004100E, Errc::unsupported), never crashes or blocks: each
// Next() waits at most kWmiTimeout.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/result.hpp"
#include "shouwei/platform/win/com.hpp"

namespace shouwei::win {

inline constexpr std::chrono::seconds kWmiTimeout{30};

using WmiRow = std::map<std::string, PropertyValue, std::less<>>;

struct WmiQuery {
  std::string ns;                       // "ROOT\\SecurityCenter2"
  std::string wql;                      // "SELECT displayName, productState FROM AntiVirusProduct"
  std::vector<std::string> properties;  // the ones read from each instance
  std::size_t max_rows = 1000;          // more instances fail (limit_exceeded)
};

// Every row has every requested property (null when the instance lacks it or it is null).
Result<std::vector<WmiRow>> wmi_query(const WmiQuery& query);

// Typed reads of a row's property for the ports' mappers; a value of another type fails
// naming `what` (e.g. "AntiVirusProduct.productState").
Result<std::optional<std::string>> row_text(const WmiRow& row, std::string_view name,
                                            std::string_view what);
Result<std::optional<std::int64_t>> row_integer(const WmiRow& row, std::string_view name,
                                                std::string_view what);
Result<std::optional<bool>> row_bool(const WmiRow& row, std::string_view name,
                                     std::string_view what);

}  // namespace shouwei::win
