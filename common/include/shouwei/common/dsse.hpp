// DSSE v1 ("Dead Simple Signing Envelope", in-toto/Sigstore):
//   {"payloadType": T, "payload": base64(BODY), "signatures": [{"keyid": K, "sig": base64(SIG)}]}
// SIG signs PAE(T, BODY) = "DSSEv1" SP LEN(T) SP T SP LEN(BODY) SP BODY, LEN in ASCII decimal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/keys.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::dsse {

inline constexpr std::string_view kSnapshotPayloadType = "application/vnd.shouwei.snapshot+json";
inline constexpr std::string_view kPolicyPayloadType = "application/vnd.shouwei.policy+json";
inline constexpr std::string_view kMediaTagPayloadType = "application/vnd.shouwei.mediatag+json";

struct Signature {
  std::string keyid;
  std::string sig;  // raw signature bytes (decoded)
};

struct Envelope {
  std::string payload_type;
  std::string payload;  // raw payload bytes (decoded)
  std::vector<Signature> signatures;
};

std::string pae(std::string_view payload_type, std::string_view payload);

// Signs payload with key; the envelope carries one signature with the key's keyid.
Result<Envelope> sign(std::string_view payload_type, std::string_view payload,
                      const PrivateKey& key);

// Parses the JSON form (strictly, see json::parse_strict; unknown fields are ignored). Fails
// with Errc::parse naming the problem ("malformed JSON", "missing field payload", "bad base64
// in signatures[0].sig", ...) and Errc::limit_exceeded beyond max_bytes or more than 16
// signatures. An envelope without signatures is malformed. base64 may use either alphabet,
// padded or not; a missing keyid reads as "".
Result<Envelope> parse(std::string_view json, std::size_t max_bytes = 16u * 1024u * 1024u);

// The JSON form, compact, fields in the order of the spec, standard padded base64.
std::string serialize(const Envelope& envelope);

// Succeeds when a signature whose keyid matches key (or is empty, as DSSE allows) verifies over
// PAE. Fails with Errc::crypto and a message starting with one of: "unexpected payload type"
// (when expected_type is not empty and differs; checked first), "keyid mismatch" (no signature
// names this key), "bad signature" (one names it but none verifies). Untrusted text quoted in
// the message is cut short and made printable.
Result<void> verify(const Envelope& envelope, const PublicKey& key,
                    std::string_view expected_type = {});

}  // namespace shouwei::dsse
