// The portable half of the Windows usb port: PnP identifiers, the assembly of SetupAPI device
// nodes into UsbDevices, Windows device events through the same UsbEventRecorder as Linux,
// registry history entries and the usb_history section.
#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

#include "common/temp_dir.hpp"
#include "shouwei/collectors/usb/usb_event_recorder.hpp"
#include "shouwei/collectors/usb/usb_history.hpp"
#include "shouwei/collectors/usb/windows_device_events.hpp"
#include "shouwei/collectors/usb/windows_pnp.hpp"
#include "shouwei/collectors/usb/windows_pnp_bus.hpp"
#include "windows_pnp_fixture.hpp"

using namespace shouwei::collectors::usb;
using shouwei::Errc;

namespace {

// What SetupAPI would list; `present` is changed by the tests as devices come and go.
class FakeRecords final : public PnpRecordSource {
 public:
  explicit FakeRecords(std::vector<PnpDeviceRecord>& present) : present_(present) {}
  shouwei::Result<std::vector<PnpDeviceRecord>> present() override { return present_; }

 private:
  std::vector<PnpDeviceRecord>& present_;
};

class FakeHistory final : public UsbHistorySource {
 public:
  std::vector<UsbHistoryEntry> list;
  shouwei::Result<std::vector<UsbHistoryEntry>> entries() override { return list; }
};

// FILETIME of a Unix time: 100 ns ticks since 1601.
std::uint64_t filetime_of(std::int64_t unix_seconds) {
  return static_cast<std::uint64_t>(unix_seconds) * 10'000'000ULL + 116'444'736'000'000'000ULL;
}

EnumKeyValues enum_key(std::string enumerator, std::string hardware, std::string instance) {
  EnumKeyValues key;
  key.enumerator = std::move(enumerator);
  key.hardware = std::move(hardware);
  key.instance = std::move(instance);
  return key;
}

}  // namespace

TEST_CASE("device instance ids split into enumerator, hardware and instance") {
  auto id = parse_instance_id("USB\\VID_0781&PID_5567\\4C530001230322115032");
  REQUIRE(id.ok());
  CHECK(id->enumerator == "USB");
  CHECK(id->hardware == "VID_0781&PID_5567");
  CHECK(id->instance == "4C530001230322115032");
  CHECK(id->text() == "USB\\VID_0781&PID_5567\\4C530001230322115032");
  for (const char* bad :
       {"", "USB", "USB\\VID_0781&PID_5567", "USB\\\\x", "\\a\\b", "a\\b\\c\\d"}) {
    CAPTURE(bad);
    CHECK(parse_instance_id(bad).error().code == Errc::parse);
  }
  CHECK(parse_instance_id("USB\\X\\" + std::string(200, 'A')).error().code == Errc::limit_exceeded);
}

TEST_CASE("interface paths name their device instance") {
  CHECK(instance_id_from_interface_path(
            "\\\\?\\USB#VID_0781&PID_5567#4C530001230322115032#{a5dcbf10-6530-11d2-901f-"
            "00c04fb951ed}") == "USB\\VID_0781&PID_5567\\4C530001230322115032");
  CHECK(instance_id_from_interface_path(
            "\\\\?\\USBSTOR#Disk&Ven_SanDisk&Prod_Cruzer_Blade&Rev_1.00#4C530001230322115032&0#{"
            "53f56307-b6bf-11d0-94f2-00a0c91efb8b}") ==
        "USBSTOR\\Disk&Ven_SanDisk&Prod_Cruzer_Blade&Rev_1.00\\4C530001230322115032&0");
  CHECK_FALSE(instance_id_from_interface_path("USB#VID_0781&PID_5567#x#{guid}"));
  CHECK_FALSE(instance_id_from_interface_path("\\\\?\\USB#VID_0781#{guid}"));
  CHECK_FALSE(instance_id_from_interface_path("\\\\?\\USB#VID_0781&PID_5567#x"));
}

