// The "usb" section from an in-memory fake bus and a real event store: its JSON shape, nulls
// for unknown facts, valid UTF-8 whatever the device sent, and errors when a source fails.
#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

#include "shouwei/collectors/usb/usb_collector.hpp"
#include "shouwei/common/canonical_json.hpp"
#include "usb_test_support.hpp"

namespace json = boost::json;
using namespace shouwei::collectors::usb;
using shouwei::Errc;

namespace {

class FakeUsbBus final : public UsbBus {
 public:
  shouwei::Result<std::vector<UsbDevice>> devices() override {
    if (failure) return shouwei::fail(*failure);
    return list;
  }
  shouwei::Result<UsbDevice> device_at(std::string_view) override {
    return shouwei::fail(Errc::not_found, "fake");
  }
  std::vector<UsbDevice> list;
  std::optional<shouwei::Error> failure;
};

UsbDevice stick() {
  UsbDevice d;
  d.bus_path = "1-1";
  d.sysfs_path = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1";
  d.identity = {0x0781, 0x5567, " SanDisk", " Cruzer Blade", ""};
  d.device_class = 0;
  d.speed_mbps = 480;
  d.authorized = true;
  d.busnum = 1;
  d.interfaces.push_back({"1-1:1.0", 0x08, 0x06, 0x50, std::nullopt, "usb-storage"});
  BlockDevice sdb;
  sdb.name = "sdb";
  sdb.size_bytes = 8004304896;
  sdb.removable = true;
  sdb.partitions.push_back({"sdb1", 1048576, 8003256320, {"vfat", "SHOUWEI", "1234-ABCD"}});
  d.block_devices.push_back(sdb);
  return d;
}

struct Rig {
  shouwei::usb_test::TempDir dir;
  shouwei::sqlite::Database db = shouwei::sqlite::Database::open(dir.path() / "agent.db").value();
  UsbEventStore store = UsbEventStore::open(db).value();
  FakeUsbBus bus;
  shouwei::RootFs root{dir.path()};
  shouwei::FixedClock clock{shouwei::from_unix_seconds(0)};

  shouwei::Result<json::object> collect() {
    auto collector = make_usb_collector(bus, store);
    CHECK(collector->section() == "usb");
    return collector->collect({root, clock});
  }
};

}  // namespace

TEST_CASE("devices render with hex ids, typed facts and nulls for the unknown") {
  Rig rig;
  rig.bus.list.push_back(stick());
  auto section = rig.collect();
  REQUIRE(section.ok());
  const auto& d = section->at("devices").as_array().at(0).as_object();
  CHECK(d.at("vendor_id") == "0781");
  CHECK(d.at("product_id") == "5567");
  CHECK(d.at("manufacturer") == " SanDisk");
  CHECK(d.at("serial") == "");
  CHECK(d.at("device_class") == "00");
  CHECK(d.at("device_protocol").is_null());
  CHECK(d.at("speed_mbps").to_number<double>() == 480.0);
  CHECK(d.at("authorized") == true);
  CHECK(d.at("devnum").is_null());
  CHECK(d.at("mass_storage") == true);
  const auto& i = d.at("interfaces").as_array().at(0).as_object();
  CHECK(i.at("class") == "08");
  CHECK(i.at("subclass") == "06");
  CHECK(i.at("protocol") == "50");
  CHECK(i.at("description").is_null());
  const auto& b = d.at("block_devices").as_array().at(0).as_object();
  CHECK(b.at("size_bytes").to_number<std::uint64_t>() == 8004304896u);
  CHECK(b.at("read_only").is_null());
  CHECK(b.at("fs_type").is_null());
  const auto& p = b.at("partitions").as_array().at(0).as_object();
  CHECK(p.at("fs_type") == "vfat");
  CHECK(p.at("uuid") == "1234-ABCD");
  CHECK(section->at("events").as_array().empty());
  CHECK(section->at("events_dropped") == 0);
}

TEST_CASE("pending events are in the section until acknowledged") {
  Rig rig;
  UsbEvent e;
  e.time = shouwei::from_unix_seconds(1'763'700'000);
  e.action = UsbAction::remove;
  e.devpath = "/devices/pci0000:00/0000:00:14.0/usb1/1-1";
  e.bus_path = "1-1";
  e.identity.vendor_id = 0x0781;
  const auto id = rig.store.record(e).value();
  auto section = rig.collect();
  REQUIRE(section.ok());
  const auto& events = section->at("events").as_array();
  REQUIRE(events.size() == 1);
  const auto& got = events[0].as_object();
  CHECK(got.at("id") == id);
  CHECK(got.at("time") == "2025-11-21T04:40:00Z");
  CHECK(got.at("action") == "remove");
  CHECK(got.at("kind") == "usb_device");
  CHECK(got.at("vendor_id") == "0781");
  CHECK(got.at("product_id").is_null());
  CHECK(got.at("block_name").is_null());

  REQUIRE(rig.store.acknowledge_through(got.at("id").as_int64()).ok());
  CHECK(rig.collect()->at("events").as_array().empty());
}

TEST_CASE("bytes that are not UTF-8 cannot make the section unsignable") {
  Rig rig;
  UsbDevice d = stick();
  d.identity.manufacturer = std::string("Bad\xff\xc0\xaf", 6);        // stray and overlong
  d.identity.product = std::string("\xe5\xae\x88\xe5\x8d\xab U", 8);  // valid: 守卫
  d.identity.serial =
      std::string("\xed\xa0\x80\xf4\x90\x80\x80\xe5", 8);  // surrogate, >U+10FFFF, cut
  rig.bus.list.push_back(d);
  auto section = rig.collect();
  REQUIRE(section.ok());
  const auto& got = section->at("devices").as_array().at(0).as_object();
  CHECK(got.at("manufacturer") == "Bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  CHECK(got.at("product") == "\xe5\xae\x88\xe5\x8d\xab U");
  auto canonical = shouwei::json::canonicalize(json::value(*section));
  CHECK_MESSAGE(canonical.ok(), (canonical.ok() ? "" : canonical.error().message));
}

TEST_CASE("a failing bus fails the section") {
  Rig rig;
  rig.bus.failure = shouwei::Error{Errc::permission_denied, "/sys/bus/usb/devices: cannot list"};
  auto section = rig.collect();
  REQUIRE_FALSE(section.ok());
  CHECK(section.error().message == "/sys/bus/usb/devices: cannot list");
}
