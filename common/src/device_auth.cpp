#include "shouwei/common/device_auth.hpp"

#include "shouwei/common/dsse.hpp"
#include "shouwei/common/encoding.hpp"

namespace shouwei::device_auth {

namespace {

// Header values are untrusted: anything longer than these cannot be valid, and refusing it early
// bounds the work (and the message) a hostile request can cause.
constexpr std::size_t kMaxTimeLength = 64;
constexpr std::size_t kMaxSignatureLength = 1024;  // base64 of a DER ECDSA/SM2 signature < 200
constexpr std::size_t kMaxDeviceIdLength = 128;    // a keyid is 64 hex digits

std::string header_name(std::string_view name) {
  return std::string(name) + " header";
}

}  // namespace

std::string signed_text(std::string_view method, std::string_view target,
                        std::string_view device_id, std::string_view time) {
  std::string text;
  text.reserve(method.size() + target.size() + device_id.size() + time.size() + 3);
  text.append(method).append("\n").append(target).append("\n");
  text.append(device_id).append("\n").append(time);
  return text;
}

Result<Headers> sign_request(const PrivateKey& device_key, std::string_view method,
                             std::string_view target, TimePoint now) {
  Headers headers;
  headers.device_id = device_key.keyid();
  headers.time = format_rfc3339(now);
  SHOUWEI_TRY(std::string sig, device_key.sign(dsse::pae(
                                   kDeviceRequestPayloadType,
                                   signed_text(method, target, headers.device_id, headers.time))));
  headers.signature = base64_encode(sig);
  return headers;
}

Result<void> verify_request(const PublicKey& device_key, std::string_view method,
                            std::string_view target, const Headers& headers, TimePoint now,
                            std::chrono::seconds max_skew) {
  if (headers.device_id.empty() || headers.device_id.size() > kMaxDeviceIdLength)
    return fail(Errc::parse, header_name(kDeviceHeader) + ": missing or too long");
  if (headers.time.size() > kMaxTimeLength)
    return fail(Errc::parse, header_name(kTimeHeader) + ": too long");
  const std::optional<TimePoint> time = parse_rfc3339(headers.time);
  if (!time) return fail(Errc::parse, header_name(kTimeHeader) + ": not an RFC 3339 time");
  if (headers.signature.empty() || headers.signature.size() > kMaxSignatureLength)
    return fail(Errc::parse, header_name(kSignatureHeader) + ": missing or too long");
  auto sig = base64_decode(headers.signature);
  if (!sig) return fail(Errc::parse, header_name(kSignatureHeader) + ": " + sig.error().message);

  if (headers.device_id != device_key.keyid())
    return fail(Errc::crypto, header_name(kDeviceHeader) + ": does not name the enrolled key");
  const std::string text = signed_text(method, target, headers.device_id, headers.time);
  if (!device_key.verify(dsse::pae(kDeviceRequestPayloadType, text), *sig))
    return fail(Errc::crypto, header_name(kSignatureHeader) +
                                  ": signature does not verify for this device and request");

  // Checked after the signature so that a genuine device with a wrong clock is told so, while
  // a forged request learns nothing about the server's time.
  const auto offset = *time > now ? *time - now : now - *time;
  if (offset > max_skew)
    return fail(Errc::conflict, header_name(kTimeHeader) + ": request time " + headers.time +
                                    " outside the allowed skew of " +
                                    std::to_string(max_skew.count()) + " s from " +
                                    format_rfc3339(now));
  return {};
}

}  // namespace shouwei::device_auth
