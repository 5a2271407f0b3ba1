// The Windows usb ports under Wine: the registry history read for real from USBSTOR and USB
// keys the test seeds in Wine's registry (in the layout Windows uses:
// Enum\<enumerator>\<hardware>\<instance>, dates as DEVPROP_TYPE_FILETIME values under
// Properties\{83da6326-...}\006x), the SetupAPI bus (Wine lists no USB devices: an empty,
// successful answer, never a crash), and the live-notification listener, which must fall back
// to RegisterDeviceNotificationW where cfgmgr32.dll does not export CM_Register_Notification
// (Wine, Windows 7).
#include <string>
#include <windows.h>

#include <doctest/doctest.h>

#include "shouwei/collectors/usb/usb_history.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/platform/win/device_notifications.hpp"
#include "shouwei/platform/win/usb_win.hpp"

namespace usb = shouwei::collectors::usb;
namespace win_usb = shouwei::platform::win_usb;

namespace {

// A FILETIME (100 ns ticks since 1601) for a Unix time, computed independently of the code
// under test.
std::uint64_t filetime_of(std::int64_t unix_seconds) {
  return static_cast<std::uint64_t>(unix_seconds + 11644473600LL) * 10000000ULL;
}

// A test-owned key under HKLM\SOFTWARE, deleted with its subtree at the end.
class SeededEnum {
 public:
  SeededEnum()
      : path_("SOFTWARE\\ShouweiTest\\Enum-" + shouwei::hex_encode(shouwei::random_bytes(6))) {}
  ~SeededEnum() { ::RegDeleteTreeW(HKEY_LOCAL_MACHINE, wide(path_).c_str()); }
  const std::string& path() const { return path_; }

  void set_string(const std::string& key, const std::string& name, const std::string& value) {
    const std::wstring data = wide(value);
    set(key, name, REG_SZ, data.c_str(), (data.size() + 1) * sizeof(wchar_t));
  }
  // type: REG_BINARY, or 0xFFFF0010 (DEVPROP_TYPE_FILETIME as the property store writes it).
  void set_filetime(const std::string& key, std::uint64_t ticks, DWORD type) {
    set(key, "", type, &ticks, sizeof(ticks));
  }
  void create(const std::string& key) { set(key, "", REG_NONE, nullptr, 0, false); }

 private:
  static std::wstring wide(const std::string& ascii) { return {ascii.begin(), ascii.end()}; }

  void set(const std::string& key, const std::string& name, DWORD type, const void* data,
           std::size_t size, bool write = true) {
    HKEY handle = nullptr;
    const std::wstring full = wide(path_ + "\\" + key);
    REQUIRE(::RegCreateKeyExW(HKEY_LOCAL_MACHINE, full.c_str(), 0, nullptr, 0,
                              KEY_WRITE | KEY_WOW64_64KEY, nullptr, &handle,
                              nullptr) == ERROR_SUCCESS);
    if (write) {
      CHECK(::RegSetValueExW(handle, wide(name).c_str(), 0, type, static_cast<const BYTE*>(data),
                             static_cast<DWORD>(size)) == ERROR_SUCCESS);
    }
    ::RegCloseKey(handle);
  }

  std::string path_;
};

constexpr const char* kDates = "\\Properties\\{83da6326-97a6-4088-9453-a1923f573b29}\\";

}  // namespace

