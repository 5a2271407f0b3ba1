// The Linux UsbBus on the office-pc fixture tree (real attribute values of real devices) and on
// damaged copies of it; file systems probed by libblkid on real FAT32 images.
#include <doctest/doctest.h>

#include "shouwei/platform/linux/usb_bus_linux.hpp"
#include "usb_test_support.hpp"

namespace fs = std::filesystem;
using shouwei::RootFs;
using shouwei::collectors::usb::UsbDevice;
using shouwei::platform::linux_usb::make_linux_usb_bus;
using shouwei::test::write_test_file;
using shouwei::usb_test::copy_office_pc;
using shouwei::usb_test::make_fat32_image;
using shouwei::usb_test::TempDir;

namespace {

const std::string kPci = "/sys/devices/pci0000:00/0000:00:14.0";

const UsbDevice& find(const std::vector<UsbDevice>& devices, const std::string& bus_path) {
  for (const auto& d : devices) {
    if (d.bus_path == bus_path) return d;
  }
  FAIL("no device " << bus_path);
  throw 0;  // unreachable: FAIL throws
}

std::vector<UsbDevice> list(const fs::path& root_dir) {
  const RootFs root(root_dir);
  auto bus = make_linux_usb_bus(root);
  auto devices = bus->devices();
  REQUIRE_MESSAGE(devices.ok(), devices.error().message);
  return std::move(devices).value();
}

}  // namespace

TEST_CASE("every USB device of the fixture is listed, interfaces excluded, sorted by bus path") {
  const auto devices = list(fs::path(SHOUWEI_FIXTURES) / "usb" / "office-pc");
  std::vector<std::string> names;
  for (const auto& d : devices) names.push_back(d.bus_path);
  CHECK(names == std::vector<std::string>{"1-1", "1-2", "1-3", "1-4", "1-5", "1-5.1", "1-6", "1-7",
                                          "usb1", "usb2"});
}

TEST_CASE("the SanDisk stick: identity as reported, mass storage, disk and partition mapped") {
  const auto devices = list(fs::path(SHOUWEI_FIXTURES) / "usb" / "office-pc");
  const auto& stick = find(devices, "1-1");
  CHECK(stick.sysfs_path == kPci + "/usb1/1-1");
  CHECK(devpath_of(stick) == "/devices/pci0000:00/0000:00:14.0/usb1/1-1");
  CHECK(stick.identity.vendor_id == 0x0781);
  CHECK(stick.identity.product_id == 0x5567);
  CHECK(stick.identity.manufacturer == " SanDisk");  // leading space kept, as the device sends it
  CHECK(stick.identity.product == " Cruzer Blade");
  CHECK(stick.identity.serial == "4C530001230518115340");
  CHECK(stick.device_class == 0);
  CHECK(stick.speed_mbps == 480.0);
  CHECK(stick.authorized == true);
  CHECK(stick.busnum == 1u);
  CHECK(stick.devnum == 2u);
  REQUIRE(stick.interfaces.size() == 1);
  CHECK(stick.interfaces[0].name == "1-1:1.0");
  CHECK(stick.interfaces[0].interface_class == 0x08);
  CHECK(stick.interfaces[0].interface_subclass == 0x06);
  CHECK(stick.interfaces[0].interface_protocol == 0x50);
  CHECK(stick.interfaces[0].driver == "usb-storage");
  CHECK(stick.interfaces[0].description == std::nullopt);
  CHECK(stick.is_mass_storage());
  REQUIRE(stick.block_devices.size() == 1);
  const auto& sdb = stick.block_devices[0];
  CHECK(sdb.name == "sdb");
  CHECK(sdb.sysfs_path == kPci + "/usb1/1-1/1-1:1.0/host0/target0:0:0/0:0:0:0/block/sdb");
  CHECK(sdb.size_bytes == 15633408ull * 512);
  CHECK(sdb.removable == true);
  CHECK(sdb.read_only == false);
  REQUIRE(sdb.partitions.size() == 1);
  CHECK(sdb.partitions[0].name == "sdb1");
  CHECK(sdb.partitions[0].start_bytes == 2048ull * 512);
  CHECK(sdb.partitions[0].size_bytes == 15631360ull * 512);
  // No /dev under the fixture root: the medium cannot be read, so nothing is claimed about it.
  CHECK(sdb.partitions[0].file_system.type == std::nullopt);
  CHECK(sdb.partitions[0].file_system.uuid == std::nullopt);
}

