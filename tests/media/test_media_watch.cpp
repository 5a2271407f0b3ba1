// The agent's live media gate (agent/media_watch.hpp) on fake sysfs trees with real images:
// decisions at start and on uevents, once per device, never for a stick the agent blocked
// before (restart), stricter policies re-deciding present sticks, the policy -> rules mapping,
// and the threaded MediaWatch with a fake event source (no timing: the test waits on wake).
#include <condition_variable>
#include <fstream>
#include <mutex>

#include <boost/asio/post.hpp>
#include <doctest/doctest.h>

#include "media_test_support.hpp"
#include "shouwei/agent/media_watch.hpp"
#include "shouwei/collectors/media/policy_rules.hpp"
#include "shouwei/platform/linux/media_linux.hpp"
#include "shouwei/platform/linux/usb_bus_linux.hpp"

namespace {

using namespace shouwei;
using namespace shouwei::media_test;
using namespace shouwei::collectors::media;
using shouwei::agent::MediaWatch;
using shouwei::agent::MediaWatchCore;
namespace fs = std::filesystem;
namespace usb = shouwei::collectors::usb;

const std::string kDevice = "/devices/pci0000:00/0000:00:14.0/usb1/1-1";
const std::string kDisk = kDevice + "/1-1:1.0/host0/target0:0:0/0:0:0:0/block/sdb";

usb::Uevent uevent(std::string action, std::string devpath, std::string subsystem,
                   std::string devtype) {
  usb::Uevent u;
  u.action = std::move(action);
  u.devpath = std::move(devpath);
  u.properties = {{"ACTION", u.action},
                  {"DEVPATH", u.devpath},
                  {"SUBSYSTEM", std::move(subsystem)},
                  {"DEVTYPE", std::move(devtype)}};
  return u;
}

// Records nothing by itself: the test calls deliver() on the watch's io_context.
class FakeEventSource final : public DeviceEventSource {
 public:
  Result<void> start(boost::asio::io_context& io, EventHandler on_event, ErrorHandler) override {
    io_ = &io;
    on_event_ = std::move(on_event);
    return {};
  }
  void stop() override { on_event_ = nullptr; }
  void deliver(usb::Uevent u) {
    boost::asio::post(*io_, [this, u = std::move(u)] {
      if (on_event_) on_event_(u);
    });
  }

 private:
  boost::asio::io_context* io_ = nullptr;
  EventHandler on_event_;
};

// A fixture root with one untagged MBR/exFAT stick 1-1 (disk sdb), the Linux bus and opener
// over it, a recording gate, and a state database.
struct Rig {
  TempDir dir;
  fs::path root_dir = dir / "root";
  RootFs root{root_dir};
  FixedClock clock{from_unix_seconds(1795249800)};
  sqlite::Database db = sqlite::Database::open(dir / "state.db").value();
  MediaEventStore media = MediaEventStore::open(db).value();
  usb::UsbEventStore usb_events = usb::UsbEventStore::open(db).value();
  FakeDeviceGate* gate = nullptr;
  MediaPorts ports;

  Rig() {
    FakeStick stick;
    stick.disk = "sdb";
    add_fake_stick(root_dir, stick);
    make_image(root_dir / "dev/sdb", Table::mbr, Fs::exfat);
    ports.bus = platform::linux_usb::make_linux_usb_bus(root);
    ports.opener = platform::linux_media::make_root_device_opener(root);
    auto g = std::make_unique<FakeDeviceGate>();
    gate = g.get();
    ports.gate = std::move(g);
  }
  MediaWatchCore core(MediaRules rules = {}) {
    return MediaWatchCore(ports, media, usb_events, clock,
                          GateSettings{Zone::intranet, &media_key().public_key(), rules});
  }
};

}  // namespace

