// COM plumbing shared by the WMI and Windows Update ports (see com.hpp).
#include "shouwei/platform/win/com.hpp"

#include <cmath>

#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::win {
namespace {

constexpr LONG kMaxArrayElements = 4096;

Result<std::vector<std::string>> string_array(SAFEARRAY* array, std::string_view what) {
  std::vector<std::string> out;
  if (!array) return out;
  if (::SafeArrayGetDim(array) != 1)
    return fail(Errc::parse, std::string(what) + ": not a one-dimensional array");
  LONG low = 0, high = -1;
  if (FAILED(::SafeArrayGetLBound(array, 1, &low)) || FAILED(::SafeArrayGetUBound(array, 1, &high)))
    return fail(Errc::parse, std::string(what) + ": unreadable array bounds");
  if (high - low + 1 > kMaxArrayElements)
    return fail(Errc::limit_exceeded, std::string(what) + ": more than " +
                                          std::to_string(kMaxArrayElements) + " elements");
  for (LONG i = low; i <= high; ++i) {
    Bstr element;
    HRESULT hr = ::SafeArrayGetElement(array, &i, element.put());
    if (FAILED(hr)) return fail(hresult_error(hr, std::string(what) + ": SafeArrayGetElement"));
    out.push_back(element.utf8());
  }
  return out;
}

}  // namespace

Result<ComApartment> ComApartment::enter() {
  HRESULT hr = ::CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  // S_OK and S_FALSE (already initialised) are both balanced by CoUninitialize; a thread in a
  // single-threaded apartment (RPC_E_CHANGED_MODE) is used as it is.
  if (FAILED(hr) && hr != RPC_E_CHANGED_MODE) return fail(hresult_error(hr, "CoInitializeEx"));
  ComApartment apartment(SUCCEEDED(hr));
  // WMI providers impersonate the caller. RPC_E_TOO_LATE: the process set its security before.
  hr = ::CoInitializeSecurity(nullptr, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_DEFAULT,
                              RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE, nullptr);
  if (FAILED(hr) && hr != RPC_E_TOO_LATE) return fail(hresult_error(hr, "CoInitializeSecurity"));
  return apartment;
}

ComApartment::~ComApartment() {
  if (owned_) ::CoUninitialize();
}

Result<Bstr> Bstr::from_utf8(std::string_view text, std::string_view what) {
  SHOUWEI_TRY(std::wstring wide, to_wide(text, what));
  Bstr out;
  *out.put() = ::SysAllocStringLen(wide.data(), static_cast<UINT>(wide.size()));
  if (!out.get()) return fail(Errc::io, std::string(what) + ": SysAllocStringLen: out of memory");
  return out;
}

std::string Bstr::utf8() const {
  if (!b_) return {};
  return to_utf8_lossy(std::wstring_view(b_, ::SysStringLen(b_)));
}

Result<PropertyValue> from_variant(const VARIANT& v, std::string_view what) {
  PropertyValue out;
  switch (v.vt) {
    case VT_EMPTY:
    case VT_NULL:
      return out;
    case VT_BSTR:
      out.value = v.bstrVal ? to_utf8_lossy(std::wstring_view(v.bstrVal, ::SysStringLen(v.bstrVal)))
                            : std::string();
      return out;
    case VT_BOOL:
      out.value = v.boolVal != VARIANT_FALSE;
      return out;
    case VT_I1:
    case VT_UI1:
    case VT_I2:
    case VT_UI2:
    case VT_I4:
    case VT_UI4:
    case VT_INT:
    case VT_UINT:
    case VT_I8:
    case VT_UI8: {
      // One conversion for every integer type; a VT_UI8 above INT64_MAX overflows (fails).
      Variant wide;
      HRESULT hr = ::VariantChangeType(wide.get(), const_cast<VARIANT*>(&v), 0, VT_I8);
      if (FAILED(hr)) return fail(hresult_error(hr, std::string(what) + ": VariantChangeType"));
      out.value = std::int64_t{wide.value().llVal};
      return out;
    }
    case VT_ARRAY | VT_BSTR: {
      SHOUWEI_TRY(auto strings, string_array(v.parray, what));
      out.value = std::move(strings);
      return out;
    }
    default:
      return fail(Errc::parse,
                  std::string(what) + ": unexpected VARIANT type " + std::to_string(v.vt));
  }
}

std::optional<TimePoint> from_ole_date(double date) {
  // 0 is "no date"; valid DATEs lie between the years 100 and 9999.
  if (!std::isfinite(date) || date == 0) return std::nullopt;
  SYSTEMTIME st{};
  if (!::VariantTimeToSystemTime(date, &st)) return std::nullopt;
  FILETIME ft{};
  if (!::SystemTimeToFileTime(&st, &ft)) return std::nullopt;
  ULARGE_INTEGER ticks;
  ticks.LowPart = ft.dwLowDateTime;
  ticks.HighPart = ft.dwHighDateTime;
  constexpr ULONGLONG kUnixEpochTicks = 116444736000000000ULL;  // 1970-01-01 in FILETIME ticks
  if (ticks.QuadPart < kUnixEpochTicks) return std::nullopt;
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::microseconds((ticks.QuadPart - kUnixEpochTicks) / 10)));
}

Result<void> dispatch_property(IDispatch* object, const wchar_t* name, Variant& out,
                               std::string_view what) {
  DISPID id = 0;
  LPOLESTR names[] = {const_cast<LPOLESTR>(name)};
  HRESULT hr = object->GetIDsOfNames(IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id);
  if (FAILED(hr)) return fail(hresult_error(hr, std::string(what) + ": GetIDsOfNames"));
  DISPPARAMS none{nullptr, nullptr, 0, 0};
  hr = object->Invoke(id, IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_PROPERTYGET, &none, out.get(),
                      nullptr, nullptr);
  if (FAILED(hr)) return fail(hresult_error(hr, std::string(what) + ": Invoke"));
  return {};
}

}  // namespace shouwei::win
