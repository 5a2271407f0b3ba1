// Device-authenticated requests without client certificates: the agent signs what it asks for
// with its device key (the one enrolled), so the server can tell which enrolled device is asking
// (e.g. for its group's policy) and a recorded request cannot be replayed later or elsewhere.
//
//   Shouwei-Device:    <device id> (= keyid of the device key)
//   Shouwei-Time:      <RFC 3339 UTC time of the request>
//   Shouwei-Signature: base64( sign( dsse::pae(kDeviceRequestPayloadType,
//                                  METHOD "\n" TARGET "\n" DEVICE_ID "\n" TIME) ) )
//
// TARGET is the request target as sent (path and query). The server accepts a time within
// max_skew of its own clock; within that window a replay returns the same answer to the same
// device, which is harmless for GET requests (the only use).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::device_auth {

inline constexpr std::string_view kDeviceHeader = "Shouwei-Device";
inline constexpr std::string_view kTimeHeader = "Shouwei-Time";
inline constexpr std::string_view kSignatureHeader = "Shouwei-Signature";
inline constexpr std::string_view kDeviceRequestPayloadType = "application/vnd.shouwei.request";
inline constexpr std::chrono::minutes kDefaultMaxSkew{10};

struct Headers {
  std::string device_id;
  std::string time;       // RFC 3339 UTC
  std::string signature;  // base64
};

// The bytes that are signed (before PAE).
std::string signed_text(std::string_view method, std::string_view target,
                        std::string_view device_id, std::string_view time);

// Signs a request; device_id is the key's keyid.
Result<Headers> sign_request(const PrivateKey& device_key, std::string_view method,
                             std::string_view target, TimePoint now);

// Errc::parse for a malformed time or signature encoding, Errc::crypto when the signature
// does not verify or device_id is not key's keyid, Errc::conflict ("request time ... outside
// the allowed skew") when the time is off by more than max_skew. Messages name the header.
Result<void> verify_request(const PublicKey& device_key, std::string_view method,
                            std::string_view target, const Headers& headers, TimePoint now,
                            std::chrono::seconds max_skew = kDefaultMaxSkew);

}  // namespace shouwei::device_auth
