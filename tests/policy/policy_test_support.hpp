// Builders shared by the policy tests: a fixed "now", a valid policy around it, and a signed
// envelope of it, so each test changes exactly the one thing it checks.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <doctest/doctest.h>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/policy.hpp"

namespace shouwei::test {

inline TimePoint policy_test_now() {
  return *parse_rfc3339("2026-11-21T08:00:00Z");
}

inline policy::Policy make_test_policy(std::int64_t version, std::string group = "finance") {
  policy::Policy p = policy::safe_defaults();
  p.version = version;
  p.issued_at = policy_test_now() - std::chrono::hours(1);
  p.expires_at = policy_test_now() + std::chrono::days(30);
  p.groups = {std::move(group)};
  return p;
}

inline PrivateKey make_test_key(KeyAlgorithm alg = KeyAlgorithm::ed25519) {
  auto key = PrivateKey::generate(alg);
  REQUIRE(key.ok());
  return std::move(key).value();
}

// Signs any payload bytes as a policy envelope.
inline std::string sign_policy_payload(std::string_view payload, const PrivateKey& key,
                                       std::string_view type = dsse::kPolicyPayloadType) {
  auto envelope = dsse::sign(type, payload, key);
  REQUIRE(envelope.ok());
  return dsse::serialize(*envelope);
}

inline std::string sign_policy(const policy::Policy& p, const PrivateKey& key) {
  auto canonical = policy::canonical_policy(p);
  REQUIRE(canonical.ok());
  return sign_policy_payload(*canonical, key);
}

}  // namespace shouwei::test
