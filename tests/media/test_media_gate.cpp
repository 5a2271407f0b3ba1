// The media gate on fake sysfs trees with real images at <root>/dev/<name>: every rule through
// the Linux UsbBus and raw-device opener, a fake DeviceGate recording actions, the event store
// and the "media" section, run_media_scan's output, and the Linux DeviceGate on fixture files.
#include <fstream>
#include <sstream>
#include <vector>

#include <boost/json/parse.hpp>
#include <doctest/doctest.h>

#include "media_test_support.hpp"
#include "shouwei/collectors/media/media_collector.hpp"
#include "shouwei/collectors/media/media_gate.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/platform/linux/media_linux.hpp"
#include "shouwei/platform/linux/media_scan.hpp"
#include "shouwei/platform/linux/usb_bus_linux.hpp"

namespace {

using namespace shouwei;
using namespace shouwei::media_test;
using namespace shouwei::collectors::media;
namespace fs = std::filesystem;
namespace usb = shouwei::collectors::usb;

// A fixture root with one stick; its image (a registered or untagged MBR/exFAT stick) at
// <root>/dev/sdb.
struct Bench {
  TempDir dir;
  fs::path root = dir / "root";
  FakeStick stick;
  FakeDeviceGate gate;
  FixedClock clock{from_unix_seconds(1795249800)};

  explicit Bench(FakeStick s = FakeStick{}) : stick(std::move(s)) {
    if (stick.disk.empty()) stick.disk = "sdb";
    add_fake_stick(root, stick);
    make_image(root / "dev" / stick.disk, Table::mbr, Fs::exfat);
  }

  void tag(const std::string& id, Zone zone, bool read_only = false) {
    register_image(root / "dev" / stick.disk,
                   make_tag(id, zone, read_only, stick.vendor_id, stick.product_id, stick.serial,
                            stick.disk_bytes));
  }

  std::optional<GateOutcome> handle(MediaRules rules = {}, Zone zone = Zone::intranet,
                                    MediaEventStore* store = nullptr) {
    const RootFs fs_root(root);
    auto bus = platform::linux_usb::make_linux_usb_bus(fs_root);
    auto opener = platform::linux_media::make_root_device_opener(fs_root);
    MediaGate media_gate(*opener, gate, clock, {zone, &media_key().public_key(), std::move(rules)},
                         store);
    auto devices = bus->devices();
    REQUIRE(devices.ok());
    std::optional<GateOutcome> last;
    for (const auto& d : *devices) {
      auto outcome = media_gate.handle(d);
      REQUIRE(outcome.ok());
      if (*outcome) last = std::move(**outcome);
    }
    return last;
  }
};

}  // namespace

TEST_CASE("own zone: allowed, nothing done") {
  Bench b;
  b.tag("m-own", Zone::intranet);
  const auto o = b.handle();
  REQUIRE(o);
  CHECK(o->event.decision.action == MediaAction::allow);
  CHECK(o->event.decision.reason == MediaReason::own_zone);
  CHECK(o->event.tag_media_id == "m-own");
  CHECK(o->event.applied);
  CHECK(b.gate.actions.empty());
  CHECK(b.gate.releases == std::vector<std::string>{"sdb allow enforce"});
}

TEST_CASE("own zone, read-only tag: the disk is made read-only") {
  Bench b;
  b.tag("m-ro", Zone::intranet, true);
  const auto o = b.handle();
  REQUIRE(o);
  CHECK(o->event.decision.reason == MediaReason::own_zone_read_only);
  CHECK(b.gate.actions == std::vector<std::string>{"read_only sdb"});
  // Released to the automounter only after the disk was made read-only.
  CHECK(b.gate.releases == std::vector<std::string>{"sdb read_only enforce"});
}

TEST_CASE("other zone: de-authorized, high severity, tag zone recorded") {
  Bench b;
  b.tag("m-net", Zone::internet);
  const auto o = b.handle();
  REQUIRE(o);
  CHECK(o->event.decision.reason == MediaReason::cross_zone);
  CHECK(o->event.decision.severity == Severity::high);
  CHECK(o->event.tag_zone == Zone::internet);
  CHECK(b.gate.actions == std::vector<std::string>{"deauthorize 1-1"});
  CHECK(b.gate.releases.empty());
}

