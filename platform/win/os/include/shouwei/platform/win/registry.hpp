// Read access to the Windows registry with UTF-8 names and values. Every failure names the key
// ("HKLM\\SOFTWARE\\...") and the value. A missing value is not an error: it reads as nullopt,
// so callers render it as JSON null.
//
// Values are read whole, up to kMaxValueBytes; enumerations stop at kMaxEntries. Registry data
// is written by other programs (and, for USB history, by devices' descriptors), so both caps
// keep a damaged or hostile hive from costing unbounded memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <windows.h>

#include "shouwei/common/result.hpp"

namespace shouwei::win {

inline constexpr std::size_t kMaxValueBytes = 1u << 20;
inline constexpr std::size_t kMaxEntries = 100000;

class RegistryKey {
 public:
  // Opens root\subkey (subkey in UTF-8, '\\'-separated) for reading, in the 64-bit view.
  // Fails with Errc::not_found when the key does not exist.
  static Result<RegistryKey> open(HKEY root, std::string_view subkey,
                                  REGSAM access = KEY_READ | KEY_WOW64_64KEY);

  RegistryKey(RegistryKey&& other) noexcept;
  RegistryKey& operator=(RegistryKey&& other) noexcept;
  RegistryKey(const RegistryKey&) = delete;
  RegistryKey& operator=(const RegistryKey&) = delete;
  ~RegistryKey();

  Result<RegistryKey> open_subkey(std::string_view name) const;

  // REG_SZ / REG_EXPAND_SZ (not expanded), without trailing NULs. Other types fail (parse).
  Result<std::optional<std::string>> string_value(std::string_view name) const;
  // REG_DWORD or REG_QWORD.
  Result<std::optional<std::uint64_t>> number_value(std::string_view name) const;
  // REG_MULTI_SZ, empty strings dropped.
  Result<std::optional<std::vector<std::string>>> multi_string_value(std::string_view name) const;
  // Any type, the raw bytes (REG_BINARY: FILETIMEs, device properties).
  Result<std::optional<std::string>> binary_value(std::string_view name) const;

  Result<std::vector<std::string>> subkey_names() const;
  Result<std::vector<std::string>> value_names() const;

  HKEY get() const noexcept { return key_; }
  // "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", for messages.
  const std::string& display_path() const noexcept { return path_; }

 private:
  RegistryKey(HKEY key, std::string path, REGSAM access) noexcept
      : key_(key), path_(std::move(path)), access_(access) {}
  struct Raw {
    DWORD type = REG_NONE;
    std::string bytes;
  };
  Result<std::optional<Raw>> raw_value(std::string_view name) const;
  std::string subject(std::string_view value) const;

  HKEY key_ = nullptr;
  std::string path_;
  REGSAM access_ = KEY_READ;
};

// "HKLM", "HKCU", "HKU", "HKCR" or "HKCC" for a predefined key.
std::string_view root_name(HKEY root) noexcept;

}  // namespace shouwei::win
