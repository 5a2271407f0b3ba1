#include "shouwei/common/policy.hpp"

#include <algorithm>
#include <array>
#include <set>

#include <boost/json.hpp>

#include "shouwei/common/canonical_json.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/utf8.hpp"

namespace shouwei::policy {

namespace bj = boost::json;

std::string_view to_string(MediaMode mode) noexcept {
  return mode == MediaMode::enforce ? "enforce" : "audit";
}

std::string_view to_string(UnregisteredMedia action) noexcept {
  switch (action) {
    case UnregisteredMedia::block:
      return "block";
    case UnregisteredMedia::read_only:
      return "read_only";
    case UnregisteredMedia::allow:
      return "allow";
  }
  return "block";
}

std::string_view to_string(CrossZoneMedia) noexcept {
  return "block";
}

bool is_valid_group_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxGroupNameBytes || to_valid_utf8(name) != name) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto byte = static_cast<unsigned char>(name[i]);
    if (byte <= 0x20 || byte == 0x7f) return false;  // C0 controls, space, DEL
    // C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8; U+00A0 and U+3000 are spaces.
    const auto next = i + 1 < name.size() ? static_cast<unsigned char>(name[i + 1]) : 0;
    if (byte == 0xc2 && next >= 0x80 && next <= 0xa0) return false;
    if (byte == 0xe3 && next == 0x80 && i + 2 < name.size() &&
        static_cast<unsigned char>(name[i + 2]) == 0x80) {
      return false;
    }
  }
  return true;
}

bool Policy::for_group(std::string_view device_group) const {
  return std::any_of(groups.begin(), groups.end(),
                     [&](const std::string& g) { return g == kAllGroups || g == device_group; });
}

Policy safe_defaults() {
  return Policy{};
}

namespace {

// Limits of the document: generous for any real organisation, small enough that a hostile
// document cannot make an agent allocate much.
constexpr std::size_t kMaxGroups = 256;
constexpr std::size_t kMaxCategories = 256;
constexpr std::size_t kMaxAllowList = 10'000;
constexpr std::size_t kMaxNameBytes = 128;
constexpr std::size_t kMaxUrlBytes = 2048;
constexpr std::int64_t kMaxVersion = std::int64_t{1} << 53;  // canonical JSON integer range

Failure field_error(std::string_view field, std::string_view what) {
  return fail(Errc::parse, "policy." + std::string(field) + ": " + std::string(what));
}

// The object's members must all be known; returns the first stranger's error.
Result<void> only_known(const bj::object& obj, std::string_view where,
                        std::initializer_list<std::string_view> known) {
  for (const auto& member : obj) {
    if (std::find(known.begin(), known.end(), member.key()) == known.end()) {
      std::string key(member.key().substr(0, 64));
      return field_error(where.empty() ? key : std::string(where) + "." + key, "unknown field");
    }
  }
  return {};
}

Result<const bj::value*> required(const bj::object& obj, std::string_view field,
                                  std::string_view name) {
  const bj::value* v = obj.if_contains(name);
  if (v == nullptr) return field_error(field, "missing");
  return v;
}

Result<std::int64_t> get_int(const bj::object& obj, std::string_view field, std::string_view name,
                             std::int64_t min, std::int64_t max) {
  SHOUWEI_TRY(const bj::value* v, required(obj, field, name));
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(max)) {
    n = static_cast<std::int64_t>(v->get_uint64());
  } else {
    return field_error(field, "must be an integer");
  }
  if (n < min || n > max) {
    return field_error(field, "must be between " + std::to_string(min) + " and " +
                                  std::to_string(max) + ", got " + std::to_string(n));
  }
  return n;
}

// Group names may be any UTF-8 text without whitespace or controls (see is_valid_group_name).
Result<std::string> get_group_name(const bj::value& v, std::string_view field) {
  if (!v.is_string()) return field_error(field, "must be a string");
  std::string_view s = v.get_string();
  if (!is_valid_group_name(s)) {
    return field_error(field, "must be 1 to " + std::to_string(kMaxGroupNameBytes) +
                                  " bytes of UTF-8 without spaces or control characters");
  }
  return std::string(s);
}

