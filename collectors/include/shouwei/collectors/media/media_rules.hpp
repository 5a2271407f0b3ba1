// The removable-media rules of the policy (design brief, "Media rules"). The signed policy
// ([policy]) fills this struct; until one exists the defaults below apply: enforce, unregistered
// sticks read-only, other zones blocked, no exceptions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shouwei::collectors::media {

// What happens to a stick, from most to least permissive.
enum class MediaAction { allow, read_only, block };
enum class EnforcementMode { enforce, audit };  // audit: decide and record, never act

std::string_view to_string(MediaAction action) noexcept;
std::string_view to_string(EnforcementMode mode) noexcept;

struct MediaRules {
  EnforcementMode mode = EnforcementMode::enforce;
  // Sticks without a tag.
  MediaAction unregistered = MediaAction::read_only;
  // Sticks with a valid tag of another zone. Never weaker than read_only: allow is read as
  // read_only, since writing to another zone's stick is the mixed use the regulations forbid.
  MediaAction cross_zone = MediaAction::block;
  // Media ids allowed in any zone (e.g. the security office's transfer stick). Only a valid,
  // non-cloned tag can match; the tag's own read-only flag still applies.
  std::vector<std::string> allow_list;
};

}  // namespace shouwei::collectors::media
