#include "shouwei/common/media_tag.hpp"

#include <array>
#include <charconv>
#include <zlib.h>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "shouwei/common/canonical_json.hpp"
#include "shouwei/common/encoding.hpp"

namespace shouwei::media {
namespace {

namespace bj = boost::json;

constexpr std::uint64_t kMaxJsonInteger = 1ull << 53;

Result<std::uint16_t> parse_hex16(std::string_view text, std::string_view field) {
  std::uint16_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
  if (text.size() != 4 || ec != std::errc() || end != text.data() + text.size() ||
      usb_id_hex(v) != text) {
    return fail(Errc::parse, "media tag: " + std::string(field) + " is not 4 lowercase hex digits");
  }
  return v;
}

Result<const bj::value*> member(const bj::object& obj, std::string_view name,
                                std::string_view where) {
  const bj::value* v = obj.if_contains(bj::string_view(name.data(), name.size()));
  if (v == nullptr) {
    return fail(Errc::parse, "media tag: missing field " + std::string(where) + std::string(name));
  }
  return v;
}

Result<std::string> string_member(const bj::object& obj, std::string_view name,
                                  std::string_view where = {}) {
  SHOUWEI_TRY(const bj::value* v, member(obj, name, where));
  if (!v->is_string()) {
    return fail(Errc::parse,
                "media tag: field " + std::string(where) + std::string(name) + " is not a string");
  }
  return std::string(v->get_string());
}

Result<MediaIdentity> parse_identity(const bj::object& device) {
  MediaIdentity id;
  SHOUWEI_TRY(const std::string vid, string_member(device, "vendor_id", "device."));
  SHOUWEI_TRY(id.vendor_id, parse_hex16(vid, "device.vendor_id"));
  SHOUWEI_TRY(const std::string pid, string_member(device, "product_id", "device."));
  SHOUWEI_TRY(id.product_id, parse_hex16(pid, "device.product_id"));
  SHOUWEI_TRY(const bj::value* serial, member(device, "serial", "device."));
  if (serial->is_string()) {
    if (serial->get_string().size() > kMaxSerialBytes) {
      return fail(Errc::parse, "media tag: device.serial is too long");
    }
    id.serial = std::string(serial->get_string());
  } else if (!serial->is_null()) {
    return fail(Errc::parse, "media tag: device.serial is neither a string nor null");
  }
  SHOUWEI_TRY(const bj::value* capacity, member(device, "capacity_bytes", "device."));
  if (capacity->is_uint64() && capacity->get_uint64() <= kMaxJsonInteger) {
    id.capacity_bytes = capacity->get_uint64();
  } else if (capacity->is_int64() && capacity->get_int64() >= 0) {
    id.capacity_bytes = static_cast<std::uint64_t>(capacity->get_int64());
  } else {
    return fail(Errc::parse, "media tag: device.capacity_bytes is not an integer in 0..2^53");
  }
  return id;
}

void put_le(std::string& out, std::size_t offset, std::uint32_t v, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i)
    out[offset + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t get_le(std::string_view in, std::size_t offset, std::size_t bytes) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i)
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[offset + i])) << (8 * i);
  return v;
}

// CRC-32 over the header without its CRC field, then the envelope.
std::uint32_t frame_crc(std::string_view header16, std::string_view envelope) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(header16.data()),
              static_cast<uInt>(header16.size()));
  crc = crc32(crc, reinterpret_cast<const Bytef*>(envelope.data()),
              static_cast<uInt>(envelope.size()));
  return static_cast<std::uint32_t>(crc);
}

}  // namespace

std::string usb_id_hex(std::uint16_t v) {
  constexpr char kDigits[] = "0123456789abcdef";
  return {kDigits[(v >> 12) & 0xf], kDigits[(v >> 8) & 0xf], kDigits[(v >> 4) & 0xf],
          kDigits[v & 0xf]};
}

bool valid_media_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > kMaxMediaIdBytes) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_media_id() {
  return "m-" + hex_encode(random_bytes(16));
}

Result<std::string> tag_payload(const MediaTag& tag) {
  if (!valid_media_id(tag.media_id)) {
    return fail(Errc::invalid_argument,
                "media tag: media id must be 1..64 characters of A-Z a-z 0-9 . _ -");
  }
  if (tag.identity.serial && tag.identity.serial->size() > kMaxSerialBytes) {
    return fail(Errc::invalid_argument, "media tag: serial longer than 378 bytes");
  }
  if (tag.identity.capacity_bytes > kMaxJsonInteger) {
    return fail(Errc::invalid_argument, "media tag: capacity beyond 2^53 bytes");
  }
  bj::object device;
  device["vendor_id"] = usb_id_hex(tag.identity.vendor_id);
  device["product_id"] = usb_id_hex(tag.identity.product_id);
  if (tag.identity.serial) {
    device["serial"] = *tag.identity.serial;
  } else {
    device["serial"] = nullptr;
  }
  device["capacity_bytes"] = tag.identity.capacity_bytes;
  bj::object payload;
  payload["schema"] = kTagSchema;
  payload["media_id"] = tag.media_id;
  payload["zone"] = to_string(tag.zone);
  payload["read_only"] = tag.read_only;
  payload["issued_at"] = format_rfc3339(tag.issued_at);
  payload["device"] = std::move(device);
  auto canonical = json::canonicalize(payload);
  if (!canonical) {
    return fail(Errc::invalid_argument, "media tag: " + canonical.error().message);
  }
  return std::move(canonical).value();
}