bool is_printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

Result<std::string> get_string(const bj::value& v, std::string_view field, std::size_t max_bytes) {
  if (!v.is_string()) return field_error(field, "must be a string");
  std::string_view s = v.get_string();
  if (s.empty() || s.size() > max_bytes || !is_printable_ascii(s)) {
    return field_error(field, "must be 1 to " + std::to_string(max_bytes) +
                                  " printable ASCII characters without spaces");
  }
  return std::string(s);
}

Result<std::string> get_member_string(const bj::object& obj, std::string_view field,
                                      std::string_view name, std::size_t max_bytes) {
  SHOUWEI_TRY(const bj::value* v, required(obj, field, name));
  return get_string(*v, field, max_bytes);
}

Result<TimePoint> get_time(const bj::object& obj, std::string_view field, std::string_view name) {
  SHOUWEI_TRY(std::string text, get_member_string(obj, field, name, 64));
  auto t = parse_rfc3339(text);
  if (!t) return field_error(field, "not an RFC 3339 timestamp");
  return *t;
}

// A list of distinct names; empty allowed only when allow_empty.
Result<std::string> get_ascii_name(const bj::value& v, std::string_view field) {
  return get_string(v, field, kMaxNameBytes);
}

using NameReader = Result<std::string> (*)(const bj::value&, std::string_view field);

Result<std::vector<std::string>> get_names(const bj::object& obj, std::string_view field,
                                           std::string_view name, std::size_t max_items,
                                           bool allow_empty,
                                           NameReader read_name = get_ascii_name) {
  SHOUWEI_TRY(const bj::value* v, required(obj, field, name));
  const bj::array* arr = v->if_array();
  if (arr == nullptr) return field_error(field, "must be an array");
  if (arr->size() > max_items) {
    return field_error(field, "more than " + std::to_string(max_items) + " entries");
  }
  if (arr->empty() && !allow_empty) return field_error(field, "must not be empty");
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    std::string item_field = std::string(field) + "[" + std::to_string(i) + "]";
    SHOUWEI_TRY(std::string s, read_name((*arr)[i], item_field));
    if (!seen.insert(s).second) return field_error(item_field, "duplicate entry");
    out.push_back(std::move(s));
  }
  return out;
}

// Maps a string member onto one of names (index into the enum).
template <typename E, std::size_t N>
Result<E> get_enum(const bj::object& obj, std::string_view field, std::string_view name,
                   const std::array<std::string_view, N>& names) {
  SHOUWEI_TRY(std::string s, get_member_string(obj, field, name, 32));
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  std::string expected;
  for (auto n : names) expected += (expected.empty() ? "" : " | ") + std::string(n);
  return field_error(field, "must be one of " + expected);
}

Result<MediaRules> media_from_json(const bj::value& v) {
  const bj::object* obj = v.if_object();
  if (obj == nullptr) return field_error("media", "must be an object");
  SHOUWEI_TRY_VOID(only_known(*obj, "media", {"mode", "unregistered", "cross_zone", "allow_list"}));
  MediaRules m;
  SHOUWEI_TRY(m.mode, get_enum<MediaMode>(*obj, "media.mode", "mode",
                                          std::array<std::string_view, 2>{"enforce", "audit"}));
  SHOUWEI_TRY(m.unregistered, get_enum<UnregisteredMedia>(
                                  *obj, "media.unregistered", "unregistered",
                                  std::array<std::string_view, 3>{"block", "read_only", "allow"}));
  SHOUWEI_TRY(m.cross_zone, get_enum<CrossZoneMedia>(*obj, "media.cross_zone", "cross_zone",
                                                     std::array<std::string_view, 1>{"block"}));
  SHOUWEI_TRY(m.allow_list, get_names(*obj, "media.allow_list", "allow_list", kMaxAllowList, true));
  return m;
}

