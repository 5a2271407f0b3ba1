// USB history from the registry: HKLM\SYSTEM\CurrentControlSet\Enum\{USB,USBSTOR}. Windows
// keeps a key per device instance ever installed, present or not; the device property store
// under each instance's Properties subkey holds the install and arrival/removal times as
// DEVPROP_TYPE_FILETIME values (the default value of Properties\{guid}\<pid as 4 hex digits>).
#include <windows.h>

#include "shouwei/platform/win/registry.hpp"
#include "shouwei/platform/win/usb_win.hpp"

namespace shouwei::platform::win_usb {
namespace {

namespace usb = collectors::usb;
using win::RegistryKey;

// DEVPKEY_Device_FirstInstallDate / LastArrivalDate / LastRemovalDate: fmtid
// {83da6326-97a6-4088-9453-a1923f573b29}, pids 101..103 (devpkey.h).
constexpr std::string_view kDateProperties = "Properties\\{83da6326-97a6-4088-9453-a1923f573b29}";

// A value that cannot be read is absent: one odd value must not hide the device.
template <typename T>
std::optional<T> value_or_null(Result<std::optional<T>> value) {
  if (!value) return std::nullopt;
  return std::move(*value);
}

std::optional<std::uint64_t> filetime_property(const RegistryKey& instance, std::string_view pid) {
  auto key = instance.open_subkey(std::string(kDateProperties) + "\\" + std::string(pid));
  if (!key) return std::nullopt;
  auto bytes = value_or_null(key->binary_value(""));
  if (!bytes) return std::nullopt;
  return usb::filetime_from_property_bytes(*bytes);
}

void read_enumerator(const RegistryKey& enum_root, const std::string& enumerator,
                     std::vector<usb::UsbHistoryEntry>& out) {
  auto root = enum_root.open_subkey(enumerator);
  if (!root) return;
  auto hardware_names = root->subkey_names();
  if (!hardware_names) return;
  for (const auto& hardware : *hardware_names) {
    auto hardware_key = root->open_subkey(hardware);
    if (!hardware_key) continue;
    auto instances = hardware_key->subkey_names();
    if (!instances) continue;
    for (const auto& instance : *instances) {
      if (out.size() >= usb::kMaxHistoryEntries + 1) return;  // the collector marks truncation
      auto key = hardware_key->open_subkey(instance);
      if (!key) continue;
      usb::EnumKeyValues values;
      values.enumerator = enumerator;
      values.hardware = hardware;
      values.instance = instance;
      values.friendly_name = value_or_null(key->string_value("FriendlyName"));
      values.device_description = value_or_null(key->string_value("DeviceDesc"));
      values.manufacturer = value_or_null(key->string_value("Mfg"));
      values.service = value_or_null(key->string_value("Service"));
      values.first_install_filetime = filetime_property(*key, "0065");
      values.last_arrival_filetime = filetime_property(*key, "0066");
      values.last_removal_filetime = filetime_property(*key, "0067");
      if (auto entry = usb::history_entry_from(values)) out.push_back(std::move(*entry));
    }
  }
}

class RegistryUsbHistory final : public usb::UsbHistorySource {
 public:
  explicit RegistryUsbHistory(std::string enum_key) : enum_key_(std::move(enum_key)) {}

  Result<std::vector<usb::UsbHistoryEntry>> entries() override {
    SHOUWEI_TRY(auto enum_root, RegistryKey::open(HKEY_LOCAL_MACHINE, enum_key_));
    if (!enum_root.open_subkey("USB") && !enum_root.open_subkey("USBSTOR")) {
      return fail(Errc::not_found,
                  "HKLM\\" + enum_key_ + ": has neither a USB nor a USBSTOR subkey");
    }
    std::vector<usb::UsbHistoryEntry> out;
    read_enumerator(enum_root, "USBSTOR", out);
    read_enumerator(enum_root, "USB", out);
    return out;
  }

 private:
  std::string enum_key_;
};

}  // namespace

std::unique_ptr<usb::UsbHistorySource> make_registry_usb_history(std::string enum_key) {
  return std::make_unique<RegistryUsbHistory>(std::move(enum_key));
}

}  // namespace shouwei::platform::win_usb