Result<MediaTag> parse_tag_payload(std::string_view payload) {
  SHOUWEI_TRY(const bj::value doc, json::parse_strict(payload, kMaxEnvelopeBytes));
  if (!doc.is_object()) return fail(Errc::parse, "media tag: payload is not a JSON object");
  const bj::object& obj = doc.get_object();
  SHOUWEI_TRY(const std::string schema, string_member(obj, "schema"));
  if (schema != kTagSchema) {
    return fail(Errc::unsupported, "media tag: unsupported schema (expected shouwei.mediatag/v1)");
  }
  MediaTag tag;
  SHOUWEI_TRY(tag.media_id, string_member(obj, "media_id"));
  if (!valid_media_id(tag.media_id)) return fail(Errc::parse, "media tag: media_id is not valid");
  SHOUWEI_TRY(const std::string zone, string_member(obj, "zone"));
  const auto parsed_zone = parse_zone(zone);
  if (!parsed_zone) return fail(Errc::parse, "media tag: zone is not a known zone");
  tag.zone = *parsed_zone;
  SHOUWEI_TRY(const bj::value* read_only, member(obj, "read_only", ""));
  if (!read_only->is_bool()) return fail(Errc::parse, "media tag: read_only is not a boolean");
  tag.read_only = read_only->get_bool();
  SHOUWEI_TRY(const std::string issued, string_member(obj, "issued_at"));
  const auto issued_at = parse_rfc3339(issued);
  if (!issued_at) return fail(Errc::parse, "media tag: issued_at is not an RFC 3339 time");
  tag.issued_at = *issued_at;
  SHOUWEI_TRY(const bj::value* device, member(obj, "device", ""));
  if (!device->is_object()) return fail(Errc::parse, "media tag: device is not an object");
  SHOUWEI_TRY(tag.identity, parse_identity(device->get_object()));
  return tag;
}

Result<dsse::Envelope> sign_tag(const MediaTag& tag, const PrivateKey& key) {
  SHOUWEI_TRY(const std::string payload, tag_payload(tag));
  return dsse::sign(dsse::kMediaTagPayloadType, payload, key);
}

Result<MediaTag> verify_tag(const dsse::Envelope& envelope, const PublicKey& key) {
  SHOUWEI_TRY_VOID(dsse::verify(envelope, key, dsse::kMediaTagPayloadType));
  return parse_tag_payload(envelope.payload);
}

Result<std::string> encode_frame(const dsse::Envelope& envelope) {
  const std::string body = dsse::serialize(envelope);
  if (body.empty() || body.size() > kMaxEnvelopeBytes) {
    return fail(Errc::limit_exceeded, "media tag: envelope of " + std::to_string(body.size()) +
                                          " bytes does not fit the 4096-byte frame");
  }
  std::string frame(kTagFrameBytes, '\0');
  frame.replace(0, kTagMagic.size(), kTagMagic);
  put_le(frame, 8, kTagFrameVersion, 2);
  put_le(frame, 12, static_cast<std::uint32_t>(body.size()), 4);
  put_le(frame, 16, frame_crc(std::string_view(frame).substr(0, 16), body), 4);
  frame.replace(kTagHeaderBytes, body.size(), body);
  return frame;
}

bool has_magic(std::string_view bytes) noexcept {
  return bytes.starts_with(kTagMagic);
}

FrameReading decode_frame(std::string_view bytes) {
  FrameReading r;
  if (!has_magic(bytes)) return r;
  r.status = FrameReading::Status::invalid;
  if (bytes.size() < kTagHeaderBytes) {
    r.detail = "frame truncated";
    return r;
  }
  const std::uint32_t version = get_le(bytes, 8, 2);
  if (version != kTagFrameVersion) {
    r.detail = "unknown frame version " + std::to_string(version);
    return r;
  }
  const std::uint32_t length = get_le(bytes, 12, 4);
  if (length == 0 || length > kMaxEnvelopeBytes || kTagHeaderBytes + length > bytes.size()) {
    r.detail = "envelope length " + std::to_string(length) + " out of range";
    return r;
  }
  const std::string_view body = bytes.substr(kTagHeaderBytes, length);
  if (frame_crc(bytes.substr(0, 16), body) != get_le(bytes, 16, 4)) {
    r.detail = "CRC mismatch";
    return r;
  }
  auto envelope = dsse::parse(body, kMaxEnvelopeBytes);
  if (!envelope) {
    r.detail = "envelope: " + envelope.error().message;
    return r;
  }
  r.status = FrameReading::Status::present;
  r.envelope = std::move(envelope).value();
  return r;
}

}  // namespace shouwei::media