Result<Thresholds> thresholds_from_json(const bj::value& v) {
  const bj::object* obj = v.if_object();
  if (obj == nullptr) return field_error("thresholds", "must be an object");
  SHOUWEI_TRY_VOID(
      only_known(*obj, "thresholds",
                 {"max_signature_age_hours", "max_days_since_patch", "max_pending_security"}));
  Thresholds t;
  SHOUWEI_TRY(t.max_signature_age_hours, get_int(*obj, "thresholds.max_signature_age_hours",
                                                 "max_signature_age_hours", 1, 24 * 365));
  SHOUWEI_TRY(t.max_days_since_patch,
              get_int(*obj, "thresholds.max_days_since_patch", "max_days_since_patch", 0, 3650));
  SHOUWEI_TRY(t.max_pending_security,
              get_int(*obj, "thresholds.max_pending_security", "max_pending_security", 0, 100'000));
  return t;
}

Result<std::optional<CategoryDb>> category_db_from_json(const bj::object& doc) {
  const bj::value* v = doc.if_contains("category_db");
  if (v == nullptr || v->is_null()) return std::optional<CategoryDb>{};
  const bj::object* obj = v->if_object();
  if (obj == nullptr) return field_error("category_db", "must be an object or null");
  SHOUWEI_TRY_VOID(only_known(*obj, "category_db", {"url", "sha256", "version"}));
  CategoryDb db;
  SHOUWEI_TRY(db.url, get_member_string(*obj, "category_db.url", "url", kMaxUrlBytes));
  if (!db.url.starts_with("https://") && !db.url.starts_with("/")) {
    return field_error("category_db.url", "must start with https:// or /");
  }
  SHOUWEI_TRY(db.sha256, get_member_string(*obj, "category_db.sha256", "sha256", 64));
  bool hex = db.sha256.size() == 64 && std::all_of(db.sha256.begin(), db.sha256.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
             });
  if (!hex) return field_error("category_db.sha256", "must be 64 lowercase hex digits");
  SHOUWEI_TRY(db.version, get_int(*obj, "category_db.version", "version", 1, kMaxVersion));
  return std::optional<CategoryDb>(std::move(db));
}

Result<std::optional<Zone>> zone_from_json(const bj::object& doc) {
  const bj::value* v = doc.if_contains("zone");
  if (v == nullptr || v->is_null()) return std::optional<Zone>{};
  if (!v->is_string()) return field_error("zone", "must be a string or null");
  auto zone = parse_zone(v->get_string());
  if (!zone) return field_error("zone", "must be one of intranet | extranet | internet");
  return zone;
}

Result<const bj::value*> required_object_member(const bj::object& obj, std::string_view name) {
  return required(obj, name, name);
}

}  // namespace