TEST_CASE("usb history: USBSTOR and USB keys seeded in Wine's registry are read back") {
  SeededEnum seeded;
  const std::string stor =
      "USBSTOR\\Disk&Ven_SanDisk&Prod_Cruzer_Blade&Rev_1.00\\4C530001230515118475&0";
  seeded.set_string(stor, "FriendlyName", "SanDisk Cruzer Blade USB Device");
  seeded.set_string(stor, "Service", "disk");
  seeded.set_filetime(stor + kDates + "0065", filetime_of(1'700'000'000), 0xFFFF0010);
  seeded.set_filetime(stor + kDates + "0066", filetime_of(1'763'700'000), REG_BINARY);
  seeded.set_filetime(stor + kDates + "0067", 0, 0xFFFF0010);  // never removed: zero

  const std::string dev = "USB\\VID_0781&PID_5567\\4C530001230515118475";
  seeded.set_string(dev, "Mfg", "@usbstor.inf,%genmanufacturer%;Compatible USB storage device");
  seeded.set_string(dev, "Service", "USBSTOR");
  // Neither a device instance (hubs) nor a readable date: skipped, or a null date.
  seeded.create("USB\\ROOT_HUB30\\4&2B8A8E4B&0&0");
  const std::string odd = "USB\\VID_046D&PID_C52B\\6&1F2A3B4C&0&2";
  seeded.set_string(odd, "Service", "HidUsb");
  seeded.set_string(odd + kDates + "0065", "", "not a filetime");

  auto history = win_usb::make_registry_usb_history(seeded.path());
  auto entries = history->entries();
  REQUIRE_MESSAGE(entries.ok(), (entries.ok() ? "" : entries.error().message));
  REQUIRE(entries->size() == 3);

  const usb::UsbHistoryEntry* disk = nullptr;
  const usb::UsbHistoryEntry* stick = nullptr;
  const usb::UsbHistoryEntry* mouse = nullptr;
  for (const auto& e : *entries) {
    if (e.source == "USBSTOR") disk = &e;
    if (e.identity.vendor_id == 0x0781) stick = &e;
    if (e.identity.vendor_id == 0x046D) mouse = &e;
  }
  REQUIRE(disk != nullptr);
  REQUIRE(stick != nullptr);
  REQUIRE(mouse != nullptr);
  CHECK(disk->instance_id == stor);
  CHECK(disk->identity.manufacturer == "SanDisk");
  CHECK(disk->identity.product == "Cruzer Blade");
  CHECK(disk->identity.serial == "4C530001230515118475");
  CHECK(disk->friendly_name == "SanDisk Cruzer Blade USB Device");
  CHECK(disk->service == "disk");
  CHECK(disk->first_install == shouwei::from_unix_seconds(1'700'000'000));
  CHECK(disk->last_arrival == shouwei::from_unix_seconds(1'763'700'000));
  CHECK_FALSE(disk->last_removal);
  CHECK(stick->identity.product_id == 0x5567);
  CHECK(stick->service == "USBSTOR");
  CHECK_FALSE(stick->first_install);
  CHECK(mouse->service == "HidUsb");
  CHECK_FALSE(mouse->first_install);  // a REG_SZ where a FILETIME belongs reads as absent

  // The collector renders the same entries as the usb_history section.
  auto collector = usb::make_usb_history_collector(*history);
  shouwei::RootFs root;
  shouwei::SystemClock clock;
  auto section = collector->collect({root, clock});
  REQUIRE(section.ok());
  REQUIRE(section->at("devices").as_array().size() == 3);
  CHECK(section->at("devices").as_array()[0].at("last_arrival") == "2025-11-21T04:40:00Z");
}

TEST_CASE("usb history: an Enum key without USB or USBSTOR fails naming the key") {
  SeededEnum seeded;
  seeded.create("HID\\VID_046D&PID_C52B\\x");
  auto entries = win_usb::make_registry_usb_history(seeded.path())->entries();
  REQUIRE_FALSE(entries.ok());
  CHECK(entries.error().code == shouwei::Errc::not_found);
  CHECK(entries.error().message.find(seeded.path()) != std::string::npos);
  auto missing = win_usb::make_registry_usb_history(seeded.path() + "\\absent")->entries();
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == shouwei::Errc::not_found);
}

TEST_CASE("usb bus: SetupAPI under Wine answers an empty device list, not an error or crash") {
  // Wine's SetupAPI has no USB devices; real Windows lists them (fixture tests cover the
  // assembly: tests/usb/test_windows_pnp.cpp). Either way the call must succeed.
  auto bus = win_usb::make_windows_usb_bus();
  auto devices = bus->devices();
  REQUIRE_MESSAGE(devices.ok(), (devices.ok() ? "" : devices.error().message));
  for (const auto& d : *devices) CHECK_FALSE(d.sysfs_path.empty());
  auto absent = bus->device_at("/USB\\VID_FFFF&PID_FFFF\\no-such-device");
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().code == shouwei::Errc::not_found);
}

TEST_CASE("notifications: without CM_Register_Notification the window fallback starts and stops") {
  int calls = 0;
  auto listener =
      win_usb::DeviceNotificationListener::start([&calls](const usb::Uevent&) { ++calls; });
  REQUIRE_MESSAGE(listener.ok(), (listener.ok() ? "" : listener.error().message));
  if (!win_usb::cm_register_notification_available()) {
    CHECK((*listener)->mechanism() ==
          win_usb::DeviceNotificationListener::Mechanism::register_device_notification);
  }
  (*listener)->stop();
  (*listener)->stop();  // idempotent
  CHECK(calls == 0);    // no device came or went
}
