#include "shouwei/collectors/media/tag_io.hpp"

#include <algorithm>

namespace shouwei::collectors::media {
namespace {

using shouwei::media::FrameReading;
using shouwei::media::kTagFrameBytes;

TagReading unreadable(std::string detail) {
  TagReading r;
  r.status = TagStatus::unreadable;
  r.detail = std::move(detail);
  return r;
}

// The frame's bytes: from the head when it covers them, otherwise a second read.
Result<std::string> frame_bytes(RawDevice& device, std::string_view head, std::uint64_t offset) {
  if (offset <= head.size() && head.size() - offset >= kTagFrameBytes) {
    return std::string(head.substr(static_cast<std::size_t>(offset), kTagFrameBytes));
  }
  return device.read_at(offset, kTagFrameBytes);
}

struct Located {
  TagLocation location;
  std::string frame;
};

// Reads the head, locates the tag place and reads the frame bytes there.
Result<Located> locate_and_read(RawDevice& device) {
  SHOUWEI_TRY(const std::uint64_t size, device.size());
  SHOUWEI_TRY(const std::string head, device.read_at(0, kLayoutHeadBytes));
  SHOUWEI_TRY(const TagLocation location, locate_tag(head, size));
  SHOUWEI_TRY(std::string frame, frame_bytes(device, head, location.offset));
  if (frame.size() != kTagFrameBytes) {
    return fail(Errc::io, device.path() + ": short read of the tag area");
  }
  return Located{location, std::move(frame)};
}

}  // namespace

std::string_view to_string(TagStatus status) noexcept {
  switch (status) {
    case TagStatus::absent:
      return "absent";
    case TagStatus::valid:
      return "valid";
    case TagStatus::unverified:
      return "unverified";
    case TagStatus::invalid:
      return "invalid";
    case TagStatus::unreadable:
      return "unreadable";
  }
  return "invalid";
}

TagReading read_tag(RawDevice& device, const PublicKey* key) {
  auto located = locate_and_read(device);
  if (!located) {
    // No place for a tag on this layout means there is no tag; anything else is an I/O failure.
    if (located.error().code != Errc::unsupported) return unreadable(located.error().message);
    TagReading r;
    r.detail = located.error().message;
    return r;
  }
  TagReading r;
  r.layout = located->location.layout;
  r.offset = located->location.offset;
  FrameReading frame = shouwei::media::decode_frame(located->frame);
  if (frame.status == FrameReading::Status::absent) return r;
  r.status = TagStatus::invalid;
  if (frame.status == FrameReading::Status::invalid) {
    r.detail = "media tag frame: " + frame.detail;
    return r;
  }
  if (!frame.envelope.signatures.empty()) r.signer_keyid = frame.envelope.signatures[0].keyid;
  auto tag = key != nullptr ? shouwei::media::verify_tag(frame.envelope, *key)
                            : shouwei::media::parse_tag_payload(frame.envelope.payload);
  if (!tag) {
    r.detail = tag.error().message;
    return r;
  }
  r.status = key != nullptr ? TagStatus::valid : TagStatus::unverified;
  r.tag = std::move(tag).value();
  return r;
}

Result<TagLocation> write_tag(RawDevice& device, std::string_view frame) {
  if (frame.size() != kTagFrameBytes || !shouwei::media::has_magic(frame)) {
    return fail(Errc::invalid_argument,
                "media tag frame must be 4096 bytes starting with the magic");
  }
  SHOUWEI_TRY(const Located place, locate_and_read(device));
  const bool zero =
      std::all_of(place.frame.begin(), place.frame.end(), [](char c) { return c == 0; });
  if (!zero && !shouwei::media::has_magic(place.frame)) {
    return fail(Errc::conflict, device.path() + ": the 4096 bytes at offset " +
                                    std::to_string(place.location.offset) +
                                    " are in use (boot loader or data), not overwritten");
  }
  SHOUWEI_TRY_VOID(device.write_at(place.location.offset, frame));
  SHOUWEI_TRY_VOID(device.sync());
  SHOUWEI_TRY(const std::string back, device.read_at(place.location.offset, kTagFrameBytes));
  if (back != frame) {
    return fail(Errc::io, device.path() + ": tag read back differs from what was written");
  }
  return place.location;
}

Result<TagLocation> erase_tag(RawDevice& device) {
  SHOUWEI_TRY(const Located place, locate_and_read(device));
  if (!shouwei::media::has_magic(place.frame)) {
    return fail(Errc::not_found, device.path() + ": no media tag at offset " +
                                     std::to_string(place.location.offset));
  }
  SHOUWEI_TRY_VOID(device.write_at(place.location.offset, std::string(kTagFrameBytes, '\0')));
  SHOUWEI_TRY_VOID(device.sync());
  return place.location;
}

}  // namespace shouwei::collectors::media