TEST_CASE("a tag copied byte for byte onto a stick with another serial or capacity is a clone") {
  Bench original;
  original.tag("m-orig", Zone::intranet);
  FakeStick other_serial;
  other_serial.serial = "4C530001230517117999";
  FakeStick other_capacity;
  other_capacity.disk_bytes = kImageBytes * 2;
  for (const auto& clone :
       {std::pair{other_serial, "serial"}, std::pair{other_capacity, "capacity"}}) {
    const auto& [stick, field] = clone;
    CAPTURE(clone.second);
    Bench copy(stick);
    fs::copy_file(original.root / "dev/sdb", copy.root / "dev/sdb",
                  fs::copy_options::overwrite_existing);
    const auto o = copy.handle();
    REQUIRE(o);
    CHECK(o->event.decision.reason == MediaReason::tag_cloned);
    CHECK(o->event.decision.detail.find(field) != std::string::npos);
    CHECK(copy.gate.actions == std::vector<std::string>{"deauthorize 1-1"});
  }
}

TEST_CASE("identical serials: each registered stick is recognised by its own tag") {
  // Two sticks of one batch sharing vendor, product, serial and size; each got its own tag.
  FakeStick a;
  a.serial = "AA00000000011083";
  Bench first(a), second(a);
  first.tag("m-batch-1", Zone::intranet);
  second.tag("m-batch-2", Zone::intranet);
  CHECK(first.handle()->event.tag_media_id == "m-batch-1");
  CHECK(second.handle()->event.tag_media_id == "m-batch-2");
  // What the tag cannot prove: a copy of batch-1's tag onto batch-2 passes locally; the server
  // sees media id m-batch-1 in two places (docs/media-tag.md).
  fs::copy_file(first.root / "dev/sdb", second.root / "dev/sdb",
                fs::copy_options::overwrite_existing);
  const auto copied = second.handle();
  CHECK(copied->event.decision.reason == MediaReason::own_zone);
  CHECK(copied->event.tag_media_id == "m-batch-1");
}

TEST_CASE("empty serials: an empty serial is bound as empty, and is not the same as none") {
  FakeStick s;
  s.serial = std::string();
  Bench b(s);
  b.tag("m-empty", Zone::intranet);
  CHECK(b.handle()->event.decision.reason == MediaReason::own_zone);
  fs::remove(b.root / "sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/serial");  // no serial at all
  CHECK(b.handle()->event.decision.reason == MediaReason::tag_cloned);
}

TEST_CASE("a corrupt tag blocks as tamper") {
  Bench b;
  b.tag("m-bad", Zone::intranet);
  run("printf 'Z' | dd of='" + (b.root / "dev/sdb").string() +
      "' bs=1 seek=17600 conv=notrunc status=none");
  const auto o = b.handle();
  REQUIRE(o);
  CHECK(o->event.decision.reason == MediaReason::tag_invalid);
  CHECK(o->event.tag_status == TagStatus::invalid);
  CHECK(b.gate.actions == std::vector<std::string>{"deauthorize 1-1"});
}

TEST_CASE("untagged sticks under each unregistered rule") {
  const std::vector<std::pair<MediaAction, std::vector<std::string>>> cases{
      {MediaAction::allow, {}},
      {MediaAction::read_only, {"read_only sdb"}},
      {MediaAction::block, {"deauthorize 1-1"}},
  };
  for (const auto& rule_case : cases) {
    const auto& [rule, actions] = rule_case;
    CAPTURE(to_string(rule_case.first));
    Bench b;
    MediaRules rules;
    rules.unregistered = rule;
    const auto o = b.handle(rules);
    REQUIRE(o);
    CHECK(o->event.decision.reason == MediaReason::unregistered);
    CHECK(o->event.decision.action == rule);
    CHECK(b.gate.actions == actions);
  }
}

TEST_CASE("an unreadable disk fails closed") {
  Bench b;
  fs::remove(b.root / "dev/sdb");
  const auto o = b.handle();
  REQUIRE(o);
  CHECK(o->event.decision.reason == MediaReason::tag_unreadable);
  CHECK(o->event.decision.action == MediaAction::read_only);
  CHECK(b.gate.actions == std::vector<std::string>{"read_only sdb"});
}

