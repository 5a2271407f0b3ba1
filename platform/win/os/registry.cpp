#include "shouwei/platform/win/registry.hpp"

#include <cstring>
#include <utility>

#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::win {

std::string_view root_name(HKEY root) noexcept {
  if (root == HKEY_LOCAL_MACHINE) return "HKLM";
  if (root == HKEY_CURRENT_USER) return "HKCU";
  if (root == HKEY_USERS) return "HKU";
  if (root == HKEY_CLASSES_ROOT) return "HKCR";
  if (root == HKEY_CURRENT_CONFIG) return "HKCC";
  return "HKEY";
}

namespace {

Result<RegistryKey> open_key(HKEY parent, std::string_view subkey, REGSAM access,
                             const std::string& display, auto make) {
  SHOUWEI_TRY(std::wstring wide, to_wide(subkey, display));
  HKEY key = nullptr;
  const LSTATUS rc = ::RegOpenKeyExW(parent, wide.c_str(), 0, access, &key);
  if (rc != ERROR_SUCCESS)
    return fail(win32_error(static_cast<unsigned long>(rc), display + ": RegOpenKeyExW"));
  return make(key);
}

}  // namespace

Result<RegistryKey> RegistryKey::open(HKEY root, std::string_view subkey, REGSAM access) {
  std::string display = std::string(root_name(root)) + "\\" + std::string(subkey);
  return open_key(root, subkey, access, display,
                  [&](HKEY key) { return RegistryKey(key, display, access); });
}

RegistryKey::RegistryKey(RegistryKey&& other) noexcept
    : key_(std::exchange(other.key_, nullptr)),
      path_(std::move(other.path_)),
      access_(other.access_) {}

RegistryKey& RegistryKey::operator=(RegistryKey&& other) noexcept {
  if (this != &other) {
    if (key_ != nullptr) ::RegCloseKey(key_);
    key_ = std::exchange(other.key_, nullptr);
    path_ = std::move(other.path_);
    access_ = other.access_;
  }
  return *this;
}

RegistryKey::~RegistryKey() {
  if (key_ != nullptr) ::RegCloseKey(key_);
}

Result<RegistryKey> RegistryKey::open_subkey(std::string_view name) const {
  std::string display = path_ + "\\" + std::string(name);
  return open_key(key_, name, access_, display,
                  [&](HKEY key) { return RegistryKey(key, display, access_); });
}

std::string RegistryKey::subject(std::string_view value) const {
  return path_ + "\\" + (value.empty() ? std::string("(Default)") : std::string(value));
}

Result<std::optional<RegistryKey::Raw>> RegistryKey::raw_value(std::string_view name) const {
  SHOUWEI_TRY(std::wstring wide, to_wide(name, subject(name)));
  Raw raw;
  DWORD size = 0;
  // The value may change between the size query and the read; retry on ERROR_MORE_DATA.
  for (int attempt = 0; attempt < 4; ++attempt) {
    LSTATUS rc = ::RegQueryValueExW(key_, wide.c_str(), nullptr, &raw.type, nullptr, &size);
    if (rc == ERROR_FILE_NOT_FOUND) return std::optional<Raw>();
    if (rc != ERROR_SUCCESS)
      return fail(
          win32_error(static_cast<unsigned long>(rc), subject(name) + ": RegQueryValueExW"));
    if (size > kMaxValueBytes) {
      return fail(Errc::limit_exceeded, subject(name) + ": value of " + std::to_string(size) +
                                            " bytes, more than " + std::to_string(kMaxValueBytes));
    }
    raw.bytes.assign(size, '\0');
    rc = ::RegQueryValueExW(key_, wide.c_str(), nullptr, &raw.type,
                            reinterpret_cast<BYTE*>(raw.bytes.data()), &size);
    if (rc == ERROR_MORE_DATA) continue;
    if (rc == ERROR_FILE_NOT_FOUND) return std::optional<Raw>();
    if (rc != ERROR_SUCCESS)
      return fail(
          win32_error(static_cast<unsigned long>(rc), subject(name) + ": RegQueryValueExW"));
    raw.bytes.resize(size);
    return std::optional<Raw>(std::move(raw));
  }
  return fail(Errc::io, subject(name) + ": value keeps changing size while read");
}

namespace {

// The UTF-16 units of registry string data (an odd trailing byte is dropped).
std::wstring utf16_units(const std::string& bytes) {
  std::wstring text(bytes.size() / 2, L'\0');
  std::memcpy(text.data(), bytes.data(), text.size() * sizeof(wchar_t));
  return text;
}

}  // namespace

