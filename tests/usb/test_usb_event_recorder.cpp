// The uevent -> stored UsbEvent glue, fed with the recorded kernel streams of plugging and
// pulling the SanDisk stick, against the Linux bus on a copy of the office-pc tree that is
// changed the way sysfs changes (the device directory disappears before "remove" is read).
#include <doctest/doctest.h>

#include "shouwei/collectors/usb/usb_event_recorder.hpp"
#include "shouwei/platform/linux/usb_bus_linux.hpp"
#include "usb_test_support.hpp"

using namespace std::string_literals;
namespace fs = std::filesystem;
using namespace shouwei::collectors::usb;
using shouwei::FixedClock;
using shouwei::RootFs;
using shouwei::usb_test::TempDir;

namespace {

const std::string kStick = "/devices/pci0000:00/0000:00:14.0/usb1/1-1";

struct Rig {
  TempDir dir;
  fs::path root_dir = shouwei::usb_test::copy_office_pc(dir);
  RootFs root{root_dir};
  std::unique_ptr<UsbBus> bus = shouwei::platform::linux_usb::make_linux_usb_bus(root);
  shouwei::sqlite::Database db = shouwei::sqlite::Database::open(dir.path() / "agent.db").value();
  UsbEventStore store = UsbEventStore::open(db).value();
  FixedClock clock{shouwei::from_unix_seconds(1'763'700'000)};
  UsbEventRecorder recorder{*bus, store, clock};

  std::vector<UsbEvent> feed(const std::vector<std::string>& datagrams) {
    std::vector<UsbEvent> recorded;
    for (const auto& d : datagrams) {
      auto uevent = parse_uevent(d);
      REQUIRE(uevent.ok());
      auto event = recorder.handle(*uevent);
      REQUIRE_MESSAGE(event.ok(), event.error().message);
      if (event->has_value()) recorded.push_back(**event);
    }
    return recorded;
  }
};

}  // namespace

TEST_CASE("plugging and pulling a stick records its device, disk and partition with identity") {
  Rig rig;
  const auto plugged = rig.feed(shouwei::usb_test::uevent_stream("plug-sandisk"));
  REQUIRE(plugged.size() == 4);  // interfaces, SCSI nodes and bind events are not USB events
  CHECK(plugged[0].action == UsbAction::add);
  CHECK(plugged[0].kind == UsbEventKind::usb_device);
  CHECK(plugged[0].devpath == kStick);
  CHECK(plugged[0].bus_path == "1-1");
  CHECK(plugged[0].identity.serial == "4C530001230518115340");
  CHECK(plugged[0].identity.product == " Cruzer Blade");
  CHECK(plugged[0].seqnum == 4120u);
  CHECK(plugged[0].time == rig.clock.now());
  CHECK(plugged[1].kind == UsbEventKind::disk);
  CHECK(plugged[1].block_name == "sdb");
  CHECK(plugged[1].identity.serial == "4C530001230518115340");
  CHECK(plugged[2].kind == UsbEventKind::partition);
  CHECK(plugged[2].block_name == "sdb1");
  CHECK(plugged[3].action == UsbAction::change);

  // The kernel removes the sysfs directories before user space reads the remove events.
  fs::remove_all(rig.root_dir / ("sys" + kStick));
  fs::remove(rig.root_dir / "sys/block/sdb");
  fs::remove(rig.root_dir / "sys/bus/usb/devices/1-1");

  const auto pulled = rig.feed(shouwei::usb_test::uevent_stream("unplug-sandisk"));
  REQUIRE(pulled.size() == 3);
  CHECK(pulled[0].kind == UsbEventKind::partition);
  CHECK(pulled[0].action == UsbAction::remove);
  CHECK(pulled[1].kind == UsbEventKind::disk);
  CHECK(pulled[2].kind == UsbEventKind::usb_device);
  for (const auto& e : pulled) {
    CHECK(e.bus_path == "1-1");
    CHECK(e.identity.serial == "4C530001230518115340");  // from the cache: sysfs is gone
    CHECK(e.identity.vendor_id == 0x0781);
  }

  CHECK(rig.recorder.cached() == 0);  // the identity is forgotten once the device is gone

  auto stored = rig.store.pending();
  REQUIRE(stored.ok());
  REQUIRE(stored->size() == 7);
  CHECK(stored->front().id == plugged[0].id);
  CHECK(stored->back().id == pulled[2].id);
  CHECK(stored->back().identity.manufacturer == " SanDisk");
}

TEST_CASE("a device present at start and primed keeps its identity when pulled") {
  Rig rig;
  rig.recorder.prime(rig.bus->devices().value());
  fs::remove_all(rig.root_dir / "sys/devices/pci0000:00/0000:00:14.0/usb1/1-5/1-5.1");
  const auto events =
      rig.feed({"remove@/devices/pci0000:00/0000:00:14.0/usb1/1-5/1-5.1\0"
                "ACTION=remove\0DEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-5/1-5.1\0"
                "SUBSYSTEM=usb\0DEVTYPE=usb_device\0PRODUCT=58f/6387/103\0SEQNUM=77\0"s});
  REQUIRE(events.size() == 1);
  CHECK(events[0].bus_path == "1-5.1");
  CHECK(events[0].identity.serial == std::string());  // empty serial, still not null
  CHECK(events[0].identity.product == "Mass Storage");
}

TEST_CASE("when sysfs cannot tell, vendor and product come from the PRODUCT property") {
  Rig rig;
  const auto events =
      rig.feed({"add@/devices/pci0000:00/0000:00:14.0/usb1/1-9\0ACTION=add\0"
                "DEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-9\0SUBSYSTEM=usb\0"
                "DEVTYPE=usb_device\0PRODUCT=951/1666/110\0SEQNUM=5\0"s});
  REQUIRE(events.size() == 1);
  CHECK(events[0].bus_path == "1-9");
  CHECK(events[0].identity.vendor_id == 0x0951);
  CHECK(events[0].identity.product_id == 0x1666);
  CHECK(events[0].identity.serial == std::nullopt);  // unknown, not guessed
}

TEST_CASE("other subsystems, non-USB disks and other actions are not recorded") {
  Rig rig;
  const auto events = rig.feed({
      "change@/devices/virtual/net/lo\0ACTION=change\0DEVPATH=/devices/virtual/net/lo\0"
      "SUBSYSTEM=net\0INTERFACE=lo\0SEQNUM=821\0"s,
      "add@/devices/virtual/block/loop0\0ACTION=add\0DEVPATH=/devices/virtual/block/loop0\0"
      "SUBSYSTEM=block\0DEVNAME=loop0\0DEVTYPE=disk\0"s,
      "add@/devices/pci0000:00/0000:00:04.0/virtio1/block/vda\0ACTION=add\0"
      "DEVPATH=/devices/pci0000:00/0000:00:04.0/virtio1/block/vda\0SUBSYSTEM=block\0"
      "DEVNAME=vda\0DEVTYPE=disk\0"s,
      "bind@/devices/pci0000:00/0000:00:14.0/usb1/1-2\0ACTION=bind\0"
      "DEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-2\0SUBSYSTEM=usb\0DEVTYPE=usb_device\0"
      "DRIVER=usb\0"s,
      "add@/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0\0ACTION=add\0"
      "DEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0\0SUBSYSTEM=usb\0"
      "DEVTYPE=usb_interface\0INTERFACE=3/1/1\0"s,
  });
  CHECK(events.empty());
  CHECK(rig.store.pending()->empty());
}

TEST_CASE("PRODUCT parsing refuses what is not three hex fields") {
  auto identity = [](const std::string& product) {
    Uevent u;
    u.properties.emplace_back("PRODUCT", product);
    return identity_from_product_property(u);
  };
  CHECK(identity("781/5567/100").vendor_id == 0x0781);
  CHECK(identity("781/5567").vendor_id == std::nullopt);
  CHECK(identity("zz/5567/100").vendor_id == std::nullopt);
  CHECK(identity("10000/5567/100").vendor_id == std::nullopt);
  CHECK(identity("781/5567/100").product_id == 0x5567);
  CHECK(identity("781//100").product_id == std::nullopt);
}