TEST_CASE("a read-only that cannot be applied escalates to de-authorization") {
  Bench b;
  b.gate.fail_read_only = true;
  const auto o = b.handle();
  REQUIRE(o);
  CHECK(o->event.decision.action == MediaAction::block);
  CHECK(o->event.applied);
  CHECK(o->event.apply_error->find("read-only failed, blocking instead") == 0);
  CHECK(b.gate.actions == std::vector<std::string>{"deauthorize 1-1"});
  CHECK(b.gate.releases.empty());
}

TEST_CASE("audit mode decides and records but does not act") {
  Bench b;
  b.tag("m-net", Zone::internet);
  MediaRules rules;
  rules.mode = EnforcementMode::audit;
  const auto o = b.handle(rules);
  REQUIRE(o);
  CHECK(o->event.decision.action == MediaAction::block);
  CHECK(o->event.mode == EnforcementMode::audit);
  CHECK_FALSE(o->event.applied);
  CHECK(b.gate.actions.empty());
  // The stick is usable as if there were no gate: the automounter is told so.
  CHECK(b.gate.releases == std::vector<std::string>{"sdb block audit"});
}

TEST_CASE("keyboards and sticks without a disk are left alone") {
  Bench b;
  FakeStick keyboard;
  keyboard.bus_path = "1-2";
  keyboard.interface_class = 0x03;
  add_fake_stick(b.root, keyboard);
  FakeStick empty_reader;
  empty_reader.bus_path = "1-3";
  add_fake_stick(b.root, empty_reader);
  MediaRules rules;
  rules.unregistered = MediaAction::block;
  b.handle(rules);
  CHECK(b.gate.actions == std::vector<std::string>{"deauthorize 1-1"});
}

TEST_CASE("decisions go to the store and into the media section until acknowledged") {
  TempDir db_dir;
  auto db = sqlite::Database::open(db_dir / "agent.db").value();
  auto store = MediaEventStore::open(db).value();
  Bench b;
  b.tag("m-net", Zone::internet);
  const auto o = b.handle({}, Zone::intranet, &store);
  REQUIRE(o);
  CHECK(o->event.id > 0);
  MediaRules rules;
  auto collector = make_media_collector(store, rules);
  const RootFs root(b.root);
  const collectors::CollectContext ctx{root, b.clock};
  auto section = collector->collect(ctx).value();
  REQUIRE(section["events"].as_array().size() == 1);
  const auto& e = section["events"].as_array()[0].as_object();
  CHECK(e.at("reason").as_string() == "cross_zone");
  CHECK(e.at("tag_zone").as_string() == "internet");
  CHECK(e.at("tag_media_id").as_string() == "m-net");
  CHECK(e.at("vendor_id").as_string() == "0781");
  CHECK(e.at("serial").as_string() == "4C530001230517117103");
  CHECK(e.at("time").as_string() == "2026-11-21T08:30:00Z");
  CHECK(e.at("user").is_null());
  CHECK(section["mode"].as_string() == "enforce");
  CHECK(section["unregistered"].as_string() == "read_only");
  const auto marker = collector->ack_marker();
  REQUIRE(marker);
  b.handle({}, Zone::intranet, &store);  // a second decision after the snapshot was built
  REQUIRE(collector->acknowledge(*marker).ok());
  CHECK(store.pending()->size() == 1);  // only the later one is left
  CHECK_FALSE(collector->acknowledge("x").ok());
}

TEST_CASE("the store is bounded and counts what it drops") {
  TempDir db_dir;
  auto db = sqlite::Database::open(db_dir / "agent.db").value();
  auto store = MediaEventStore::open(db, 2).value();
  MediaEvent e;
  CHECK(store.record(e).value() == 1);
  CHECK(store.record(e).value() == 2);
  CHECK(store.record(e).value() == 0);
  CHECK(store.dropped_count().value() == 1);
  REQUIRE(store.acknowledge_through(2).ok());
  CHECK(store.dropped_count().value() == 0);
  CHECK(store.record(e).value() == 3);  // ids are never reused
}