TEST_CASE("serials: the instance part unless Windows generated it") {
  CHECK(is_generated_instance("5&2A9D2E8&0&3"));
  CHECK(is_generated_instance("7&1C4F0B3E&0&000000"));
  CHECK_FALSE(is_generated_instance("4C530001230322115032"));
  CHECK_FALSE(is_generated_instance("AA00000000011083"));
  CHECK_FALSE(is_generated_instance("0123456789ABCDEF"));

  auto stick = identity_from_usb_id(*parse_instance_id("USB\\VID_0781&PID_5567\\4C53000123"));
  CHECK(stick.vendor_id == 0x0781);
  CHECK(stick.product_id == 0x5567);
  CHECK(stick.serial == "4C53000123");
  auto keyboard =
      identity_from_usb_id(*parse_instance_id("usb\\vid_413c&pid_2113\\5&1B4B2C6C&0&4"));
  CHECK(keyboard.vendor_id == 0x413c);
  CHECK_FALSE(keyboard.serial);
  auto bad = identity_from_usb_id(*parse_instance_id("USB\\VID_XYZ&PID_\\1"));
  CHECK_FALSE(bad.vendor_id);
  CHECK_FALSE(bad.product_id);

  CHECK(storage_instance_serial("4C530001230322115032&0") == "4C530001230322115032");
  CHECK(storage_instance_serial("AA00000000011083&1") == "AA00000000011083");
  CHECK(storage_instance_serial("NOLUN") == "NOLUN");
  CHECK_FALSE(storage_instance_serial("7&2B7A9C8&0"));
  CHECK_FALSE(storage_instance_serial("&0"));
}

TEST_CASE("USBSTOR hardware ids give vendor, product and revision with spaces restored") {
  auto hw = parse_storage_hardware_id("Disk&Ven_SanDisk&Prod_Cruzer_Blade&Rev_1.00");
  CHECK(hw.type == "Disk");
  CHECK(hw.vendor == "SanDisk");
  CHECK(hw.product == "Cruzer Blade");
  CHECK(hw.revision == "1.00");
  auto generic = parse_storage_hardware_id("Disk&Ven_&Prod_USB_DISK_2.0&Rev_PMAP");
  CHECK_FALSE(generic.vendor);  // an empty Ven_ is absent, not ""
  CHECK(generic.product == "USB DISK 2.0");
}

TEST_CASE("class triples come from the most specific compatible id") {
  std::vector<std::string> ids = {"USB\\Class_08", "USB\\Class_08&SubClass_06&Prot_50",
                                  "USB\\Class_08&SubClass_06"};
  auto t = class_from_compatible_ids(ids);
  CHECK(t.cls == 0x08);
  CHECK(t.subclass == 0x06);
  CHECK(t.protocol == 0x50);
  std::vector<std::string> none = {"USBSTOR\\Disk", "GenDisk", "USB\\COMPOSITE"};
  CHECK_FALSE(class_from_compatible_ids(none).cls);
}

