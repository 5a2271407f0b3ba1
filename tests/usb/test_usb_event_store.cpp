// UsbEventStore on a real SQLite file: ordering, acknowledgement, persistence across reopen,
// the bound and the dropped count.
#include <doctest/doctest.h>

#include "shouwei/collectors/usb/usb_event_store.hpp"
#include "usb_test_support.hpp"

using shouwei::collectors::usb::UsbAction;
using shouwei::collectors::usb::UsbEvent;
using shouwei::collectors::usb::UsbEventKind;
using shouwei::collectors::usb::UsbEventStore;
namespace sqlite = shouwei::sqlite;

namespace {

UsbEvent sample(int n) {
  UsbEvent e;
  e.time = shouwei::from_unix_seconds(1'700'000'000 + n);
  e.action = n % 2 == 0 ? UsbAction::add : UsbAction::remove;
  e.kind = UsbEventKind::partition;
  e.devpath = "/devices/pci0000:00/0000:00:14.0/usb1/1-1/x/block/sdb/sdb1";
  e.bus_path = "1-1";
  e.identity.vendor_id = 0x0781;
  e.identity.product_id = 0x5567;
  e.identity.manufacturer = " SanDisk";
  e.identity.serial = "";  // empty, not null: must survive the round trip
  e.block_name = "sdb1";
  e.seqnum = 4120u + static_cast<unsigned>(n);
  return e;
}

sqlite::Database open_db(const shouwei::usb_test::TempDir& dir) {
  auto db = sqlite::Database::open(dir.path() / "agent.db");
  REQUIRE_MESSAGE(db.ok(), db.error().message);
  return std::move(db).value();
}

}  // namespace

TEST_CASE("recorded events come back oldest first, field for field") {
  shouwei::usb_test::TempDir dir;
  auto db = open_db(dir);
  auto store = UsbEventStore::open(db);
  REQUIRE(store.ok());
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    auto id = store->record(sample(i));
    REQUIRE(id.ok());
    ids.push_back(*id);
  }
  CHECK(ids[0] < ids[1]);
  CHECK(ids[1] < ids[2]);
  auto pending = store->pending();
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 3);
  const UsbEvent& e = pending->at(1);
  const UsbEvent expected = sample(1);
  CHECK(e.id == ids[1]);
  CHECK(e.time == expected.time);
  CHECK(e.action == UsbAction::remove);
  CHECK(e.kind == UsbEventKind::partition);
  CHECK(e.devpath == expected.devpath);
  CHECK(e.bus_path == "1-1");
  CHECK(e.identity.vendor_id == 0x0781);
  CHECK(e.identity.product_id == 0x5567);
  CHECK(e.identity.manufacturer == " SanDisk");
  CHECK(e.identity.product == std::nullopt);
  CHECK(e.identity.serial == std::string());
  CHECK(e.block_name == "sdb1");
  CHECK(e.seqnum == 4121u);
  auto limited = store->pending(2);
  REQUIRE(limited.ok());
  CHECK(limited->size() == 2);
  CHECK(limited->back().id == ids[1]);
}

TEST_CASE("events stay until acknowledged, across a reopen, and ids are never reused") {
  shouwei::usb_test::TempDir dir;
  std::int64_t last = 0;
  {
    auto db = open_db(dir);
    auto store = UsbEventStore::open(db);
    REQUIRE(store.ok());
    for (int i = 0; i < 4; ++i) last = store->record(sample(i)).value();
  }
  auto db = open_db(dir);  // as after a crash or restart
  auto store = UsbEventStore::open(db);
  REQUIRE(store.ok());
  auto pending = store->pending();
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 4);
  const std::int64_t shipped_through = pending->at(1).id;
  REQUIRE(store->acknowledge_through(shipped_through).ok());
  pending = store->pending();
  REQUIRE(pending->size() == 2);
  CHECK(pending->front().id == shipped_through + 1);

  REQUIRE(store->acknowledge_through(last).ok());
  CHECK(store->pending()->empty());
  // After everything was deleted a new event must not take an acknowledged id.
  const std::int64_t next = store->record(sample(9)).value();
  CHECK(next > last);
  REQUIRE(store->acknowledge_through(last).ok());  // a late, repeated acknowledgement
  REQUIRE(store->pending()->size() == 1);
}

TEST_CASE("a full queue keeps the oldest events and counts the dropped ones") {
  shouwei::usb_test::TempDir dir;
  auto db = open_db(dir);
  auto store = UsbEventStore::open(db, 3);
  REQUIRE(store.ok());
  for (int i = 0; i < 5; ++i) (void)store->record(sample(i)).value();
  CHECK(store->record(sample(5)).value() == 0);
  auto pending = store->pending();
  REQUIRE(pending->size() == 3);
  CHECK(pending->front().seqnum == 4120u);
  CHECK(pending->back().seqnum == 4122u);
  CHECK(store->dropped_count().value() == 3);
  REQUIRE(store->acknowledge_through(pending->back().id).ok());
  CHECK(store->dropped_count().value() == 0);
  CHECK(store->record(sample(6)).value() > 0);
}

TEST_CASE("a database from a newer agent is refused rather than misread") {
  shouwei::usb_test::TempDir dir;
  auto db = open_db(dir);
  REQUIRE(UsbEventStore::open(db).ok());
  REQUIRE(db.exec("UPDATE schema_migrations SET version = 99 WHERE component = 'usb'").ok());
  auto again = UsbEventStore::open(db);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == shouwei::Errc::unsupported);
}

TEST_CASE("a damaged row is reported as corrupt, not guessed") {
  shouwei::usb_test::TempDir dir;
  auto db = open_db(dir);
  auto store = UsbEventStore::open(db);
  REQUIRE(store.ok());
  REQUIRE(store->record(sample(0)).ok());
  REQUIRE(db.exec("UPDATE usb_events SET action = 'explode'").ok());
  auto pending = store->pending();
  REQUIRE_FALSE(pending.ok());
  CHECK(pending.error().code == shouwei::Errc::corrupt);
  CHECK(pending.error().message.find("usb_events row") != std::string::npos);
}
