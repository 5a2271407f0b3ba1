// Parsers of the untrusted request bodies the agents send. Pure functions over bytes: no
// database, no clock, no crypto, so they are unit-tested and fuzzed on their own. Every input
// is size-capped; every error is one line naming the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/server/store.hpp"

namespace shouwei::server {

inline constexpr std::string_view kSnapshotSchema = "shouwei.snapshot/v1";
inline constexpr std::size_t kMaxEnrollBodyBytes = 1u << 20;
inline constexpr std::size_t kMaxChecksPerSnapshot = 10000;
inline constexpr std::size_t kMaxEventsPerSnapshot = 10000;

struct EnrollRequest {
  std::string enroll_secret;
  std::string public_key_pem;
  std::string key_algorithm;   // "ed25519" | "p256" | "sm2", not yet checked against the key
  std::string inventory_json;  // the inventory object re-serialized ("{}" when absent)
  std::optional<std::string> hostname;  // inventory.hostname when it is a string
};

// POST /api/v1/enroll body. Fails with Errc::parse (malformed JSON, missing or mistyped field,
// unknown key_algorithm) or Errc::limit_exceeded (body over kMaxEnrollBodyBytes, secret or key
// longer than their caps).
Result<EnrollRequest> parse_enroll_request(std::string_view body);

// The facts of a shouwei.snapshot/v1 payload the server stores and filters on.
struct SnapshotFacts {
  std::string device_id;
  std::int64_t seq = 0;
  TimePoint taken_at;
  std::string agent_version;
  std::optional<std::int64_t> policy_version;
  std::string zone;  // intranet | extranet | internet
  std::optional<std::string> hostname;
  std::string compliance;  // overall result of the checks: pass | fail | unknown
  std::vector<ComplianceCheck> checks;
  std::vector<SnapshotEvent> events;  // the "events" arrays of the sections, in order
};

// Validates a decoded snapshot payload against shouwei.snapshot/v1 (strict JSON: duplicate
// keys refused) and extracts its facts. Unknown top-level keys are ignored (forward
// compatibility); known ones must have the documented types. Fails with Errc::parse naming
// the field, Errc::unsupported for another schema, Errc::limit_exceeded past the caps.
Result<SnapshotFacts> parse_snapshot_payload(std::string_view payload);

// Overall result of a list of checks: fail if any fails, else unknown if any is unknown or
// there are none, else pass.
std::string overall_compliance(const std::vector<ComplianceCheck>& checks);

}  // namespace shouwei::server
