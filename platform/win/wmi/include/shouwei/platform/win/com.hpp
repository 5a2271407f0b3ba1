// A small RAII layer over COM for the ports that ask Windows through it (WMI, the Windows Update
// Agent): the apartment, interface pointers, BSTRs, VARIANTs, and late-bound IDispatch
// properties (for interfaces newer than mingw-w64's headers, e.g. IUpdateHistoryEntry2).
//
// Thread model: every port call enters a multithreaded apartment on the calling thread and
// leaves it on return (ComApartment), so callers need not know COM is used. A thread already
// in a single-threaded apartment is used as it is.
#pragma once

#include <cstdint>
#include <objbase.h>
#include <oleauto.h>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>
#include <windows.h>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::win {

// CoInitializeEx(COINIT_MULTITHREADED) for the lifetime of the object, and, once per process,
// CoInitializeSecurity with the identify/impersonate levels WMI needs (a process that set its
// own security first keeps it).
class ComApartment {
 public:
  static Result<ComApartment> enter();
  ComApartment(ComApartment&& o) noexcept : owned_(std::exchange(o.owned_, false)) {}
  ComApartment& operator=(ComApartment&&) = delete;
  ComApartment(const ComApartment&) = delete;
  ~ComApartment();

 private:
  explicit ComApartment(bool owned) noexcept : owned_(owned) {}
  bool owned_ = false;  // whether this object must call CoUninitialize
};

// An owning interface pointer (Release on destruction).
template <typename T>
class ComPtr {
 public:
  ComPtr() noexcept = default;
  ComPtr(ComPtr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  ComPtr& operator=(ComPtr&& o) noexcept {
    if (this != &o) {
      reset();
      p_ = std::exchange(o.p_, nullptr);
    }
    return *this;
  }
  ComPtr(const ComPtr&) = delete;
  ComPtr& operator=(const ComPtr&) = delete;
  ~ComPtr() { reset(); }

  T* get() const noexcept { return p_; }
  T* operator->() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  // For out-parameters: releases what is held and returns the slot.
  T** put() noexcept {
    reset();
    return &p_;
  }
  void reset() noexcept {
    if (p_) p_->Release();
    p_ = nullptr;
  }

 private:
  T* p_ = nullptr;
};

// An owning BSTR.
class Bstr {
 public:
  Bstr() noexcept = default;
  explicit Bstr(const wchar_t* text) : b_(::SysAllocString(text)) {}
  Bstr(Bstr&& o) noexcept : b_(std::exchange(o.b_, nullptr)) {}
  Bstr& operator=(Bstr&&) = delete;
  Bstr(const Bstr&) = delete;
  Bstr& operator=(const Bstr&) = delete;
  ~Bstr() { ::SysFreeString(b_); }
  // From UTF-8; fails on invalid UTF-8 or when out of memory.
  static Result<Bstr> from_utf8(std::string_view text, std::string_view what);

  BSTR get() const noexcept { return b_; }
  BSTR* put() noexcept {
    ::SysFreeString(b_);
    b_ = nullptr;
    return &b_;
  }
  // UTF-8 text (lossy: unpaired surrogates become U+FFFD); a null BSTR is "".
  std::string utf8() const;

 private:
  BSTR b_ = nullptr;
};

// An owning VARIANT (VariantClear on destruction).
class Variant {
 public:
  Variant() noexcept { ::VariantInit(&v_); }
  Variant(Variant&&) = delete;
  Variant(const Variant&) = delete;
  Variant& operator=(const Variant&) = delete;
  ~Variant() { ::VariantClear(&v_); }
  VARIANT* get() noexcept { return &v_; }
  const VARIANT& value() const noexcept { return v_; }

 private:
  VARIANT v_;
};

// A VARIANT's value as the ports use it. WMI gives uint64/sint64 and datetime properties as
// BSTR text (CIM's rules), so numbers here are what fits a VT_I*/VT_UI* type.
struct PropertyValue {
  std::variant<std::monostate, std::string, std::int64_t, bool, std::vector<std::string>> value;
  bool is_null() const noexcept { return std::holds_alternative<std::monostate>(value); }
};

// VT_EMPTY/VT_NULL -> null; VT_BSTR -> text; VT_I1..VT_UI8, VT_INT/VT_UINT -> integer;
// VT_BOOL -> bool; VT_ARRAY|VT_BSTR -> strings (at most 4096). Anything else fails (parse),
// naming `what` and the VARTYPE.
Result<PropertyValue> from_variant(const VARIANT& v, std::string_view what);

// An OLE Automation DATE taken as UTC (WUA keeps its dates in UTC); nullopt for 0 or invalid.
std::optional<TimePoint> from_ole_date(double date);

// The property `name` of an IDispatch object (late bound: GetIDsOfNames + Invoke
// DISPATCH_PROPERTYGET). The result owns what it holds.
Result<void> dispatch_property(IDispatch* object, const wchar_t* name, Variant& out,
                               std::string_view what);

}  // namespace shouwei::win