TEST_CASE("the USB device a block device belongs to, from its devpath") {
  using shouwei::agent::usb_device_devpath_of;
  CHECK(usb_device_devpath_of(kDisk) == kDevice);
  CHECK(usb_device_devpath_of(kDisk + "/sdb1") == kDevice);
  // Behind a hub: the stick, not the hub.
  CHECK(usb_device_devpath_of("/devices/pci0000:00/0000:00:14.0/usb3/3-1/3-1.4/3-1.4:1.0/host2/"
                              "target2:0:0/2:0:0:0/block/sdc") ==
        "/devices/pci0000:00/0000:00:14.0/usb3/3-1/3-1.4");
  CHECK(usb_device_devpath_of("/devices/virtual/block/loop0").empty());
  CHECK(usb_device_devpath_of("/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/"
                              "block/sda")
            .empty());
  CHECK(usb_device_devpath_of("/devices/pci0000:00/0000:00:04.0/virtio1/block/vda").empty());
  CHECK(usb_device_devpath_of("").empty());
}

TEST_CASE("policy media rules map one to one onto the gate's rules") {
  policy::MediaRules p;
  auto r = media_rules_from_policy(p);  // the policy's safe defaults
  CHECK(r.mode == EnforcementMode::enforce);
  CHECK(r.unregistered == MediaAction::read_only);
  CHECK(r.cross_zone == MediaAction::block);
  CHECK(r.allow_list.empty());
  p.mode = policy::MediaMode::audit;
  p.unregistered = policy::UnregisteredMedia::block;
  p.allow_list = {"m-transfer"};
  r = media_rules_from_policy(p);
  CHECK(r.mode == EnforcementMode::audit);
  CHECK(r.unregistered == MediaAction::block);
  CHECK(r.allow_list == std::vector<std::string>{"m-transfer"});
  p.unregistered = policy::UnregisteredMedia::allow;
  CHECK(media_rules_from_policy(p).unregistered == MediaAction::allow);
}

TEST_CASE("start: each stick present is decided once; its disk's add uevent adds nothing") {
  Rig rig;
  auto core = rig.core();
  auto first = core.scan();
  REQUIRE(first.decisions.size() == 1);
  CHECK(first.recorded);
  CHECK(first.decisions[0].decision.reason == MediaReason::unregistered);
  CHECK(rig.gate->actions == std::vector<std::string>{"read_only sdb"});
  CHECK(rig.gate->releases == std::vector<std::string>{"sdb read_only enforce"});
  CHECK(core.scan().decisions.empty());
  CHECK(core.on_uevent(uevent("add", kDisk, "block", "disk")).decisions.empty());
  CHECK(rig.media.pending()->size() == 1);
}

TEST_CASE("a disk appearing under a USB device is decided at once, and again after a replug") {
  Rig rig;
  auto core = rig.core();
  const auto added = core.on_uevent(uevent("add", kDisk, "block", "disk"));
  REQUIRE(added.decisions.size() == 1);
  CHECK(added.decisions[0].disk == "sdb");
  CHECK(added.decisions[0].bus_path == "1-1");
  // Its partition's event, a repeated disk event: nothing more.
  CHECK(core.on_uevent(uevent("add", kDisk + "/sdb1", "block", "partition")).decisions.empty());
  CHECK(core.on_uevent(uevent("add", kDisk, "block", "disk")).decisions.empty());
  // Unplugged and plugged again (the same fixture plays the new stick): a new decision.
  core.on_uevent(uevent("remove", kDisk, "block", "disk"));
  core.on_uevent(uevent("remove", kDevice, "usb", "usb_device"));
  CHECK(core.on_uevent(uevent("add", kDisk, "block", "disk")).decisions.size() == 1);
  // A card put into a reader: the disk's change with DISK_MEDIA_CHANGE=1.
  auto change = uevent("change", kDisk, "block", "disk");
  change.properties.emplace_back("DISK_MEDIA_CHANGE", "1");
  CHECK(core.on_uevent(change).decisions.size() == 1);
  CHECK(rig.gate->actions.size() == 3);
  // The usb events were recorded alongside (disk adds/removes and the device removal).
  CHECK(rig.usb_events.pending()->size() >= 4);
  // Disks outside USB are not the gate's business.
  CHECK(core.on_uevent(uevent("add", "/devices/virtual/block/loop0", "block", "disk"))
            .decisions.empty());
}

