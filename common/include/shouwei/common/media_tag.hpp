// The media tag: a small signed record, written on a USB stick by `shouweictl media register`,
// that binds the stick's identity (USB vendor id, product id, serial, capacity) to a zone and a
// media id. This header is the format only (payload, signature, on-disk frame); where the frame
// sits on a stick is decided by collectors/media (tag_location.hpp); docs/media-tag.md explains
// both and what a tag cannot prove.
//
// Payload (canonical JSON, RFC 8785), signed as a DSSE envelope of type
// application/vnd.shouwei.mediatag+json with the organisation's media key:
//   {"schema":"shouwei.mediatag/v1", "media_id":"...", "zone":"intranet", "read_only":false,
//    "issued_at":"2026-11-21T08:30:00Z",
//    "device":{"vendor_id":"0781","product_id":"5567","serial":"4C53..."|null,
//              "capacity_bytes":16008609792}}
//
// Frame (kTagFrameBytes = 4096 bytes, little-endian integers), so that a scan is one read and a
// damaged tag is told apart from no tag:
//   0  8  magic "SHWMTAG\0"        (absent magic: no tag here)
//   8  2  format version (1)
//   10 2  zero
//   12 4  envelope length N (1..kMaxEnvelopeBytes)
//   16 4  CRC-32 (zlib) of bytes 0..15 followed by the envelope
//   20 12 zero
//   32 N  the DSSE envelope, compact JSON; the rest of the frame is zero
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/zone.hpp"

namespace shouwei::media {

inline constexpr std::string_view kTagSchema = "shouwei.mediatag/v1";
inline constexpr std::string_view kTagMagic{"SHWMTAG\0", 8};
inline constexpr std::uint16_t kTagFrameVersion = 1;
inline constexpr std::size_t kTagFrameBytes = 4096;
inline constexpr std::size_t kTagHeaderBytes = 32;
inline constexpr std::size_t kMaxEnvelopeBytes = kTagFrameBytes - kTagHeaderBytes;
// Longest serial a USB string descriptor can carry (126 UTF-16 units, up to 3 bytes each).
inline constexpr std::size_t kMaxSerialBytes = 378;
inline constexpr std::size_t kMaxMediaIdBytes = 64;

// What the tag binds. The serial is exactly what the device reports: nullopt when it has no
// serial at all, "" when it reports an empty one (the two are different identities).
struct MediaIdentity {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::optional<std::string> serial;
  std::uint64_t capacity_bytes = 0;  // at most 2^53 (canonical JSON integers)

  bool operator==(const MediaIdentity&) const = default;
};

struct MediaTag {
  std::string media_id;  // 1..64 of [A-Za-z0-9._-]; unique per stick within an organisation
  Zone zone = Zone::intranet;
  bool read_only = false;  // the stick is read-only even in its own zone
  TimePoint issued_at{};   // second precision
  MediaIdentity identity;
};

// A USB vendor or product id as the tag (and the usb section) writes it: 4 lowercase hex digits.
std::string usb_id_hex(std::uint16_t id);

// True for a usable media id: 1..64 characters of [A-Za-z0-9._-].
bool valid_media_id(std::string_view id) noexcept;
// A fresh random media id, "m-" followed by 32 lowercase hex digits.
std::string new_media_id();

// The canonical JSON payload. Fails (Errc::invalid_argument) on an invalid media id, a serial
// longer than kMaxSerialBytes or not valid UTF-8, or a capacity beyond 2^53.
Result<std::string> tag_payload(const MediaTag& tag);
// Parses a payload (untrusted: size cap kMaxEnvelopeBytes, strict JSON). Fails with Errc::parse
// naming the field that is missing, of the wrong type or out of range, and Errc::unsupported
// for another schema.
Result<MediaTag> parse_tag_payload(std::string_view payload);

// Signs the tag's payload with the media key.
Result<dsse::Envelope> sign_tag(const MediaTag& tag, const PrivateKey& key);
// Verifies envelope with the pinned media key (Errc::crypto as dsse::verify) and parses its
// payload. Only a tag returned by this function may be trusted.
Result<MediaTag> verify_tag(const dsse::Envelope& envelope, const PublicKey& key);

// The 4096-byte frame holding envelope. Errc::limit_exceeded when the envelope is too long.
Result<std::string> encode_frame(const dsse::Envelope& envelope);

// Reading a frame from kTagFrameBytes (or more; the rest is ignored) bytes of a stick.
struct FrameReading {
  enum class Status {
    absent,   // no magic: there is no tag here
    invalid,  // magic present but the frame is damaged: detail says how
    present,  // envelope parsed; its signature is not checked yet
  };
  Status status = Status::absent;
  std::string detail;  // for invalid: "CRC mismatch", "envelope length 9000 out of range"...
  dsse::Envelope envelope;
};
FrameReading decode_frame(std::string_view bytes);

// True when bytes start with the magic: the area holds a tag, valid or not.
bool has_magic(std::string_view bytes) noexcept;

}  // namespace shouwei::media
