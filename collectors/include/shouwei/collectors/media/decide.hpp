// The media gate's decision: a pure function of this PC's zone, what the device says about
// itself (sysfs), what its tag says (tag_io.hpp) and the rules. No I/O, no clock: every rule is
// tested directly, and the same function serves the agent, `media scan` and the tests.
//
//   tag unreadable                -> fail closed: block if unregistered sticks are blocked,
//                                    read-only otherwise (tag_unreadable, warning)
//   tag invalid                   -> block (tag_invalid, high: tamper)
//   tag valid, identity differs   -> block (tag_cloned, high: tamper); vendor id, product id,
//                                    serial (absent != "") and capacity must all match
//   tag valid, media id allowed   -> allow, or read-only if the tag says so (allow_listed)
//   tag valid, this zone          -> allow (own_zone) or read-only (own_zone_read_only)
//   tag valid, other zone         -> rules.cross_zone, at least read-only (cross_zone, high)
//   tag unverified (no media key) -> as unregistered, at least read-only (tag_unverified)
//   no tag                        -> rules.unregistered (unregistered, warning unless allowed)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shouwei/collectors/media/media_rules.hpp"
#include "shouwei/collectors/media/tag_io.hpp"
#include "shouwei/collectors/usb/usb_device.hpp"
#include "shouwei/common/zone.hpp"

namespace shouwei::collectors::media {

enum class MediaReason {
  own_zone,
  own_zone_read_only,
  cross_zone,
  allow_listed,
  unregistered,
  tag_unverified,
  tag_invalid,
  tag_cloned,
  tag_unreadable,
};
enum class Severity { info, warning, high };

std::string_view to_string(MediaReason reason) noexcept;
std::string_view to_string(Severity severity) noexcept;

// What the device reports about itself; nullopt where sysfs said nothing.
struct StickIdentity {
  std::optional<std::uint16_t> vendor_id;
  std::optional<std::uint16_t> product_id;
  std::optional<std::string> serial;
  std::optional<std::uint64_t> capacity_bytes;
};

StickIdentity identity_of(const usb::UsbDevice& device, const usb::BlockDevice& disk);

// The first field of the tag's binding the device does not match ("serial differs from the
// tag's"), or "" when the tag belongs to this device.
std::string binding_mismatch(const shouwei::media::MediaIdentity& tag, const StickIdentity& device);

struct MediaDecision {
  MediaAction action = MediaAction::block;
  MediaReason reason = MediaReason::tag_unreadable;
  Severity severity = Severity::high;
  std::string detail;  // one line: which binding field differs, why the tag is invalid...
};

MediaDecision decide(Zone this_zone, const StickIdentity& device, const TagReading& tag,
                     const MediaRules& rules);

// The stricter of two actions (block > read_only > allow).
MediaAction stricter(MediaAction a, MediaAction b) noexcept;

}  // namespace shouwei::collectors::media
