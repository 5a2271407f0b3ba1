// Device-authenticated requests: a signed request verifies for its device key only, and any
// change to what was signed (method, target, device, time) or a time outside the skew refuses
// it, each with the error class the server maps to its HTTP answer.
#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "shouwei/common/device_auth.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/encoding.hpp"

using namespace shouwei;
using namespace std::chrono_literals;

namespace {

constexpr KeyAlgorithm kAll[] = {KeyAlgorithm::ed25519, KeyAlgorithm::p256, KeyAlgorithm::sm2};
constexpr std::string_view kTarget = "/api/v1/policy?have=3";

TimePoint at(std::string_view rfc3339) {
  return *parse_rfc3339(rfc3339);
}

Errc code_of(const Result<void>& r) {
  return r.ok() ? Errc::internal : r.error().code;
}

}  // namespace

TEST_CASE("signed text is method, target, device and time, one per line") {
  CHECK(device_auth::signed_text("GET", "/api/v1/policy", "ab12", "2026-11-21T08:30:00Z") ==
        "GET\n/api/v1/policy\nab12\n2026-11-21T08:30:00Z");
}

TEST_CASE("a signed request verifies against its device key, for every algorithm") {
  const TimePoint now = at("2026-11-21T08:30:00Z");
  for (KeyAlgorithm alg : kAll) {
    CAPTURE(to_string(alg));
    auto key = PrivateKey::generate(alg);
    REQUIRE(key.ok());
    auto headers = device_auth::sign_request(*key, "GET", kTarget, now);
    REQUIRE(headers.ok());
    CHECK(headers->device_id == key->keyid());
    CHECK(headers->time == "2026-11-21T08:30:00Z");
    // The signature is over the DSSE PAE of the signed text, so independent code can check it.
    auto sig = base64_decode(headers->signature);
    REQUIRE(sig.ok());
    CHECK(key->public_key()
              .verify(
                  dsse::pae(device_auth::kDeviceRequestPayloadType,
                            device_auth::signed_text("GET", kTarget, key->keyid(), headers->time)),
                  *sig)
              .ok());
    CHECK(device_auth::verify_request(key->public_key(), "GET", kTarget, *headers, now).ok());
  }
}

TEST_CASE("another device's key, or a device id that is not the key's, is refused") {
  const TimePoint now = at("2026-11-21T08:30:00Z");
  auto mine = PrivateKey::generate(KeyAlgorithm::ed25519);
  auto other = PrivateKey::generate(KeyAlgorithm::ed25519);
  REQUIRE(mine.ok());
  REQUIRE(other.ok());
  auto headers = device_auth::sign_request(*mine, "GET", kTarget, now);
  REQUIRE(headers.ok());

  auto r = device_auth::verify_request(other->public_key(), "GET", kTarget, *headers, now);
  CHECK(code_of(r) == Errc::crypto);
  CHECK(r.error().message.find("Shouwei-Device") != std::string::npos);

  // Claiming the other device's id with my signature: the id matches the key, the signature not.
  device_auth::Headers claimed = *headers;
  claimed.device_id = other->keyid();
  r = device_auth::verify_request(other->public_key(), "GET", kTarget, claimed, now);
  CHECK(code_of(r) == Errc::crypto);
  CHECK(r.error().message.find("Shouwei-Signature") != std::string::npos);
}

TEST_CASE("altering the method, target or time breaks the signature") {
  const TimePoint now = at("2026-11-21T08:30:00Z");
  auto key = PrivateKey::generate(KeyAlgorithm::p256);
  REQUIRE(key.ok());
  const PublicKey& pub = key->public_key();
  auto headers = device_auth::sign_request(*key, "GET", kTarget, now);
  REQUIRE(headers.ok());

  CHECK(code_of(device_auth::verify_request(pub, "POST", kTarget, *headers, now)) == Errc::crypto);
  CHECK(code_of(device_auth::verify_request(pub, "GET", "/api/v1/policy?have=4", *headers, now)) ==
        Errc::crypto);
  CHECK(code_of(device_auth::verify_request(pub, "GET", "/api/v1/policy", *headers, now)) ==
        Errc::crypto);
  device_auth::Headers moved = *headers;
  moved.time = "2026-11-21T08:31:00Z";  // within the skew, but not what was signed
  CHECK(code_of(device_auth::verify_request(pub, "GET", kTarget, moved, now)) == Errc::crypto);
}

TEST_CASE("a request time outside the allowed skew is refused in both directions") {
  auto key = PrivateKey::generate(KeyAlgorithm::ed25519);
  REQUIRE(key.ok());
  const PublicKey& pub = key->public_key();
  const TimePoint signed_at = at("2026-11-21T08:30:00Z");
  auto headers = device_auth::sign_request(*key, "GET", kTarget, signed_at);
  REQUIRE(headers.ok());

  // At the edge of the default skew (10 minutes) it still verifies.
  CHECK(device_auth::verify_request(pub, "GET", kTarget, *headers, signed_at + 10min).ok());
  CHECK(device_auth::verify_request(pub, "GET", kTarget, *headers, signed_at - 10min).ok());

  auto late = device_auth::verify_request(pub, "GET", kTarget, *headers, signed_at + 11min);
  CHECK(code_of(late) == Errc::conflict);
  CHECK(late.error().message.find("outside the allowed skew") != std::string::npos);
  CHECK(code_of(device_auth::verify_request(pub, "GET", kTarget, *headers, signed_at - 11min)) ==
        Errc::conflict);
  // A caller's own, tighter skew applies.
  CHECK(code_of(device_auth::verify_request(pub, "GET", kTarget, *headers, signed_at + 31s, 30s)) ==
        Errc::conflict);
}

TEST_CASE("malformed headers are refused as parse errors naming the header") {
  const TimePoint now = at("2026-11-21T08:30:00Z");
  auto key = PrivateKey::generate(KeyAlgorithm::ed25519);
  REQUIRE(key.ok());
  const PublicKey& pub = key->public_key();
  auto good = device_auth::sign_request(*key, "GET", kTarget, now);
  REQUIRE(good.ok());

  struct Case {
    const char* name;
    void (*change)(device_auth::Headers&);
    const char* header;
  };
  const Case cases[] = {
      {"garbage base64", [](device_auth::Headers& h) { h.signature = "!!not base64!!"; },
       "Shouwei-Signature"},
      {"empty signature", [](device_auth::Headers& h) { h.signature.clear(); },
       "Shouwei-Signature"},
      {"huge signature", [](device_auth::Headers& h) { h.signature.assign(100000, 'A'); },
       "Shouwei-Signature"},
      {"time not RFC 3339", [](device_auth::Headers& h) { h.time = "yesterday"; }, "Shouwei-Time"},
      {"empty time", [](device_auth::Headers& h) { h.time.clear(); }, "Shouwei-Time"},
      {"missing device", [](device_auth::Headers& h) { h.device_id.clear(); }, "Shouwei-Device"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    device_auth::Headers h = *good;
    c.change(h);
    auto r = device_auth::verify_request(pub, "GET", kTarget, h, now);
    CHECK(code_of(r) == Errc::parse);
    CHECK(r.error().message.find(c.header) != std::string::npos);
  }
  // Valid base64 that is not a signature is a crypto failure, not a crash.
  device_auth::Headers h = *good;
  h.signature = base64_encode("short");
  CHECK(code_of(device_auth::verify_request(pub, "GET", kTarget, h, now)) == Errc::crypto);
}
