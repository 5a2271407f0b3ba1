#include "shouwei/collectors/usb/usb_event_store.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <string_view>

#include "shouwei/os/utf8_path.hpp"

namespace shouwei::collectors::usb {
namespace {

// AUTOINCREMENT, not a plain rowid: ids must never be reused after deletion, or an
// acknowledgement arriving late could delete events recorded after its snapshot.
constexpr std::array<std::string_view, 1> kMigrations{
    R"sql(
CREATE TABLE usb_events(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  action TEXT NOT NULL,
  kind TEXT NOT NULL,
  devpath TEXT NOT NULL,
  bus_path TEXT NOT NULL,
  vendor_id INTEGER,
  product_id INTEGER,
  manufacturer TEXT,
  product TEXT,
  serial TEXT,
  block_name TEXT,
  seqnum INTEGER
);
CREATE TABLE usb_event_drops(
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  dropped INTEGER NOT NULL
);
INSERT INTO usb_event_drops(singleton, dropped) VALUES(1, 0);
)sql",
};

constexpr std::string_view kColumns =
    "id, time, action, kind, devpath, bus_path, vendor_id, product_id, manufacturer, product, "
    "serial, block_name, seqnum";

template <typename T>
void bind_optional_int(sqlite::Statement& s, int index, const std::optional<T>& v) {
  if (v) {
    s.bind(index, static_cast<std::int64_t>(*v));
  } else {
    s.bind(index, nullptr);
  }
}

std::optional<std::uint16_t> read_u16(const sqlite::Statement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  const std::int64_t v = s.get_int64(column);
  if (v < 0 || v > 0xffff) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

Result<UsbEvent> read_event(const sqlite::Statement& s, const sqlite::Database& db) {
  UsbEvent e;
  e.id = s.get_int64(0);
  e.time = from_unix_seconds(s.get_int64(1));
  auto action = parse_usb_action(s.get_text(2));
  auto kind = parse_usb_event_kind(s.get_text(3));
  if (!action || !kind) {
    return fail(Errc::corrupt, path_to_utf8(db.path()) + ": usb_events row " +
                                   std::to_string(e.id) + " has an unknown action or kind");
  }
  e.action = *action;
  e.kind = *kind;
  e.devpath = s.get_text(4);
  e.bus_path = s.get_text(5);
  e.identity.vendor_id = read_u16(s, 6);
  e.identity.product_id = read_u16(s, 7);
  e.identity.manufacturer = s.get_optional_text(8);
  e.identity.product = s.get_optional_text(9);
  e.identity.serial = s.get_optional_text(10);
  e.block_name = s.get_optional_text(11);
  if (!s.is_null(12) && s.get_int64(12) >= 0)
    e.seqnum = static_cast<std::uint64_t>(s.get_int64(12));
  return e;
}

}  // namespace

Result<UsbEventStore> UsbEventStore::open(sqlite::Database& db, std::size_t max_events) {
  SHOUWEI_TRY_VOID(db.apply_migrations("usb", kMigrations));
  return UsbEventStore(db, max_events);
}

Result<std::int64_t> UsbEventStore::record(const UsbEvent& event) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(*db_));
  SHOUWEI_TRY(auto count, db_->prepare("SELECT COUNT(*) FROM usb_events"));
  SHOUWEI_TRY(bool has_row, count.step());
  const std::int64_t stored = has_row ? count.get_int64(0) : 0;
  if (static_cast<std::uint64_t>(stored) >= max_events_) {
    SHOUWEI_TRY(auto drop, db_->prepare("UPDATE usb_event_drops SET dropped = dropped + 1"));
    SHOUWEI_TRY_VOID(drop.run());
    SHOUWEI_TRY_VOID(tx.commit());
    return std::int64_t{0};
  }
  SHOUWEI_TRY(auto insert,
              db_->prepare("INSERT INTO usb_events(time, action, kind, devpath, bus_path, "
                           "vendor_id, product_id, manufacturer, product, serial, block_name, "
                           "seqnum) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  insert.bind(1, static_cast<std::int64_t>(to_unix_seconds(event.time)))
      .bind(2, to_string(event.action))
      .bind(3, to_string(event.kind))
      .bind(4, std::string_view(event.devpath))
      .bind(5, std::string_view(event.bus_path));
  bind_optional_int(insert, 6, event.identity.vendor_id);
  bind_optional_int(insert, 7, event.identity.product_id);
  insert.bind(8, event.identity.manufacturer)
      .bind(9, event.identity.product)
      .bind(10, event.identity.serial)
      .bind(11, event.block_name);
  // SEQNUM is a u64 in the kernel; values past int64 cannot occur in practice and are not
  // worth a wrong number, so they are stored as unknown.
  std::optional<std::uint64_t> seqnum = event.seqnum;
  if (seqnum && *seqnum > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    seqnum.reset();
  }
  bind_optional_int(insert, 12, seqnum);
  SHOUWEI_TRY_VOID(insert.run());
  const std::int64_t id = db_->last_insert_rowid();
  SHOUWEI_TRY_VOID(tx.commit());
  return id;
}

Result<std::vector<UsbEvent>> UsbEventStore::pending(std::size_t limit) {
  SHOUWEI_TRY(auto query, db_->prepare("SELECT " + std::string(kColumns) +
                                       " FROM usb_events ORDER BY id LIMIT ?"));
  query.bind(1, static_cast<std::int64_t>(
                    std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
  std::vector<UsbEvent> events;
  while (true) {
    SHOUWEI_TRY(bool has_row, query.step());
    if (!has_row) break;
    SHOUWEI_TRY(auto event, read_event(query, *db_));
    events.push_back(std::move(event));
  }
  return events;
}

Result<void> UsbEventStore::acknowledge_through(std::int64_t id) {
  SHOUWEI_TRY(auto tx, sqlite::Transaction::begin(*db_));
  SHOUWEI_TRY(auto remove, db_->prepare("DELETE FROM usb_events WHERE id <= ?"));
  remove.bind(1, id);
  SHOUWEI_TRY_VOID(remove.run());
  SHOUWEI_TRY(auto reset, db_->prepare("UPDATE usb_event_drops SET dropped = 0"));
  SHOUWEI_TRY_VOID(reset.run());
  return tx.commit();
}

Result<std::int64_t> UsbEventStore::dropped_count() {
  SHOUWEI_TRY(auto query, db_->prepare("SELECT dropped FROM usb_event_drops"));
  SHOUWEI_TRY(bool has_row, query.step());
  if (!has_row)
    return fail(Errc::corrupt, path_to_utf8(db_->path()) + ": usb_event_drops is empty");
  return query.get_int64(0);
}

}  // namespace shouwei::collectors::usb
