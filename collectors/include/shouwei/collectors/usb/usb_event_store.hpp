// UsbEventStore: the agent's durable queue of USB events, in its SQLite database (migrations
// component "usb", table usb_events). An event stays stored until acknowledge_through() covers
// it: the lead calls that once the server acknowledged the snapshot carrying it (until the
// server exists: once that snapshot is stored), so a crash, kill -9 or outage loses nothing.
//
// Bounded: at most max_events rows are kept. Events arriving while the queue is full are NOT
// stored but counted (dropped_count), so a device flapping on purpose cannot fill the disk and
// the loss is still reported; the first events, the evidence, are the ones kept.
//
// Not thread-safe: one thread uses the store together with its Database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "shouwei/collectors/usb/usb_event.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/sqlite.hpp"

namespace shouwei::collectors::usb {

class UsbEventStore {
 public:
  static constexpr std::size_t kDefaultMaxEvents = 100'000;

  // Applies the "usb" migrations. REQUIRES: db outlives the store.
  static Result<UsbEventStore> open(sqlite::Database& db,
                                    std::size_t max_events = kDefaultMaxEvents);

  // Stores event (its id is ignored) and returns the id given to it; 0 when the queue was full
  // and the event was counted as dropped instead.
  Result<std::int64_t> record(const UsbEvent& event);

  // Events not yet acknowledged, oldest first, at most limit of them.
  Result<std::vector<UsbEvent>> pending(std::size_t limit = 1000);

  // Deletes every event with id <= id, and resets the dropped count (the snapshot that
  // reported it is acknowledged too). Ids are never reused, so a late acknowledgement cannot
  // delete events recorded after the snapshot was built.
  Result<void> acknowledge_through(std::int64_t id);

  // Events refused because the queue was full since the last acknowledgement.
  Result<std::int64_t> dropped_count();

 private:
  UsbEventStore(sqlite::Database& db, std::size_t max_events) : db_(&db), max_events_(max_events) {}
  sqlite::Database* db_;
  std::size_t max_events_;
};

}  // namespace shouwei::collectors::usb