TEST_CASE("FILETIMEs become UTC times; zero and absurd values are absent") {
  auto t = time_from_filetime(filetime_of(1'763'700'000) + 1234567);
  REQUIRE(t);
  CHECK(*t - shouwei::from_unix_seconds(1'763'700'000) == std::chrono::microseconds(123456));
  CHECK_FALSE(time_from_filetime(0));
  CHECK_FALSE(time_from_filetime(filetime_of(100)));  // 1970: before any USB stick
  CHECK_FALSE(time_from_filetime(~0ULL));
  CHECK(filetime_from_property_bytes(std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8)) ==
        0x0807060504030201ULL);
  CHECK_FALSE(filetime_from_property_bytes("short"));
}

TEST_CASE("SetupAPI device nodes assemble into devices with interfaces and disks") {
  const auto records = shouwei::usb_test::office_pc_pnp_records();
  const auto devices = assemble_usb_devices(records);
  REQUIRE(devices.size() == 3);  // the root hub has no VID: not a device of interest
  const UsbDevice& stick = devices[0];
  CHECK(stick.bus_path == "Port_#0002.Hub_#0001");
  CHECK(stick.sysfs_path == "USB\\VID_0781&PID_5567\\4C530001230322115032");
  CHECK(devpath_of(stick) == "/USB\\VID_0781&PID_5567\\4C530001230322115032");
  CHECK(stick.identity.vendor_id == 0x0781);
  CHECK(stick.identity.serial == "4C530001230322115032");
  CHECK(stick.identity.product == " Cruzer Blade");
  CHECK(stick.is_mass_storage());
  CHECK(stick.authorized == true);
  REQUIRE(stick.block_devices.size() == 1);
  const BlockDevice& disk = stick.block_devices[0];
  CHECK(disk.name == "PhysicalDrive1");
  CHECK(disk.size_bytes == 15'631'122'432ULL);
  CHECK(disk.removable == true);
  REQUIRE(disk.partitions.size() == 1);
  CHECK(disk.partitions[0].name == "PhysicalDrive1-Partition1");
  CHECK(disk.partitions[0].start_bytes == 1'048'576ULL);
  CHECK(disk.partitions[0].file_system.type == "FAT32");
  CHECK(disk.partitions[0].file_system.uuid == "1A2B-3C4D");

  const UsbDevice& receiver = devices[1];
  CHECK_FALSE(receiver.identity.serial);
  CHECK_FALSE(receiver.is_mass_storage());
  REQUIRE(receiver.interfaces.size() == 2);
  CHECK(receiver.interfaces[0].interface_class == 0x03);
  CHECK(receiver.interfaces[1].interface_protocol == 0x02);
  CHECK(receiver.interfaces[0].driver == "HidUsb");

  const UsbDevice& keyboard = devices[2];
  CHECK(keyboard.authorized == false);  // disabled (CM_PROB_DISABLED): what the gate does
  REQUIRE(keyboard.interfaces.size() == 1);
  CHECK(keyboard.interfaces[0].interface_class == 0x03);
}

TEST_CASE("a parent loop or a dangling parent does not hang or crash the assembly") {
  std::vector<PnpDeviceRecord> records(3);
  records[0].instance_id = "USBSTOR\\Disk&Ven_A\\1&0";
  records[0].parent_id = "USBSTOR\\Disk&Ven_B\\2&0";
  records[0].disk_number = 3;
  records[1].instance_id = "USBSTOR\\Disk&Ven_B\\2&0";
  records[1].parent_id = "USBSTOR\\Disk&Ven_A\\1&0";
  records[2].instance_id = "not an id";
  records[2].parent_id = "nowhere";
  CHECK(assemble_usb_devices(records).empty());
}

TEST_CASE("Windows arrivals and removals go through the same recorder as uevents") {
  std::vector<PnpDeviceRecord> present = shouwei::usb_test::office_pc_pnp_records();
  auto bus_owner = make_pnp_usb_bus(std::make_unique<FakeRecords>(present));
  UsbBus& bus = *bus_owner;
  shouwei::test::TempDir dir;
  auto db = shouwei::sqlite::Database::open(dir.path() / "agent.db").value();
  auto store = UsbEventStore::open(db).value();
  shouwei::FixedClock clock{shouwei::from_unix_seconds(1'763'700'000)};
  UsbEventRecorder recorder(bus, store, clock);

  const std::string stick = "USB\\VID_0781&PID_5567\\4C530001230322115032";
  const std::string disk =
      "USBSTOR\\Disk&Ven_SanDisk&Prod_Cruzer_Blade&Rev_1.00\\4C530001230322115032&0";
  auto added = recorder.handle(uevent_for_usb_device(UsbAction::add, stick));
  REQUIRE(added.ok());
  REQUIRE(added->has_value());
  CHECK((*added)->kind == UsbEventKind::usb_device);
  CHECK((*added)->bus_path == "Port_#0002.Hub_#0001");
  CHECK((*added)->identity.serial == "4C530001230322115032");
  auto disk_added = recorder.handle(uevent_for_disk(UsbAction::add, stick, disk, "PhysicalDrive1"));
  REQUIRE(disk_added.ok());
  REQUIRE(disk_added->has_value());
  CHECK((*disk_added)->kind == UsbEventKind::disk);
  CHECK((*disk_added)->block_name == "PhysicalDrive1");
  CHECK((*disk_added)->identity.serial == "4C530001230322115032");

  // Pulled: the device is gone from SetupAPI, the identity comes from the recorder's memory.
  present.clear();
  REQUIRE(recorder.handle(uevent_for_disk(UsbAction::remove, stick, disk, "PhysicalDrive1")).ok());
  auto removed = recorder.handle(uevent_for_usb_device(UsbAction::remove, stick));
  REQUIRE(removed.ok());
  REQUIRE(removed->has_value());
  CHECK((*removed)->identity.product == " Cruzer Blade");
  CHECK(recorder.cached() == 0);

  // A device never seen still gets vid/pid from its id (the PRODUCT property equivalent).
  auto unknown =
      recorder.handle(uevent_for_usb_device(UsbAction::remove, "USB\\VID_1234&PID_ABCD\\X"));
  REQUIRE(unknown.ok());
  REQUIRE(unknown->has_value());
  CHECK((*unknown)->identity.vendor_id == 0x1234);
  CHECK((*unknown)->identity.product_id == 0xabcd);
  CHECK(store.pending(10)->size() == 5);
}

TEST_CASE("registry Enum keys become history entries; hubs and junk are skipped") {
  EnumKeyValues usbstor;
  usbstor.enumerator = "USBSTOR";
  usbstor.hardware = "Disk&Ven_SanDisk&Prod_Cruzer_Blade&Rev_1.00";
  usbstor.instance = "4C530001230322115032&0";
  usbstor.friendly_name = "SanDisk Cruzer Blade USB Device";
  usbstor.first_install_filetime = filetime_of(1'700'000'000);
  usbstor.last_arrival_filetime = filetime_of(1'763'700'000);
  usbstor.last_removal_filetime = 0;  // never removed since: the property holds zero
  auto e = history_entry_from(usbstor);
  REQUIRE(e);
  CHECK(e->source == "USBSTOR");
  CHECK(e->identity.manufacturer == "SanDisk");
  CHECK(e->identity.product == "Cruzer Blade");
  CHECK(e->identity.serial == "4C530001230322115032");
  CHECK(e->revision == "1.00");
  CHECK(e->first_install == shouwei::from_unix_seconds(1'700'000'000));
  CHECK_FALSE(e->last_removal);

  EnumKeyValues usb = enum_key("USB", "VID_0781&PID_5567", "4C530001230322115032");
  usb.manufacturer = "@usbstor.inf,%genmanufacturer%;Compatible USB storage device";
  auto u = history_entry_from(usb);
  REQUIRE(u);
  CHECK(u->identity.vendor_id == 0x0781);
  CHECK(u->identity.serial == "4C530001230322115032");

  CHECK_FALSE(history_entry_from(enum_key("USB", "ROOT_HUB30", "4&2B8A8E4B&0&0")));
  CHECK_FALSE(history_entry_from(enum_key("USB", "Composite", "x")));
  CHECK_FALSE(history_entry_from(enum_key("HID", "VID_046D&PID_C52B", "x")));
  CHECK_FALSE(history_entry_from(enum_key("USB", "VID_1&PID_2", "")));

  FakeHistory source;
  source.list = {*u, *e};
  auto collector = make_usb_history_collector(source);
  CHECK(collector->section() == "usb_history");
  shouwei::RootFs root;
  shouwei::SystemClock clock;
  auto section = collector->collect({root, clock});
  REQUIRE(section.ok());
  const auto& devices = section->at("devices").as_array();
  REQUIRE(devices.size() == 2);
  CHECK(devices[0].at("source") == "USBSTOR");  // "USBSTOR\..." sorts before "USB\..."
  CHECK(devices[0].at("first_install") == "2023-11-14T22:13:20Z");
  CHECK(devices[0].at("last_removal").is_null());
  CHECK(devices[0].at("vendor_id").is_null());
  CHECK(devices[0].at("product") == "Cruzer Blade");
  CHECK(devices[1].at("vendor_id") == "0781");
  CHECK(section->at("truncated") == false);
}

TEST_CASE("the PnP bus finds a device by its devpath") {
  std::vector<PnpDeviceRecord> present = shouwei::usb_test::office_pc_pnp_records();
  auto bus = make_pnp_usb_bus(std::make_unique<FakeRecords>(present));
  auto stick = bus->device_at("/USB\\VID_0781&PID_5567\\4C530001230322115032");
  REQUIRE(stick.ok());
  CHECK(stick->block_devices.size() == 1);
  CHECK(bus->device_at("/USB\\VID_0781&PID_5567\\other").error().code == Errc::not_found);
}

TEST_CASE("device interface notifications become device and disk uevents") {
  const std::string stick = "USB\\VID_0781&PID_5567\\4C530001230322115032";
  const std::string disk =
      "USBSTOR\\Disk&Ven_SanDisk&Prod_Cruzer_Blade&Rev_1.00\\4C530001230322115032&0";
  const std::string nvme = "SCSI\\Disk&Ven_NVMe&Prod_Samsung_SSD_980\\5&2F1C3B&0&000000";
  int parent_calls = 0;
  WindowsDeviceEvents events(
      {[&](const std::string& id) -> std::optional<std::string> {
         ++parent_calls;
         if (id == disk) return stick;
         if (id == nvme) return "PCI\\VEN_144D&DEV_A809\\4&1&0&00E8";
         return std::nullopt;
       },
       [](const std::string&) -> std::optional<std::string> { return "PhysicalDrive1"; }});
  const std::string usb_path =
      "\\\\?\\USB#VID_0781&PID_5567#4C530001230322115032#{A5DCBF10-6530-11D2-901F-00C04FB951ED}";
  const std::string disk_path =
      "\\\\?\\USBSTOR#Disk&Ven_SanDisk&Prod_Cruzer_Blade&Rev_1.00#4C530001230322115032&0#{"
      "53f56307-b6bf-11d0-94f2-00a0c91efb8b}";
  auto device = events.on_interface(UsbAction::add, usb_path);
  REQUIRE(device);
  CHECK(device->devpath == "/" + stick);
  CHECK(device->get("SUBSYSTEM") == "usb");
  CHECK(device->get("PRODUCT") == "781/5567/0");

  auto added = events.on_interface(UsbAction::add, disk_path);
  REQUIRE(added);
  CHECK(added->devpath == "/" + stick + "/" + disk);
  CHECK(added->get("DEVTYPE") == "disk");
  CHECK(added->get("DEVNAME") == "PhysicalDrive1");
  CHECK(events.remembered() == 1);
  const int calls_before_removal = parent_calls;
  auto removed = events.on_interface(UsbAction::remove, disk_path);
  REQUIRE(removed);
  CHECK(removed->action == "remove");
  CHECK(removed->devpath == added->devpath);
  CHECK(parent_calls == calls_before_removal);  // the node is gone: only memory can tell
  CHECK(events.remembered() == 0);

  // An internal NVMe disk, an unknown disk leaving, a HID interface and junk: nothing.
  CHECK_FALSE(
      events.on_interface(UsbAction::add,
                          "\\\\?\\SCSI#Disk&Ven_NVMe&Prod_Samsung_SSD_980#5&2F1C3B&0&000000#{"
                          "53f56307-b6bf-11d0-94f2-00a0c91efb8b}"));
  CHECK_FALSE(events.on_interface(UsbAction::remove, disk_path));
  CHECK_FALSE(events.on_interface(UsbAction::add,
                                  "\\\\?\\HID#VID_046D&PID_C52B&MI_00#7&1B4B2C6C&0&0000#{4d1e55b2-"
                                  "f16f-11cf-88cb-001111000030}"));
  CHECK_FALSE(events.on_interface(UsbAction::add, "garbage"));
  CHECK_FALSE(events.on_interface(UsbAction::add, ""));
}
