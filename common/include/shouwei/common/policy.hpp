// The organisation's policy, schema "shouwei.policy/v1" (docs/policy.md, docs/schema/
// policy.schema.json): what every agent enforces (media rules) and judges (thresholds,
// prohibited browsing categories). It travels as a DSSE envelope of payload type
// dsse::kPolicyPayloadType whose payload is the RFC 8785 canonical JSON of the document, signed
// offline by the organisation's policy key; the public half is pinned on every PC.
//
// verify_policy_envelope gives the TUF-like guarantees: no forged content (pinned key), no
// rollback or replay (version strictly newer than the applied one), no indefinite freeze
// (expires_at), and no policy meant for another group.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/zone.hpp"

namespace shouwei::policy {

inline constexpr std::string_view kSchema = "shouwei.policy/v1";
// Policies are small; anything larger is refused before parsing.
inline constexpr std::size_t kMaxPolicyBytes = 1024u * 1024u;
inline constexpr std::size_t kMaxEnvelopeBytes = 2u * 1024u * 1024u;
// An issued_at later than now + this is refused: PC clocks drift a little, never by more.
inline constexpr std::chrono::minutes kMaxIssuedSkew{10};
// The regulations require logs to be kept at least this long.
inline constexpr std::int64_t kMinLogRetentionDays = 60;
// A group entry matching every device group.
inline constexpr std::string_view kAllGroups = "*";
// Group names are chosen by the security office and are often Chinese (财务处): 1 to 128 bytes
// of valid UTF-8 with no whitespace or control character (C0, DEL, C1). The same rule holds for
// a policy's `groups` and for the group of an enrollment secret, so every group can be named.
inline constexpr std::size_t kMaxGroupNameBytes = 128;
bool is_valid_group_name(std::string_view name);

enum class MediaMode { enforce, audit };
enum class UnregisteredMedia { block, read_only, allow };
enum class CrossZoneMedia { block };

std::string_view to_string(MediaMode mode) noexcept;
std::string_view to_string(UnregisteredMedia action) noexcept;
std::string_view to_string(CrossZoneMedia action) noexcept;

struct Thresholds {
  std::int64_t max_signature_age_hours = 72;
  std::int64_t max_days_since_patch = 30;
  std::int64_t max_pending_security = 0;
};

struct MediaRules {
  MediaMode mode = MediaMode::enforce;
  UnregisteredMedia unregistered = UnregisteredMedia::read_only;
  CrossZoneMedia cross_zone = CrossZoneMedia::block;
  std::vector<std::string> allow_list;  // media ids (from `shouweictl media register`)
};

struct CategoryDb {
  std::string url;     // https://... or a path on the server ("/...")
  std::string sha256;  // lowercase hex of the database file
  std::int64_t version = 0;
};

// The member defaults are the safe defaults an agent applies while it has no policy
// (version 0, never issued): they follow the regulations.
struct Policy {
  std::int64_t version = 0;
  TimePoint issued_at{};
  TimePoint expires_at{};
  std::vector<std::string> groups{std::string(kAllGroups)};
  std::optional<Zone> zone;
  std::int64_t snapshot_interval_seconds = 3600;
  Thresholds thresholds;
  std::vector<std::string> prohibited_categories{"adult", "gambling", "games", "p2p",
                                                 "video", "chat",     "stock"};
  std::int64_t log_retention_days = 90;
  MediaRules media;
  std::optional<CategoryDb> category_db;

  bool for_group(std::string_view device_group) const;
};

// The safe defaults (see Policy); also the template of `shouweictl policy init`.
Policy safe_defaults();

// Strict mapping of the document: every field required except zone and category_db (absent or
// null), unknown fields refused (a misspelt rule must not be silently ignored), every value
// range-checked. Errors are Errc::parse, one line naming the field ("policy.media.mode: ...").
Result<Policy> policy_from_json(const boost::json::value& doc);
// parse_strict (size cap kMaxPolicyBytes) + policy_from_json.
Result<Policy> parse_policy(std::string_view text);
// The JSON form (timestamps RFC 3339 UTC, absent zone/category_db as null).
boost::json::value policy_to_json(const Policy& policy);
// The bytes that are signed: RFC 8785 canonical form of policy_to_json.
Result<std::string> canonical_policy(const Policy& policy);

// Why an envelope was refused. Each has a stable code, used in messages and in events.
enum class Rejection {
  not_an_envelope,     // not DSSE JSON, truncated, or carrying no signature
  wrong_payload_type,  // not dsse::kPolicyPayloadType
  untrusted_key,       // no signature by the pinned key (keyid mismatch)
  bad_signature,       // names the pinned key but does not verify
  schema_invalid,      // the signed payload is not a valid shouwei.policy/v1 document
  issued_in_future,    // issued_at beyond now + kMaxIssuedSkew
  expired,             // expires_at <= now
  wrong_group,         // not addressed to this device's group
  not_newer,           // version <= the applied one (rollback or replay)
};
std::string_view to_string(Rejection reason) noexcept;
std::optional<Rejection> parse_rejection(std::string_view code);
// The reason of an Error returned by the verify functions below (their messages start with
// "<code>: "); nullopt for any other error.
std::optional<Rejection> rejection_of(const Error& error);

// Authenticity only: parses the envelope (cap kMaxEnvelopeBytes), checks the payload type, the
// pinned keyid, the signature, and the document. Used again when reading a stored policy.
Result<Policy> verify_policy_signature(std::string_view envelope_json, const PublicKey& pinned);

// Freshness and addressing of an authentic policy: issued_in_future, expired, wrong_group,
// not_newer (only when current_version is set), checked in that order.
Result<void> check_policy_applicable(const Policy& policy, TimePoint now,
                                     std::optional<std::int64_t> current_version,
                                     std::string_view device_group);

// Both of the above. On success the policy may be applied.
Result<Policy> verify_policy_envelope(std::string_view envelope_json, const PublicKey& pinned,
                                      TimePoint now, std::optional<std::int64_t> current_version,
                                      std::string_view device_group);

// The version an envelope claims, without any verification (for rejection events); nullopt
// when it cannot be read.
std::optional<std::int64_t> claimed_version(std::string_view envelope_json);

}  // namespace shouwei::policy