TEST_CASE("keyboard, MTP phone, 4G modem and hub are told apart by their interfaces") {
  const auto devices = list(fs::path(SHOUWEI_FIXTURES) / "usb" / "office-pc");
  const auto& kbd = find(devices, "1-2");
  CHECK(kbd.identity.manufacturer == std::nullopt);  // the device has no such string
  CHECK(kbd.identity.serial == std::nullopt);
  CHECK(kbd.speed_mbps == 1.5);
  REQUIRE(kbd.interfaces.size() == 2);
  CHECK(kbd.interfaces[0].interface_class == 0x03);
  CHECK(kbd.interfaces[0].interface_subclass == 0x01);
  CHECK(kbd.interfaces[0].interface_protocol == 0x01);
  CHECK_FALSE(kbd.is_mass_storage());

  const auto& phone = find(devices, "1-3");
  REQUIRE(phone.interfaces.size() == 1);
  CHECK(phone.interfaces[0].interface_class == 0x06);
  CHECK(phone.interfaces[0].description == "MTP");
  CHECK(phone.interfaces[0].driver == std::nullopt);
  CHECK_FALSE(phone.is_mass_storage());

  const auto& modem = find(devices, "1-4");
  CHECK(modem.identity.vendor_id == 0x12d1);
  REQUIRE(modem.interfaces.size() == 3);
  CHECK(modem.interfaces[0].driver == "cdc_ether");
  CHECK(modem.interfaces[2].interface_class == 0x08);
  CHECK(modem.is_mass_storage());      // its microSD slot
  CHECK(modem.block_devices.empty());  // no card: no disk, which is reported as such

  const auto& root_hub = find(devices, "usb1");
  CHECK(root_hub.device_class == 0x09);
  REQUIRE(root_hub.interfaces.size() == 1);
  CHECK(root_hub.interfaces[0].name == "1-0:1.0");
  CHECK(find(devices, "usb2").speed_mbps == 5000.0);
}

TEST_CASE("empty and duplicated serials are kept exactly as reported") {
  const auto devices = list(fs::path(SHOUWEI_FIXTURES) / "usb" / "office-pc");
  const auto& alcor = find(devices, "1-5.1");
  CHECK(alcor.identity.serial == std::string());  // present but empty: not null, not invented
  CHECK(alcor.sysfs_path == kPci + "/usb1/1-5/1-5.1");
  CHECK(find(devices, "1-6").identity.serial == "AA00000000011083");
  CHECK(find(devices, "1-7").identity.serial == "AA00000000011083");
  // The disk behind the hub belongs to the stick, not to the hub.
  REQUIRE(alcor.block_devices.size() == 1);
  CHECK(alcor.block_devices[0].name == "sdc");
  CHECK(find(devices, "1-5").block_devices.empty());
  // Non-USB disks (virtio, loop) are attached to nothing.
  for (const auto& d : devices) {
    for (const auto& b : d.block_devices)
      CHECK((b.name == "sdb" || b.name == "sdc" || b.name == "sdd"));
  }
}

TEST_CASE("libblkid reads a real FAT32 partition through the disk image at <root>/dev") {
  TempDir tmp;
  const auto root = copy_office_pc(tmp);
  make_fat32_image(root / "dev" / "sdb", 15633408, 2048, "SHOUWEI", "1234abcd");
  make_fat32_image(root / "dev" / "sdc", 7864320, 0, "SUPERFLOPPY", "0badcafe");
  const auto devices = list(root);

  const auto& sdb = find(devices, "1-1").block_devices.at(0);
  REQUIRE(sdb.partitions.size() == 1);
  CHECK(sdb.partitions[0].file_system.type == "vfat");
  CHECK(sdb.partitions[0].file_system.label == "SHOUWEI");
  CHECK(sdb.partitions[0].file_system.uuid == "1234-ABCD");
  CHECK(sdb.file_system.type == std::nullopt);  // a partition table is not a file system

  const auto& sdc = find(devices, "1-5.1").block_devices.at(0);
  CHECK(sdc.partitions.empty());
  CHECK(sdc.file_system.type == "vfat");
  CHECK(sdc.file_system.label == "SUPERFLOPPY");
  CHECK(sdc.file_system.uuid == "0BAD-CAFE");
}

TEST_CASE("a partition node of its own is probed directly; garbage media give nulls") {
  TempDir tmp;
  const auto root = copy_office_pc(tmp);
  make_fat32_image(root / "dev" / "sdb1", 15631360, 0, "OWNNODE", "00c0ffee");
  write_test_file(root / "dev" / "sdc", std::string(1 << 20, '\xff'));  // not a file system
  fs::create_directories(root / "dev" / "sdd");                         // not even a file
  const auto devices = list(root);
  CHECK(find(devices, "1-1").block_devices.at(0).partitions.at(0).file_system.label == "OWNNODE");
  CHECK(find(devices, "1-5.1").block_devices.at(0).file_system.type == std::nullopt);
  CHECK(find(devices, "1-6").block_devices.at(0).partitions.at(0).file_system.type == std::nullopt);
}