Result<std::optional<std::string>> RegistryKey::string_value(std::string_view name) const {
  SHOUWEI_TRY(std::optional<Raw> raw, raw_value(name));
  if (!raw) return std::optional<std::string>();
  if (raw->type != REG_SZ && raw->type != REG_EXPAND_SZ) {
    return fail(Errc::parse,
                subject(name) + ": not a string value (type " + std::to_string(raw->type) + ")");
  }
  std::wstring text = utf16_units(raw->bytes);
  while (!text.empty() && text.back() == L'\0') text.pop_back();
  SHOUWEI_TRY(std::string utf8, to_utf8(text, subject(name)));
  return std::optional<std::string>(std::move(utf8));
}

Result<std::optional<std::uint64_t>> RegistryKey::number_value(std::string_view name) const {
  SHOUWEI_TRY(std::optional<Raw> raw, raw_value(name));
  if (!raw) return std::optional<std::uint64_t>();
  if (raw->type == REG_DWORD && raw->bytes.size() == 4) {
    std::uint32_t v = 0;
    std::memcpy(&v, raw->bytes.data(), 4);
    return std::optional<std::uint64_t>(v);
  }
  if (raw->type == REG_QWORD && raw->bytes.size() == 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, raw->bytes.data(), 8);
    return std::optional<std::uint64_t>(v);
  }
  return fail(Errc::parse, subject(name) + ": not a REG_DWORD or REG_QWORD value");
}

Result<std::optional<std::vector<std::string>>> RegistryKey::multi_string_value(
    std::string_view name) const {
  SHOUWEI_TRY(std::optional<Raw> raw, raw_value(name));
  if (!raw) return std::optional<std::vector<std::string>>();
  if (raw->type != REG_MULTI_SZ)
    return fail(Errc::parse, subject(name) + ": not a REG_MULTI_SZ value");
  const std::wstring text = utf16_units(raw->bytes);
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(L'\0', start);
    if (end == std::wstring::npos) end = text.size();
    if (end > start) {
      SHOUWEI_TRY(std::string item,
                  to_utf8(std::wstring_view(text).substr(start, end - start), subject(name)));
      items.push_back(std::move(item));
    }
    start = end + 1;
  }
  return std::optional<std::vector<std::string>>(std::move(items));
}

Result<std::optional<std::string>> RegistryKey::binary_value(std::string_view name) const {
  SHOUWEI_TRY(std::optional<Raw> raw, raw_value(name));
  if (!raw) return std::optional<std::string>();
  return std::optional<std::string>(std::move(raw->bytes));
}

namespace {

// Enumerates names with RegEnumKeyExW / RegEnumValueW (`enumerate(index, buffer, &length)`).
template <typename Enumerate>
Result<std::vector<std::string>> enumerate_names(const std::string& display, const char* call,
                                                 Enumerate enumerate) {
  std::vector<std::string> names;
  std::wstring buffer(16384, L'\0');  // the longest key or value name the registry allows
  for (DWORD index = 0;; ++index) {
    if (names.size() >= kMaxEntries) {
      return fail(Errc::limit_exceeded,
                  display + ": more than " + std::to_string(kMaxEntries) + " entries");
    }
    DWORD length = static_cast<DWORD>(buffer.size());
    const LSTATUS rc = enumerate(index, buffer.data(), &length);
    if (rc == ERROR_NO_MORE_ITEMS) break;
    if (rc != ERROR_SUCCESS)
      return fail(win32_error(static_cast<unsigned long>(rc), display + ": " + call));
    SHOUWEI_TRY(std::string name, to_utf8(std::wstring_view(buffer.data(), length), display));
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace

Result<std::vector<std::string>> RegistryKey::subkey_names() const {
  return enumerate_names(path_, "RegEnumKeyExW", [&](DWORD i, wchar_t* buf, DWORD* len) {
    return ::RegEnumKeyExW(key_, i, buf, len, nullptr, nullptr, nullptr, nullptr);
  });
}

Result<std::vector<std::string>> RegistryKey::value_names() const {
  return enumerate_names(path_, "RegEnumValueW", [&](DWORD i, wchar_t* buf, DWORD* len) {
    return ::RegEnumValueW(key_, i, buf, len, nullptr, nullptr, nullptr, nullptr);
  });
}

}  // namespace shouwei::win