Result<Policy> policy_from_json(const bj::value& doc) {
  const bj::object* obj = doc.if_object();
  if (obj == nullptr) return fail(Errc::parse, "policy: must be a JSON object");
  SHOUWEI_TRY_VOID(only_known(*obj, "",
                              {"schema", "version", "issued_at", "expires_at", "groups", "zone",
                               "snapshot_interval_seconds", "thresholds", "prohibited_categories",
                               "log_retention_days", "media", "category_db"}));
  SHOUWEI_TRY(std::string schema, get_member_string(*obj, "schema", "schema", 64));
  if (schema != kSchema) return field_error("schema", "must be " + std::string(kSchema));
  Policy p;
  SHOUWEI_TRY(p.version, get_int(*obj, "version", "version", 1, kMaxVersion));
  SHOUWEI_TRY(p.issued_at, get_time(*obj, "issued_at", "issued_at"));
  SHOUWEI_TRY(p.expires_at, get_time(*obj, "expires_at", "expires_at"));
  if (p.expires_at <= p.issued_at) return field_error("expires_at", "must be after issued_at");
  SHOUWEI_TRY(p.groups, get_names(*obj, "groups", "groups", kMaxGroups, false, get_group_name));
  SHOUWEI_TRY(p.zone, zone_from_json(*obj));
  SHOUWEI_TRY(p.snapshot_interval_seconds,
              get_int(*obj, "snapshot_interval_seconds", "snapshot_interval_seconds", 60, 86'400));
  SHOUWEI_TRY(const bj::value* thresholds, required_object_member(*obj, "thresholds"));
  SHOUWEI_TRY(p.thresholds, thresholds_from_json(*thresholds));
  SHOUWEI_TRY(p.prohibited_categories, get_names(*obj, "prohibited_categories",
                                                 "prohibited_categories", kMaxCategories, true));
  SHOUWEI_TRY(p.log_retention_days, get_int(*obj, "log_retention_days", "log_retention_days",
                                            kMinLogRetentionDays, 3650));
  SHOUWEI_TRY(const bj::value* media, required_object_member(*obj, "media"));
  SHOUWEI_TRY(p.media, media_from_json(*media));
  SHOUWEI_TRY(p.category_db, category_db_from_json(*obj));
  return p;
}

Result<Policy> parse_policy(std::string_view text) {
  auto doc = json::parse_strict(text, kMaxPolicyBytes);
  if (!doc) return fail(doc.error().code, "policy: " + doc.error().message);
  return policy_from_json(*doc);
}

namespace {

bj::array to_array(const std::vector<std::string>& items) {
  bj::array arr;
  for (const auto& s : items) arr.emplace_back(s);
  return arr;
}

}  // namespace

bj::value policy_to_json(const Policy& p) {
  bj::object doc;
  doc["schema"] = kSchema;
  doc["version"] = p.version;
  doc["issued_at"] = format_rfc3339(p.issued_at);
  doc["expires_at"] = format_rfc3339(p.expires_at);
  doc["groups"] = to_array(p.groups);
  doc["zone"] = p.zone ? bj::value(to_string(*p.zone)) : bj::value(nullptr);
  doc["snapshot_interval_seconds"] = p.snapshot_interval_seconds;
  doc["thresholds"] = {{"max_signature_age_hours", p.thresholds.max_signature_age_hours},
                       {"max_days_since_patch", p.thresholds.max_days_since_patch},
                       {"max_pending_security", p.thresholds.max_pending_security}};
  doc["prohibited_categories"] = to_array(p.prohibited_categories);
  doc["log_retention_days"] = p.log_retention_days;
  bj::object media;
  media["mode"] = to_string(p.media.mode);
  media["unregistered"] = to_string(p.media.unregistered);
  media["cross_zone"] = to_string(p.media.cross_zone);
  media["allow_list"] = to_array(p.media.allow_list);
  doc["media"] = std::move(media);
  if (p.category_db) {
    doc["category_db"] = {{"url", p.category_db->url},
                          {"sha256", p.category_db->sha256},
                          {"version", p.category_db->version}};
  } else {
    doc["category_db"] = nullptr;
  }
  return doc;
}

Result<std::string> canonical_policy(const Policy& policy) {
  return json::canonicalize(policy_to_json(policy));
}

std::string_view to_string(Rejection reason) noexcept {
  switch (reason) {
    case Rejection::not_an_envelope:
      return "not_an_envelope";
    case Rejection::wrong_payload_type:
      return "wrong_payload_type";
    case Rejection::untrusted_key:
      return "untrusted_key";
    case Rejection::bad_signature:
      return "bad_signature";
    case Rejection::schema_invalid:
      return "schema_invalid";
    case Rejection::issued_in_future:
      return "issued_in_future";
    case Rejection::expired:
      return "expired";
    case Rejection::wrong_group:
      return "wrong_group";
    case Rejection::not_newer:
      return "not_newer";
  }
  return "not_an_envelope";
}

std::optional<Rejection> parse_rejection(std::string_view code) {
  constexpr std::array kAll{
      Rejection::not_an_envelope, Rejection::wrong_payload_type, Rejection::untrusted_key,
      Rejection::bad_signature,   Rejection::schema_invalid,     Rejection::issued_in_future,
      Rejection::expired,         Rejection::wrong_group,        Rejection::not_newer};
  for (Rejection r : kAll) {
    if (to_string(r) == code) return r;
  }
  return std::nullopt;
}

std::optional<Rejection> rejection_of(const Error& error) {
  const auto colon = error.message.find(": ");
  if (colon == std::string::npos) return std::nullopt;
  return parse_rejection(std::string_view(error.message).substr(0, colon));
}

namespace {

Failure reject(Rejection reason, Errc code, std::string_view detail) {
  return fail(code, std::string(to_string(reason)) + ": " + std::string(detail));
}

}  // namespace

Result<Policy> verify_policy_signature(std::string_view envelope_json, const PublicKey& pinned) {
  auto envelope = dsse::parse(envelope_json, kMaxEnvelopeBytes);
  if (!envelope) {
    return reject(Rejection::not_an_envelope, envelope.error().code,
                  "policy envelope: " + envelope.error().message);
  }
  if (envelope->payload_type != dsse::kPolicyPayloadType) {
    return reject(Rejection::wrong_payload_type, Errc::unsupported,
                  "policy envelope: payload type is not " + std::string(dsse::kPolicyPayloadType));
  }
  bool names_pinned = std::any_of(
      envelope->signatures.begin(), envelope->signatures.end(),
      [&](const dsse::Signature& s) { return s.keyid.empty() || s.keyid == pinned.keyid(); });
  if (!names_pinned) {
    return reject(Rejection::untrusted_key, Errc::crypto,
                  "policy envelope: no signature by the pinned policy key " + pinned.keyid());
  }
  if (auto r = dsse::verify(*envelope, pinned, dsse::kPolicyPayloadType); !r) {
    return reject(Rejection::bad_signature, Errc::crypto, "policy envelope: " + r.error().message);
  }
  auto policy = parse_policy(envelope->payload);
  if (!policy) return reject(Rejection::schema_invalid, Errc::parse, policy.error().message);
  return policy;
}

Result<void> check_policy_applicable(const Policy& policy, TimePoint now,
                                     std::optional<std::int64_t> current_version,
                                     std::string_view device_group) {
  const std::string which = "policy version " + std::to_string(policy.version);
  if (policy.issued_at > now + kMaxIssuedSkew) {
    return reject(Rejection::issued_in_future, Errc::conflict,
                  which + " issued at " + format_rfc3339(policy.issued_at) + ", after now (" +
                      format_rfc3339(now) + ")");
  }
  if (policy.expires_at <= now) {
    return reject(Rejection::expired, Errc::conflict,
                  which + " expired at " + format_rfc3339(policy.expires_at));
  }
  if (!policy.for_group(device_group)) {
    return reject(Rejection::wrong_group, Errc::conflict,
                  which + " is not addressed to group " +
                      to_valid_utf8(device_group.substr(0, kMaxGroupNameBytes)));
  }
  if (current_version && policy.version <= *current_version) {
    return reject(
        Rejection::not_newer, Errc::conflict,
        which + " is not newer than the applied version " + std::to_string(*current_version));
  }
  return {};
}

Result<Policy> verify_policy_envelope(std::string_view envelope_json, const PublicKey& pinned,
                                      TimePoint now, std::optional<std::int64_t> current_version,
                                      std::string_view device_group) {
  SHOUWEI_TRY(Policy policy, verify_policy_signature(envelope_json, pinned));
  SHOUWEI_TRY_VOID(check_policy_applicable(policy, now, current_version, device_group));
  return policy;
}

std::optional<std::int64_t> claimed_version(std::string_view envelope_json) {
  auto envelope = dsse::parse(envelope_json, kMaxEnvelopeBytes);
  if (!envelope) return std::nullopt;
  auto doc = json::parse_strict(envelope->payload, kMaxPolicyBytes);
  if (!doc || !doc->is_object()) return std::nullopt;
  const bj::value* v = doc->get_object().if_contains("version");
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

}  // namespace shouwei::policy
