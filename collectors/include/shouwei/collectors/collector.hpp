// A collector gathers one fact family into one snapshot section. The platform-specific reading
// happens behind a port (a small interface implemented in platform/<os>/, with a fake for
// tests); the collector's own logic turns the port's typed structs into the section.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::collectors {

struct CollectContext {
  const RootFs& root;
  const Clock& clock;
};

class Collector {
 public:
  virtual ~Collector() = default;
  // The section name in the snapshot: "inventory", "patches", "antivirus", "usb", "browsing".
  virtual std::string_view section() const = 0;
  // The section's JSON object. A failure becomes {"error": message} in the snapshot; the
  // snapshot is still produced.
  virtual Result<boost::json::object> collect(const CollectContext& context) = 0;

  // For collectors that hand out locally stored records (USB events, media decisions): what the
  // last collect() included, as an opaque marker that the agent persists with the queued
  // snapshot, and acknowledge(marker) once the server has acknowledged that snapshot. Records
  // stay stored, and keep being included, until then. Default: nothing to acknowledge.
  virtual std::optional<std::string> ack_marker() const { return std::nullopt; }
  virtual Result<void> acknowledge(std::string_view marker) {
    (void)marker;
    return {};
  }
};

// Base of the collectors whose section carries records from a local store with increasing ids
// (USB events, media decisions): the marker is the highest id included in the last collect(),
// and acknowledging it deletes everything up to that id from the store.
class StoredRecordsCollector : public Collector {
 public:
  std::optional<std::string> ack_marker() const override {
    if (last_included_ == 0) return std::nullopt;
    return std::to_string(last_included_);
  }

  Result<void> acknowledge(std::string_view marker) override {
    std::int64_t through = 0;
    const char* end = marker.data() + marker.size();
    auto [stop, ec] = std::from_chars(marker.data(), end, through);
    if (ec != std::errc() || stop != end || through <= 0) {
      return fail(Errc::parse, std::string(section()) + " acknowledgement marker '" + std::string(marker) +
                                   "' is not a record id");
    }
    return acknowledge_through(through);
  }

 protected:
  // Call at the start of collect(), then once per record put into the section.
  void reset_included() noexcept { last_included_ = 0; }
  void note_included(std::int64_t id) noexcept { last_included_ = std::max(last_included_, id); }
  virtual Result<void> acknowledge_through(std::int64_t id) = 0;

 private:
  std::int64_t last_included_ = 0;
};

}  // namespace shouwei::collectors
