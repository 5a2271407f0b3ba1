// MediaEventStore: the agent's durable queue of media gate decisions, in its SQLite database
// (migrations component "media", table media_events). Same contract as the usb event queue
// (collectors/usb/usb_event_store.hpp): an event stays until acknowledge_through() covers it,
// ids are never reused, and at most max_events rows are kept; later events are counted as
// dropped, so the first evidence is kept and the loss is reported.
//
// Each row holds the event's JSON rendering (to_json below) as written at decision time, so the
// section reports exactly what was decided even if this code changes in between.
//
// Not thread-safe: one thread uses the store together with its Database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <boost/json/object.hpp>

#include "shouwei/collectors/media/media_event.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/sqlite.hpp"

namespace shouwei::collectors::media {

// The event as the snapshot and `media scan` show it (snake_case, RFC 3339, null when unknown):
// time, bus_path, sysfs_path, disk, vendor_id, product_id ("0781"), serial, capacity_bytes,
// product, tag_found, tag_status, tag_zone, tag_media_id, decision, reason, severity, detail,
// mode, applied, apply_error, user. The id is not included (the store adds it).
boost::json::object to_json(const MediaEvent& event);

class MediaEventStore {
 public:
  static constexpr std::size_t kDefaultMaxEvents = 100'000;

  // Applies the "media" migrations. REQUIRES: db outlives the store.
  static Result<MediaEventStore> open(sqlite::Database& db,
                                      std::size_t max_events = kDefaultMaxEvents);

  // Stores the event and returns its id; 0 when the queue was full and it was counted instead.
  Result<std::int64_t> record(const MediaEvent& event);

  struct Stored {
    std::int64_t id;
    boost::json::object event;  // to_json(event) plus "id"
  };
  // Events not yet acknowledged, oldest first, at most limit. A row that is not a JSON object
  // fails with Errc::corrupt naming it.
  Result<std::vector<Stored>> pending(std::size_t limit = 1000);

  // Deletes every event with id <= id and resets the dropped count.
  Result<void> acknowledge_through(std::int64_t id);

  // Events refused because the queue was full, since the last acknowledgement.
  Result<std::int64_t> dropped_count();

 private:
  MediaEventStore(sqlite::Database& db, std::size_t max_events)
      : db_(&db), max_events_(max_events) {}
  sqlite::Database* db_;
  std::size_t max_events_;
};

}  // namespace shouwei::collectors::media
