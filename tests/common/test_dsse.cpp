// DSSE v1 envelopes: PAE, round trips for every algorithm, and the tampering a verifier must
// catch, each with its own message.
#include <string>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "shouwei/common/dsse.hpp"
#include "shouwei/common/encoding.hpp"

using namespace shouwei;
namespace bj = boost::json;

namespace {

constexpr KeyAlgorithm kAll[] = {KeyAlgorithm::ed25519, KeyAlgorithm::p256, KeyAlgorithm::sm2};
constexpr std::string_view kPayload = R"({"schema":"shouwei.snapshot/v1","seq":7})";

// Edits one field of a serialized envelope, as an attacker would.
std::string edit(const std::string& json, void (*change)(bj::object&)) {
  bj::value v = bj::parse(json);
  change(v.as_object());
  return bj::serialize(v);
}

bj::object& first_signature(bj::object& env) {
  return env["signatures"].as_array()[0].as_object();
}

std::string message_of(const Result<void>& r) {
  return r.ok() ? std::string("ok") : r.error().message;
}

}  // namespace

TEST_CASE("PAE is exactly the DSSE v1 encoding") {
  CHECK(dsse::pae("http://example.com/HelloWorld", "hello world") ==
        "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  CHECK(dsse::pae("", "") == "DSSEv1 0  0 ");
  // Lengths are byte counts, so multi-byte UTF-8 counts per byte.
  CHECK(dsse::pae("t", "\xe5\xae\x88") == "DSSEv1 1 t 3 \xe5\xae\x88");
}

TEST_CASE("envelopes round-trip through JSON and verify, for every algorithm") {
  for (KeyAlgorithm alg : kAll) {
    CAPTURE(to_string(alg));
    auto key = PrivateKey::generate(alg);
    REQUIRE(key.ok());
    auto env = dsse::sign(dsse::kSnapshotPayloadType, kPayload, *key);
    REQUIRE(env.ok());
    std::string json = dsse::serialize(*env);

    bj::value v = bj::parse(json);
    CHECK(v.at("payloadType").as_string() == dsse::kSnapshotPayloadType);
    CHECK(v.at("payload").as_string() == base64_encode(kPayload));
    CHECK(v.at("signatures").as_array()[0].at("keyid").as_string() == key->keyid());

    auto parsed = dsse::parse(json);
    REQUIRE(parsed.ok());
    CHECK(parsed->payload == kPayload);
    CHECK(parsed->payload_type == dsse::kSnapshotPayloadType);
    CHECK(dsse::verify(*parsed, key->public_key(), dsse::kSnapshotPayloadType).ok());
    CHECK(dsse::verify(*parsed, key->public_key()).ok());
    CHECK(dsse::serialize(*parsed) == json);
  }
}

TEST_CASE("tampered envelopes are rejected with distinct reasons") {
  for (KeyAlgorithm alg : kAll) {
    CAPTURE(to_string(alg));
    auto key = PrivateKey::generate(alg);
    REQUIRE(key.ok());
    const std::string json =
        dsse::serialize(*dsse::sign(dsse::kSnapshotPayloadType, kPayload, *key));
    const PublicKey& pub = key->public_key();
    auto verify_json = [&](const std::string& text,
                           std::string_view expected_type = dsse::kSnapshotPayloadType) {
      auto env = dsse::parse(text);
      REQUIRE(env.ok());
      return dsse::verify(*env, pub, expected_type);
    };

    SUBCASE("payload") {
      auto r = verify_json(edit(json, [](bj::object& e) {
        e["payload"] = base64_encode(R"({"schema":"shouwei.snapshot/v1","seq":8})");
      }));
      CHECK(message_of(r).rfind("bad signature", 0) == 0);
      CHECK(r.error().code == Errc::crypto);
    }
    SUBCASE("signature") {
      auto r = verify_json(edit(json, [](bj::object& e) {
        std::string sig = *base64_decode(first_signature(e)["sig"].as_string());
        sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x01);
        first_signature(e)["sig"] = base64_encode(sig);
      }));
      CHECK(message_of(r).rfind("bad signature", 0) == 0);
    }
    SUBCASE("signature truncated") {
      auto r = verify_json(edit(json, [](bj::object& e) {
        std::string sig = *base64_decode(first_signature(e)["sig"].as_string());
        first_signature(e)["sig"] = base64_encode(sig.substr(0, sig.size() - 1));
      }));
      CHECK(message_of(r).rfind("bad signature", 0) == 0);
    }
    SUBCASE("keyid") {
      auto r = verify_json(
          edit(json, [](bj::object& e) { first_signature(e)["keyid"] = std::string(64, 'a'); }));
      CHECK(message_of(r).rfind("keyid mismatch", 0) == 0);
      CHECK(r.error().code == Errc::crypto);
    }
    SUBCASE("payloadType, with an expected type") {
      auto r = verify_json(
          edit(json, [](bj::object& e) { e["payloadType"] = dsse::kPolicyPayloadType; }));
      CHECK(message_of(r).rfind("unexpected payload type", 0) == 0);
    }
    SUBCASE("payloadType, without an expected type: PAE covers it") {
      auto r = verify_json(
          edit(json, [](bj::object& e) { e["payloadType"] = dsse::kPolicyPayloadType; }), {});
      CHECK(message_of(r).rfind("bad signature", 0) == 0);
    }
    SUBCASE("another key of the same algorithm") {
      auto other = PrivateKey::generate(alg);
      auto env = dsse::parse(json);
      auto r = dsse::verify(*env, other->public_key());
      CHECK(message_of(r).rfind("keyid mismatch", 0) == 0);
    }
    SUBCASE("a forged signature claiming the right keyid") {
      auto forger = PrivateKey::generate(alg);
      auto forged = dsse::sign(dsse::kSnapshotPayloadType, kPayload, *forger);
      forged->signatures[0].keyid = key->keyid();
      CHECK(message_of(dsse::verify(*forged, pub)).rfind("bad signature", 0) == 0);
    }
  }
}

