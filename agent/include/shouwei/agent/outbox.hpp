// Snapshots waiting for the server. A snapshot is written here (durably) before any upload is
// attempted and removed only after the server acknowledged it, so kill -9, power loss or a
// server outage lose nothing up to the disk cap.
//
// At the cap the oldest queued snapshots are dropped (newest evidence wins) and the number
// dropped is counted; the agent reports that count in the next snapshot's "agent" section.
// Locally stored events (USB, media decisions) are not lost by a drop: they stay in their own
// stores until a snapshot carrying them is acknowledged, so the next snapshot carries them again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/sqlite.hpp"

namespace shouwei::agent {

struct OutboxEntry {
  std::int64_t id = 0;
  std::int64_t seq = 0;
  std::string envelope_json;
  std::string ack_markers;  // JSON object: section -> marker, applied when acknowledged
  int attempts = 0;
};

struct OutboxStats {
  std::int64_t queued = 0;
  std::int64_t queued_bytes = 0;
  std::int64_t dropped_total = 0;  // dropped at the cap since the agent was installed
};

class Outbox {
 public:
  // REQUIRES: db outlives the Outbox. Applies the "outbox" migrations.
  static Result<Outbox> open(sqlite::Database& db, std::uint64_t max_bytes);

  // Queues a snapshot; drops the oldest entries when the cap would be exceeded.
  Result<void> enqueue(std::int64_t seq, std::string_view envelope_json, std::string_view ack_markers,
                       TimePoint now);
  // The oldest entry, if any.
  Result<std::optional<OutboxEntry>> oldest();
  Result<void> remove(std::int64_t id);
  Result<void> record_failure(std::int64_t id, std::string_view error);
  Result<OutboxStats> stats();

 private:
  Outbox(sqlite::Database* db, std::uint64_t max_bytes) : db_(db), max_bytes_(max_bytes) {}
  sqlite::Database* db_;
  std::uint64_t max_bytes_;
};

}  // namespace shouwei::agent