TEST_CASE("a stick the agent blocked stays blocked across a restart") {
  Rig rig;
  {
    // First run: the policy blocks unregistered sticks.
    MediaRules rules;
    rules.unregistered = MediaAction::block;
    auto core = rig.core(rules);
    REQUIRE(core.scan().decisions.size() == 1);
    CHECK(rig.gate->actions == std::vector<std::string>{"deauthorize 1-1"});
  }
  // What the kernel does on "0" into authorized: the configuration and its interfaces go.
  const fs::path device_dir = rig.root_dir / ("sys" + kDevice);
  std::ofstream(device_dir / "authorized") << "0\n";
  fs::remove_all(device_dir / "1-1:1.0");
  fs::remove(rig.root_dir / "sys/block/sdb");
  // Restart, even with the looser default rules: nothing is decided, nothing written.
  rig.gate->actions.clear();
  auto restarted = rig.core();
  CHECK(restarted.scan().decisions.empty());
  CHECK(rig.gate->actions.empty());
  CHECK(rig.gate->releases.empty());
  CHECK(slurp(device_dir / "authorized") == "0\n");
}

TEST_CASE("a stricter policy re-decides the sticks present; a looser one waits for the next plug") {
  Rig rig;
  auto core = rig.core();
  REQUIRE(core.scan().decisions.size() == 1);  // read-only under the defaults
  MediaRules looser;
  looser.unregistered = MediaAction::allow;
  CHECK(core.set_rules(looser).decisions.empty());
  MediaRules audit;
  audit.mode = EnforcementMode::audit;
  audit.unregistered = MediaAction::block;
  CHECK(core.set_rules(audit).decisions.empty());  // audit never acts
  MediaRules stricter;
  stricter.unregistered = MediaAction::block;
  const auto out = core.set_rules(stricter);
  REQUIRE(out.decisions.size() == 1);
  CHECK(out.recorded);
  CHECK(out.decisions[0].decision.action == MediaAction::block);
  CHECK(rig.gate->actions == std::vector<std::string>{"read_only sdb", "deauthorize 1-1"});
  CHECK(core.set_rules(stricter).decisions.empty());  // already blocked
}

TEST_CASE("MediaWatch: its own thread decides at start and on events, and wakes the service") {
  Rig rig;
  std::mutex m;
  std::condition_variable cv;
  int wakes = 0;
  MediaWatch::Options options;
  options.ports = std::move(rig.ports);
  auto source = std::make_unique<FakeEventSource>();
  FakeEventSource* events = source.get();
  options.ports.events = std::move(source);
  options.state_db = rig.dir / "state.db";
  options.zone = Zone::intranet;
  options.media_key = media_key().public_key();
  options.wake = [&] {
    std::lock_guard lock(m);
    ++wakes;
    cv.notify_all();
  };
  auto wait_for_wakes = [&](int n) {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return wakes >= n; });
  };
  auto watch = MediaWatch::start(std::move(options));
  REQUIRE(watch.ok());
  wait_for_wakes(1);  // the stick present at start
  events->deliver(uevent("remove", kDevice, "usb", "usb_device"));
  events->deliver(uevent("add", kDisk, "block", "disk"));
  wait_for_wakes(2);
  MediaRules stricter;
  stricter.unregistered = MediaAction::block;
  (*watch)->set_rules(stricter);
  wait_for_wakes(3);
  (*watch)->stop();
  (*watch)->stop();  // idempotent
  CHECK(rig.media.pending()->size() == 3);
  CHECK(rig.gate->actions ==
        std::vector<std::string>{"read_only sdb", "read_only sdb", "deauthorize 1-1"});
}
