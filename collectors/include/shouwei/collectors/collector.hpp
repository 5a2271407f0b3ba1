// A collector gathers one fact family into one snapshot section. The platform-specific reading
// happens behind a port (a small interface implemented in platform/<os>/, with a fake for
// tests); the collector's own logic turns the port's typed structs into the section.
#pragma once

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

}  // namespace shouwei::collectors