TEST_CASE("run_media_scan prints one JSON line per USB storage device and acts only with apply") {
  Bench b;
  b.tag("m-net", Zone::internet);
  FakeStick keyboard;
  keyboard.bus_path = "1-2";
  keyboard.interface_class = 0x03;
  add_fake_stick(b.root, keyboard);
  const RootFs root(b.root);
  const fs::path authorized = b.root / "sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/authorized";
  std::ostringstream out;
  CHECK(platform::linux_media::run_media_scan(root, Zone::intranet, &media_key().public_key(),
                                              MediaRules{}, false, out) == kExitOk);
  const std::string text = out.str();
  REQUIRE(std::count(text.begin(), text.end(), '\n') == 1);
  const auto line = boost::json::parse(text).as_object();
  CHECK(line.at("bus_path").as_string() == "1-1");
  CHECK(line.at("tag_found").as_bool());
  CHECK(line.at("tag_zone").as_string() == "internet");
  CHECK(line.at("decision").as_string() == "block");
  CHECK(line.at("reason").as_string() == "cross_zone");
  CHECK_FALSE(line.at("applied").as_bool());
  CHECK(slurp(authorized) == "1\n");

  std::ostringstream applied;
  CHECK(platform::linux_media::run_media_scan(root, Zone::intranet, &media_key().public_key(),
                                              MediaRules{}, true, applied) == kExitOk);
  CHECK(boost::json::parse(applied.str()).as_object().at("applied").as_bool());
  CHECK(slurp(authorized) == "0");  // the Linux gate wrote "0" into the (fixture) sysfs file

  std::ostringstream missing;
  CHECK(platform::linux_media::run_media_scan(RootFs(b.dir / "nothing"), Zone::intranet, nullptr,
                                              MediaRules{}, false, missing) != kExitOk);
  CHECK(missing.str().find("\"error\"") != std::string::npos);
}

TEST_CASE("the Linux gate refuses to fake read-only on a regular file") {
  Bench b;
  const RootFs root(b.root);
  auto gate = platform::linux_media::make_linux_device_gate(root);
  usb::BlockDevice disk;
  disk.name = "sdb";
  const auto r = gate->set_read_only(disk);
  CHECK(r.error().code == Errc::unsupported);
  CHECK(r.error().message.find("not a block device") != std::string::npos);
}

TEST_CASE("the Linux gate releases a disk and its partitions with a synthetic change uevent") {
  Bench b;
  const RootFs root(b.root);
  auto bus = platform::linux_usb::make_linux_usb_bus(root);
  auto devices = bus->devices().value();
  REQUIRE(devices.size() == 1);
  usb::BlockDevice disk = devices[0].block_devices.at(0);
  disk.partitions.push_back(usb::Partition{"sdb1", {}, {}, {}});
  const fs::path disk_dir = b.root / disk.sysfs_path.substr(1);
  fs::create_directories(disk_dir / "sdb1");
  // sysfs `uevent` files exist before anyone writes them; the gate never creates files.
  for (const auto& f : {disk_dir / "uevent", disk_dir / "sdb1/uevent"}) std::ofstream(f) << "";
  auto gate = platform::linux_media::make_linux_device_gate(root);
  REQUIRE(gate->release(disk, MediaAction::read_only, EnforcementMode::enforce).ok());
  for (const auto& f : {disk_dir / "uevent", disk_dir / "sdb1/uevent"}) {
    const std::string text = slurp(f);
    CAPTURE(text);
    // "change" UUID (8-4-4-4-12 hex) then the argument the udev rule looks for.
    CHECK(text.rfind("change ", 0) == 0);
    CHECK(text.size() == 7 + 36 + 1 + std::string("SHOUWEIGATE=readonly").size());
    CHECK(text.substr(7 + 8, 1) == "-");
    CHECK(text.substr(7 + 36) == " SHOUWEIGATE=readonly");
  }
  REQUIRE(gate->release(disk, MediaAction::allow, EnforcementMode::audit).ok());
  CHECK(slurp(disk_dir / "uevent").substr(7 + 36) == " SHOUWEIGATE=audit");
  fs::remove(disk_dir / "uevent");
  CHECK(gate->release(disk, MediaAction::allow, EnforcementMode::enforce).error().code ==
        Errc::not_found);
}
