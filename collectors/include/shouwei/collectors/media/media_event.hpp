// One media gate decision as recorded and reported: which stick, what its tag said, what was
// decided and whether it was carried out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "shouwei/collectors/media/decide.hpp"
#include "shouwei/common/clock.hpp"

namespace shouwei::collectors::media {

struct MediaEvent {
  std::int64_t id = 0;  // store id, assigned by MediaEventStore::record
  TimePoint time{};
  std::string bus_path;             // "1-1.2"
  std::string sysfs_path;           // of the USB device
  std::optional<std::string> disk;  // "sdb"; null when the device has no disk
  StickIdentity identity;
  std::optional<std::string> product;  // iProduct, for the officer reading the report
  TagStatus tag_status = TagStatus::absent;
  std::optional<Zone> tag_zone;  // from a valid or unverified tag
  std::optional<std::string> tag_media_id;
  MediaDecision decision;
  EnforcementMode mode = EnforcementMode::enforce;
  bool applied = false;                    // the action was carried out (enforce mode only)
  std::optional<std::string> apply_error;  // why it could not be
  std::optional<std::string> user;         // logged-in user, when known
};

}  // namespace shouwei::collectors::media
