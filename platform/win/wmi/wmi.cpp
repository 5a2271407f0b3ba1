// WMI queries through IWbemLocator / IWbemServices (see wmi.hpp).
#include "shouwei/platform/win/wmi.hpp"

#include <wbemidl.h>

#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::win {
namespace {

Result<ComPtr<IWbemServices>> connect(const std::string& ns) {
  ComPtr<IWbemLocator> locator;
  HRESULT hr = ::CoCreateInstance(CLSID_WbemLocator, nullptr, CLSCTX_INPROC_SERVER,
                                  IID_IWbemLocator, reinterpret_cast<void**>(locator.put()));
  if (FAILED(hr)) return fail(hresult_error(hr, "WMI: CoCreateInstance(WbemLocator)"));
  SHOUWEI_TRY(Bstr path, Bstr::from_utf8(ns, "WMI namespace"));
  ComPtr<IWbemServices> services;
  hr = locator->ConnectServer(path.get(), nullptr, nullptr, nullptr, 0, nullptr, nullptr,
                              services.put());
  if (FAILED(hr)) return fail(hresult_error(hr, "WMI " + ns + ": ConnectServer"));
  hr = ::CoSetProxyBlanket(services.get(), RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, nullptr,
                           RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE);
  if (FAILED(hr)) return fail(hresult_error(hr, "WMI " + ns + ": CoSetProxyBlanket"));
  return services;
}

}  // namespace

Result<std::vector<WmiRow>> wmi_query(const WmiQuery& query) {
  const std::string subject = "WMI " + query.ns + " \"" + query.wql + "\"";
  SHOUWEI_TRY(ComApartment apartment, ComApartment::enter());
  SHOUWEI_TRY(ComPtr<IWbemServices> services, connect(query.ns));
  Bstr language(L"WQL");
  SHOUWEI_TRY(Bstr wql, Bstr::from_utf8(query.wql, "WQL query"));
  ComPtr<IEnumWbemClassObject> instances;
  HRESULT hr = services->ExecQuery(language.get(), wql.get(),
                                   WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, nullptr,
                                   instances.put());
  if (FAILED(hr)) return fail(hresult_error(hr, subject + ": ExecQuery"));

  std::vector<std::wstring> names;
  for (const auto& p : query.properties) {
    SHOUWEI_TRY(std::wstring wide, to_wide(p, "WMI property name"));
    names.push_back(std::move(wide));
  }
  const auto timeout = static_cast<LONG>(std::chrono::milliseconds(kWmiTimeout).count());
  std::vector<WmiRow> rows;
  for (;;) {
    ComPtr<IWbemClassObject> instance;
    ULONG returned = 0;
    hr = instances->Next(timeout, 1, instance.put(), &returned);
    if (hr == WBEM_S_TIMEDOUT)
      return fail(Errc::unavailable,
                  subject + ": no answer within " + std::to_string(kWmiTimeout.count()) + " s");
    if (FAILED(hr)) return fail(hresult_error(hr, subject + ": Next"));
    if (returned == 0) break;  // WBEM_S_FALSE: the end
    if (rows.size() == query.max_rows)
      return fail(Errc::limit_exceeded,
                  subject + ": more than " + std::to_string(query.max_rows) + " instances");
    WmiRow row;
    for (std::size_t i = 0; i < names.size(); ++i) {
      Variant value;
      hr = instance->Get(names[i].c_str(), 0, value.get(), nullptr, nullptr);
      PropertyValue converted;
      if (SUCCEEDED(hr)) {
        SHOUWEI_TRY(converted, from_variant(value.value(), subject + ": " + query.properties[i]));
      } else if (hr != static_cast<HRESULT>(WBEM_E_NOT_FOUND)) {
        return fail(hresult_error(hr, subject + ": Get(" + query.properties[i] + ")"));
      }
      row.emplace(query.properties[i], std::move(converted));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

template <typename T>
Result<std::optional<T>> typed(const WmiRow& row, std::string_view name, std::string_view what,
                               const char* expected) {
  auto it = row.find(name);
  if (it == row.end() || it->second.is_null()) return std::optional<T>();
  if (const T* v = std::get_if<T>(&it->second.value)) return std::optional<T>(*v);
  return fail(Errc::parse, std::string(what) + ": not " + expected);
}

}  // namespace

Result<std::optional<std::string>> row_text(const WmiRow& row, std::string_view name,
                                            std::string_view what) {
  return typed<std::string>(row, name, what, "a string");
}

Result<std::optional<std::int64_t>> row_integer(const WmiRow& row, std::string_view name,
                                                std::string_view what) {
  return typed<std::int64_t>(row, name, what, "an integer");
}

Result<std::optional<bool>> row_bool(const WmiRow& row, std::string_view name,
                                     std::string_view what) {
  return typed<bool>(row, name, what, "a boolean");
}

}  // namespace shouwei::win
