#include "shouwei/common/dsse.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "shouwei/common/canonical_json.hpp"
#include "shouwei/common/encoding.hpp"

namespace shouwei::dsse {

namespace {

namespace bj = boost::json;

// More signatures than any of our envelopes carries; bounds the work verify() can be made to do.
constexpr std::size_t kMaxSignatures = 16;

Result<std::string> string_field(const bj::object& obj, std::string_view name,
                                 std::string_view where) {
  const bj::value* v = obj.if_contains(bj::string_view(name.data(), name.size()));
  if (v == nullptr) return fail(Errc::parse, "DSSE envelope: missing field " + std::string(where));
  if (!v->is_string())
    return fail(Errc::parse, "DSSE envelope: field " + std::string(where) + " is not a string");
  return std::string(v->get_string().data(), v->get_string().size());
}

Result<std::string> base64_field(const bj::object& obj, std::string_view name,
                                 std::string_view where) {
  SHOUWEI_TRY(std::string text, string_field(obj, name, where));
  auto bytes = base64_decode(text);
  if (!bytes)
    return fail(Errc::parse, "DSSE envelope: bad base64 in " + std::string(where) + ": " +
                                 bytes.error().message);
  return std::move(bytes).value();
}

Result<Signature> parse_signature(const bj::value& v, std::size_t index) {
  std::string where = "signatures[" + std::to_string(index) + "]";
  if (!v.is_object()) return fail(Errc::parse, "DSSE envelope: " + where + " is not an object");
  const bj::object& obj = v.get_object();
  Signature sig;
  // keyid is optional in DSSE v1; absent reads as "".
  if (obj.contains("keyid")) {
    SHOUWEI_TRY(sig.keyid, string_field(obj, "keyid", where + ".keyid"));
  }
  SHOUWEI_TRY(sig.sig, base64_field(obj, "sig", where + ".sig"));
  return sig;
}

// Untrusted text quoted in an error message: cut short, non-printable bytes replaced, so the
// message stays one readable line.
std::string printable(std::string_view text, std::size_t max = 64) {
  std::string out;
  for (char c : text.substr(0, max)) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace

std::string pae(std::string_view payload_type, std::string_view payload) {
  std::string out = "DSSEv1 ";
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(payload.size());
  out += ' ';
  out += payload;
  return out;
}

Result<Envelope> sign(std::string_view payload_type, std::string_view payload,
                      const PrivateKey& key) {
  SHOUWEI_TRY(std::string sig, key.sign(pae(payload_type, payload)));
  Envelope env;
  env.payload_type = std::string(payload_type);
  env.payload = std::string(payload);
  env.signatures.push_back(Signature{key.keyid(), std::move(sig)});
  return env;
}

Result<Envelope> parse(std::string_view json, std::size_t max_bytes) {
  if (json.size() > max_bytes) {
    return fail(Errc::limit_exceeded, "DSSE envelope of " + std::to_string(json.size()) +
                                          " bytes exceeds the limit of " +
                                          std::to_string(max_bytes));
  }
  auto doc = json::parse_strict(json, max_bytes);
  if (!doc) return fail(doc.error().code, "DSSE envelope: " + doc.error().message);
  if (!doc->is_object()) return fail(Errc::parse, "DSSE envelope: not a JSON object");
  const bj::object& obj = doc->get_object();

  Envelope env;
  SHOUWEI_TRY(env.payload_type, string_field(obj, "payloadType", "payloadType"));
  SHOUWEI_TRY(env.payload, base64_field(obj, "payload", "payload"));
  const bj::value* sigs = obj.if_contains("signatures");
  if (sigs == nullptr) return fail(Errc::parse, "DSSE envelope: missing field signatures");
  if (!sigs->is_array())
    return fail(Errc::parse, "DSSE envelope: field signatures is not an array");
  const bj::array& list = sigs->get_array();
  if (list.empty()) return fail(Errc::parse, "DSSE envelope: signatures is empty");
  if (list.size() > kMaxSignatures) {
    return fail(Errc::limit_exceeded, "DSSE envelope: " + std::to_string(list.size()) +
                                          " signatures, more than the limit of " +
                                          std::to_string(kMaxSignatures));
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    SHOUWEI_TRY(Signature sig, parse_signature(list[i], i));
    env.signatures.push_back(std::move(sig));
  }
  return env;
}

std::string serialize(const Envelope& envelope) {
  bj::array sigs;
  for (const auto& s : envelope.signatures) {
    sigs.push_back(bj::object{{"keyid", s.keyid}, {"sig", base64_encode(s.sig)}});
  }
  bj::object obj;
  obj["payloadType"] = envelope.payload_type;
  obj["payload"] = base64_encode(envelope.payload);
  obj["signatures"] = std::move(sigs);
  return bj::serialize(obj);
}

Result<void> verify(const Envelope& envelope, const PublicKey& key,
                    std::string_view expected_type) {
  if (!expected_type.empty() && envelope.payload_type != expected_type) {
    return fail(Errc::crypto, "unexpected payload type \"" + printable(envelope.payload_type, 128) +
                                  "\" (expected \"" + std::string(expected_type) + "\")");
  }
  const std::string message = pae(envelope.payload_type, envelope.payload);
  bool keyid_seen = false;
  for (const auto& sig : envelope.signatures) {
    // An empty keyid is allowed by DSSE ("the verifier tries its keys").
    if (!sig.keyid.empty() && sig.keyid != key.keyid()) continue;
    keyid_seen = true;
    if (key.verify(message, sig.sig)) return {};
  }
  if (!keyid_seen) {
    return fail(Errc::crypto,
                "keyid mismatch: no signature by key " + key.keyid() + " (envelope signed by " +
                    (envelope.signatures.empty() ? std::string("nobody")
                                                 : printable(envelope.signatures.front().keyid)) +
                    ")");
  }
  return fail(Errc::crypto,
              "bad signature: the signature by key " + key.keyid() + " does not verify");
}

}  // namespace shouwei::dsse