TEST_CASE("garbage, missing and unreadable attributes become null; the device stays listed") {
  TempDir tmp;
  const auto root = copy_office_pc(tmp);
  const fs::path stick = root / "sys/devices/pci0000:00/0000:00:14.0/usb1/1-1";
  write_test_file(stick / "idVendor", "zzzz\n");
  write_test_file(stick / "idProduct", "123456\n");  // does not fit 16 bits
  write_test_file(stick / "speed", "fast\n");
  write_test_file(stick / "authorized", "2\n");
  write_test_file(stick / "manufacturer", std::string(5000, 'A'));  // more than sysfs can serve
  fs::remove(stick / "product");
  fs::remove(stick / "serial");
  fs::create_directory(stick / "serial");  // unreadable as a file
  write_test_file(stick / "busnum", "-1\n");
  write_test_file(stick / "1-1:1.0/bInterfaceClass", "\n");
  write_test_file(stick / "1-1:1.0/host0/target0:0:0/0:0:0:0/block/sdb/size", "lots\n");
  write_test_file(stick / "1-1:1.0/host0/target0:0:0/0:0:0:0/block/sdb/removable", "");

  const auto devices = list(root);
  const auto& d = find(devices, "1-1");
  CHECK(d.identity.vendor_id == std::nullopt);
  CHECK(d.identity.product_id == std::nullopt);
  CHECK(d.identity.manufacturer == std::nullopt);
  CHECK(d.identity.product == std::nullopt);
  CHECK(d.identity.serial == std::nullopt);
  CHECK(d.speed_mbps == std::nullopt);
  CHECK(d.authorized == std::nullopt);
  CHECK(d.busnum == std::nullopt);
  CHECK(d.devnum == 2u);  // the rest of the device is still read
  REQUIRE(d.interfaces.size() == 1);
  CHECK(d.interfaces[0].interface_class == std::nullopt);
  CHECK_FALSE(d.is_mass_storage());  // unknown class: not claimed to be storage
  CHECK(d.block_devices.empty());
  CHECK(devices.size() == 10);
}

TEST_CASE("a missing USB core is an empty bus, a root without sysfs an error") {
  TempDir tmp;
  fs::create_directories(tmp.path() / "container/sys/bus/pci");
  CHECK(list(tmp.path() / "container").empty());

  fs::create_directories(tmp.path() / "empty");
  const RootFs empty(tmp.path() / "empty");
  auto result = make_linux_usb_bus(empty)->devices();
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == shouwei::Errc::not_found);
  CHECK(result.error().message.find("sys/bus/usb/devices") != std::string::npos);
}

TEST_CASE("an unlistable bus directory fails naming it") {
  TempDir tmp;
  const auto root = copy_office_pc(tmp);
  const fs::path devices_dir = root / "sys/bus/usb/devices";
  fs::remove_all(devices_dir);
  write_test_file(devices_dir, "not a directory");
  const RootFs fixture(root);
  auto result = make_linux_usb_bus(fixture)->devices();
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message.find("sys/bus/usb/devices") != std::string::npos);
}

TEST_CASE("device_at finds USB devices by devpath and refuses everything else") {
  const RootFs root(fs::path(SHOUWEI_FIXTURES) / "usb" / "office-pc");
  auto bus = make_linux_usb_bus(root);
  auto stick = bus->device_at("/devices/pci0000:00/0000:00:14.0/usb1/1-5/1-5.1");
  REQUIRE(stick.ok());
  CHECK(stick->identity.product == "Mass Storage");
  REQUIRE(stick->block_devices.size() == 1);  // the gate gets the disks with the device
  CHECK(stick->block_devices[0].name == "sdc");

  for (const char* not_a_device :
       {"/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0",  // an interface
        "/devices/pci0000:00/0000:00:14.0",                   // the controller
        "/devices/pci0000:00/0000:00:14.0/usb1/1-9",          // nothing there
        "/devices/virtual/block/loop0", "/../../etc"}) {
    auto r = bus->device_at(not_a_device);
    CHECK_MESSAGE(!r.ok(), not_a_device);
    if (!r.ok()) CHECK(r.error().code == shouwei::Errc::not_found);
  }
  CHECK(bus->device_at("relative/1-1").error().code == shouwei::Errc::invalid_argument);
}