TEST_CASE("a signature without keyid is tried, and any matching signature suffices") {
  auto key = PrivateKey::generate(KeyAlgorithm::ed25519);
  auto other = PrivateKey::generate(KeyAlgorithm::p256);
  auto env = dsse::sign("t", "body", *key);
  env->signatures[0].keyid.clear();
  CHECK(dsse::verify(*env, key->public_key()).ok());

  auto multi = dsse::sign("t", "body", *other);
  multi->signatures.push_back(dsse::sign("t", "body", *key)->signatures[0]);
  CHECK(dsse::verify(*multi, key->public_key()).ok());
  CHECK(dsse::verify(*multi, other->public_key()).ok());
}

TEST_CASE("parse accepts the URL-safe base64 the spec allows") {
  auto key = PrivateKey::generate(KeyAlgorithm::ed25519);
  const std::string payload("\xfb\xff\xbf\xfe", 4);
  auto env = dsse::sign("application/octet-stream", payload, *key);
  std::string json = edit(dsse::serialize(*env), [](bj::object& e) {
    std::string text(e["payload"].as_string());
    for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!text.empty() && text.back() == '=') text.pop_back();
    e["payload"] = text;
  });
  CHECK(json.find("-_-") != std::string::npos);
  auto parsed = dsse::parse(json);
  REQUIRE(parsed.ok());
  CHECK(parsed->payload == payload);
  CHECK(dsse::verify(*parsed, key->public_key()).ok());
}

TEST_CASE("malformed envelopes fail with Errc::parse naming the problem") {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {"", "malformed JSON"},
      {"{", "malformed JSON"},
      {"{\"payloadType\":\"t\",}", "malformed JSON"},
      {"[]", "not a JSON object"},
      {R"({"payload":"","signatures":[{"sig":""}]})", "missing field payloadType"},
      {R"({"payloadType":"t","signatures":[{"sig":""}]})", "missing field payload"},
      {R"({"payloadType":"t","payload":""})", "missing field signatures"},
      {R"({"payloadType":1,"payload":"","signatures":[{"sig":""}]})",
       "payloadType is not a string"},
      {R"({"payloadType":"t","payload":"!!","signatures":[{"sig":""}]})", "bad base64 in payload"},
      {R"({"payloadType":"t","payload":"","signatures":{}})", "signatures is not an array"},
      {R"({"payloadType":"t","payload":"","signatures":[]})", "signatures is empty"},
      {R"({"payloadType":"t","payload":"","signatures":[1]})", "signatures[0] is not an object"},
      {R"({"payloadType":"t","payload":"","signatures":[{"keyid":"k"}]})",
       "missing field signatures[0].sig"},
      {R"({"payloadType":"t","payload":"","signatures":[{"sig":"Zg="}]})",
       "bad base64 in signatures[0].sig"},
      {R"({"payloadType":"t","payload":"","signatures":[{"keyid":7,"sig":""}]})",
       "signatures[0].keyid is not a string"},
      {R"({"payloadType":"t","payload":"","payload":"Zg==","signatures":[{"sig":""}]})",
       "duplicate object key"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.json);
    auto r = dsse::parse(c.json);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::parse);
    CHECK(r.error().message.find(c.message) != std::string::npos);
    CHECK(r.error().message.find('\n') == std::string::npos);
  }
}

TEST_CASE("parse enforces its size cap and a bound on signatures") {
  auto big = dsse::parse(std::string(2000, ' '), 1000);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == Errc::limit_exceeded);

  bj::array sigs;
  for (int i = 0; i < 17; ++i) sigs.push_back(bj::object{{"sig", ""}});
  bj::object env{{"payloadType", "t"}, {"payload", ""}, {"signatures", sigs}};
  auto many = dsse::parse(bj::serialize(env));
  REQUIRE_FALSE(many.ok());
  CHECK(many.error().code == Errc::limit_exceeded);
}

TEST_CASE("error messages quote untrusted text on one printable line") {
  auto key = PrivateKey::generate(KeyAlgorithm::ed25519);
  auto env = dsse::sign("evil\ntype", "x", *key);
  auto r = dsse::verify(*env, key->public_key(), "good");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find('\n') == std::string::npos);
  env->signatures[0].keyid = "bad\nkeyid";
  auto k = dsse::verify(*env, key->public_key());
  REQUIRE_FALSE(k.ok());
  CHECK(k.error().message.find('\n') == std::string::npos);
}
