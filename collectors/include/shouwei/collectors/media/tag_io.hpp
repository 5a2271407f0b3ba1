// Reading, writing and erasing the media tag on a raw device (see tag_location.hpp for where,
// shouwei/common/media_tag.hpp for what). Reading never fails: every outcome, including an
// unreadable device, is a TagReading the decision logic can act on (and fails closed on).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shouwei/collectors/media/raw_device.hpp"
#include "shouwei/collectors/media/tag_location.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/media_tag.hpp"

namespace shouwei::collectors::media {

enum class TagStatus {
  absent,      // no tag where this disk's layout puts it (or the layout has no tag place)
  valid,       // signature verified with the pinned media key; `tag` is trustworthy
  unverified,  // well-formed, but no media key was given to check it; `tag` is NOT trustworthy
  invalid,     // a frame is there but damaged, unparsable or wrongly signed: tamper
  unreadable,  // the device could not be read: the decision must fail closed
};

std::string_view to_string(TagStatus status) noexcept;

struct TagReading {
  TagStatus status = TagStatus::absent;
  std::optional<DiskLayout> layout;             // when a tag place was found
  std::optional<std::uint64_t> offset;          // byte offset of that place
  std::optional<shouwei::media::MediaTag> tag;  // for valid and unverified
  std::string signer_keyid;  // keyid the envelope's first signature names, when a frame parsed
  std::string detail;        // why absent / invalid / unreadable, one line
};

// Reads and checks the tag of device. key == nullptr: the signature cannot be checked and a
// well-formed tag is `unverified`.
TagReading read_tag(RawDevice& device, const PublicKey* key);

// Writes frame (shouwei::media::encode_frame) at the device's tag location, syncs and reads it
// back. Never overwrites data: the place must be all zero or already hold a tag (valid or not),
// otherwise Errc::conflict names the offset. Errc::unsupported (with the reason) when the layout
// has no place for a tag. REQUIRES: device opened writable.
Result<TagLocation> write_tag(RawDevice& device, std::string_view frame);

// Zeroes the tag frame and syncs. Errc::not_found when there is no tag.
Result<TagLocation> erase_tag(RawDevice& device);

}  // namespace shouwei::collectors::media
