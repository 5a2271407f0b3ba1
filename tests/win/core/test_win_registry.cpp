// win::RegistryKey on Wine's real registry: values of every type written with the Win32 API
// under a scratch key of HKCU, read back in UTF-8; missing values, wrong types, missing keys
// and oversized values.
#include <cstdint>
#include <string>
#include <windows.h>

#include <doctest/doctest.h>

#include "shouwei/common/encoding.hpp"
#include "shouwei/platform/win/registry.hpp"

using namespace shouwei;

namespace {

// A scratch key HKCU\Software\ShouweiTest\<random>, deleted with its tree at the end.
class ScratchKey {
 public:
  ScratchKey() : name_("Software\\ShouweiTest\\" + hex_encode(random_bytes(6))) {
    const std::wstring wide(name_.begin(), name_.end());
    REQUIRE(::RegCreateKeyExW(HKEY_CURRENT_USER, wide.c_str(), 0, nullptr, 0, KEY_ALL_ACCESS,
                              nullptr, &key_, nullptr) == ERROR_SUCCESS);
  }
  ~ScratchKey() {
    ::RegDeleteTreeW(key_, nullptr);
    ::RegCloseKey(key_);
    const std::wstring wide(name_.begin(), name_.end());
    ::RegDeleteKeyW(HKEY_CURRENT_USER, wide.c_str());
  }
  ScratchKey(const ScratchKey&) = delete;
  ScratchKey& operator=(const ScratchKey&) = delete;

  void set(const wchar_t* value, DWORD type, const void* data, std::size_t size) {
    REQUIRE(::RegSetValueExW(key_, value, 0, type, static_cast<const BYTE*>(data),
                             static_cast<DWORD>(size)) == ERROR_SUCCESS);
  }
  void set_string(const wchar_t* value, const std::wstring& text, DWORD type = REG_SZ) {
    set(value, type, text.c_str(), (text.size() + 1) * sizeof(wchar_t));
  }
  void add_subkey(const wchar_t* sub) {
    HKEY child = nullptr;
    REQUIRE(::RegCreateKeyExW(key_, sub, 0, nullptr, 0, KEY_ALL_ACCESS, nullptr, &child, nullptr) ==
            ERROR_SUCCESS);
    ::RegCloseKey(child);
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  HKEY key_ = nullptr;
};

}  // namespace

TEST_CASE("string, number, multi-string and binary values read back in UTF-8") {
  ScratchKey scratch;
  scratch.set_string(L"ProductName", L"360安全卫士");
  scratch.set_string(L"ProfileImagePath", L"%SystemDrive%\\Users\\张伟", REG_EXPAND_SZ);
  const DWORD ubr = 2861;
  scratch.set(L"UBR", REG_DWORD, &ubr, sizeof ubr);
  const std::uint64_t big = 0x0123456789ABCDEFull;
  scratch.set(L"InstallTime", REG_QWORD, &big, sizeof big);
  const wchar_t multi[] = L"USBSTOR\\Disk\0\0USB\\VID_0781\0";
  scratch.set(L"HardwareID", REG_MULTI_SZ, multi, sizeof multi);
  const unsigned char bytes[] = {0x00, 0x01, 0xFE, 0xFF};
  scratch.set(L"Raw", REG_BINARY, bytes, sizeof bytes);

  auto key = win::RegistryKey::open(HKEY_CURRENT_USER, scratch.name());
  REQUIRE(key.ok());
  CHECK(key->string_value("ProductName").value() == "360安全卫士");
  CHECK(key->string_value("ProfileImagePath").value() ==
        "%SystemDrive%\\Users\\张伟");  // unexpanded
  CHECK(key->number_value("UBR").value() == 2861u);
  CHECK(key->number_value("InstallTime").value() == big);
  CHECK(key->multi_string_value("HardwareID").value() ==
        std::vector<std::string>{"USBSTOR\\Disk", "USB\\VID_0781"});
  CHECK(key->binary_value("Raw").value() == std::string("\x00\x01\xFE\xFF", 4));

  auto names = key->value_names();
  REQUIRE(names.ok());
  CHECK(names->size() == 6);
}

TEST_CASE("a missing value is nullopt; a value of the wrong type is an error naming it") {
  ScratchKey scratch;
  const DWORD n = 7;
  scratch.set(L"Count", REG_DWORD, &n, sizeof n);
  auto key = win::RegistryKey::open(HKEY_CURRENT_USER, scratch.name());
  REQUIRE(key.ok());
  auto missing = key->string_value("DisplayVersion");
  REQUIRE(missing.ok());
  CHECK(!missing->has_value());
  CHECK(!key->number_value("Nope").value().has_value());

  auto wrong = key->string_value("Count");
  REQUIRE(!wrong.ok());
  CHECK(wrong.error().code == Errc::parse);
  CHECK(wrong.error().message ==
        "HKCU\\" + scratch.name() + "\\Count: not a string value (type 4)");
}

TEST_CASE("subkeys enumerate and open; a missing key is not_found naming it") {
  ScratchKey scratch;
  scratch.add_subkey(L"S-1-5-18");
  scratch.add_subkey(L"S-1-5-21-1-2-3-1001");
  auto key = win::RegistryKey::open(HKEY_CURRENT_USER, scratch.name());
  REQUIRE(key.ok());
  auto subkeys = key->subkey_names();
  REQUIRE(subkeys.ok());
  CHECK(*subkeys == std::vector<std::string>{"S-1-5-18", "S-1-5-21-1-2-3-1001"});
  CHECK(key->open_subkey("S-1-5-18").ok());

  auto missing = key->open_subkey("S-1-5-99");
  REQUIRE(!missing.ok());
  CHECK(missing.error().code == Errc::not_found);
  CHECK(
      missing.error().message.starts_with("HKCU\\" + scratch.name() + "\\S-1-5-99: RegOpenKeyExW"));
}

TEST_CASE("values larger than the cap are refused, not read") {
  ScratchKey scratch;
  const std::string huge(win::kMaxValueBytes + 2, 'x');
  scratch.set(L"Huge", REG_BINARY, huge.data(), huge.size());
  auto key = win::RegistryKey::open(HKEY_CURRENT_USER, scratch.name());
  REQUIRE(key.ok());
  auto r = key->binary_value("Huge");
  REQUIRE(!r.ok());
  CHECK(r.error().code == Errc::limit_exceeded);
}
