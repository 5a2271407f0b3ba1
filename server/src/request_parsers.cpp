#include "shouwei/server/request_parsers.hpp"

#include <array>
#include <limits>

#include <boost/json.hpp>

#include "shouwei/common/canonical_json.hpp"

namespace shouwei::server {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxSecretBytes = 256;
constexpr std::size_t kMaxPemBytes = 8192;
constexpr std::size_t kMaxShortText = 256;
constexpr std::size_t kMaxTitleBytes = 1024;
constexpr std::size_t kMaxDetailBytes = 64 * 1024;
constexpr std::array<std::string_view, 7> kSections = {
    "inventory", "patches", "antivirus", "usb", "browsing", "compliance", "policy"};

Failure field_error(std::string_view what, std::string_view field, std::string_view problem) {
  return fail(Errc::parse,
              std::string(what) + ": " + std::string(field) + ": " + std::string(problem));
}

// A required string member of at most max bytes.
Result<std::string> get_string(const json::object& obj, std::string_view what, std::string_view key,
                               std::size_t max) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return field_error(what, key, "missing");
  if (!v->is_string()) return field_error(what, key, "expected a string");
  const json::string& s = v->get_string();
  if (s.size() > max) {
    return fail(Errc::limit_exceeded, std::string(what) + ": " + std::string(key) +
                                          ": longer than " + std::to_string(max) + " bytes");
  }
  return std::string(s.data(), s.size());
}

// An integer member (JSON number without fraction) that fits in int64.
std::optional<std::int64_t> as_int64(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() &&
      v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

bool is_lower_hex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<std::string> optional_string(const json::object& obj, std::string_view key,
                                           std::size_t max) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || !v->is_string() || v->get_string().size() > max) return std::nullopt;
  return std::string(v->get_string());
}

// Text officers read is either a plain string or {"zh": ..., "en": ...} (the agent's
// bilingual form); the latter is stored as "中文 / English".
Result<std::string> get_display_text(const json::object& obj, std::string_view where,
                                     std::string_view key, std::size_t max) {
  const json::value* v = obj.if_contains(key);
  if (v != nullptr && v->is_object()) {
    const json::object& o = v->get_object();
    const json::value* zh = o.if_contains("zh");
    const json::value* en = o.if_contains("en");
    if (zh == nullptr || en == nullptr || !zh->is_string() || !en->is_string()) {
      return field_error(where, key, "expected a string or {\"zh\", \"en\"} strings");
    }
    std::string text = std::string(zh->get_string()) + " / " + std::string(en->get_string());
    if (text.size() > max) {
      return field_error(where, key, "longer than " + std::to_string(max) + " bytes");
    }
    return text;
  }
  return get_string(obj, where, key, max);
}

Result<std::vector<ComplianceCheck>> parse_checks(const json::object& compliance) {
  std::vector<ComplianceCheck> out;
  const json::value* checks = compliance.if_contains("checks");
  if (checks == nullptr || checks->is_null()) return out;
  if (!checks->is_array()) return field_error("snapshot", "compliance.checks", "expected an array");
  const json::array& arr = checks->get_array();
  if (arr.size() > kMaxChecksPerSnapshot) {
    return fail(Errc::limit_exceeded, "snapshot: compliance.checks: more than " +
                                          std::to_string(kMaxChecksPerSnapshot) + " checks");
  }
  out.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string where = "compliance.checks[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return field_error("snapshot", where, "expected an object");
    const json::object& c = arr[i].get_object();
    ComplianceCheck check;
    SHOUWEI_TRY(check.id, get_string(c, "snapshot: " + where, "id", kMaxShortText));
    if (check.id.empty()) return field_error("snapshot", where + ".id", "empty");
    SHOUWEI_TRY(check.result, get_string(c, "snapshot: " + where, "result", kMaxShortText));
    if (check.result != "pass" && check.result != "fail" && check.result != "unknown") {
      return field_error("snapshot", where + ".result", "expected pass, fail or unknown");
    }
    if (const json::value* t = c.if_contains("title"); t != nullptr && !t->is_null()) {
      SHOUWEI_TRY(check.title, get_display_text(c, "snapshot: " + where, "title", kMaxTitleBytes));
    }
    if (const json::value* d = c.if_contains("detail"); d != nullptr && !d->is_null()) {
      SHOUWEI_TRY(check.detail,
                  get_display_text(c, "snapshot: " + where, "detail", kMaxDetailBytes));
    }
    out.push_back(std::move(check));
  }
  return out;
}

Result<void> collect_events(std::string_view section, const json::object& obj,
                            std::vector<SnapshotEvent>& out) {
  const json::value* events = obj.if_contains("events");
  if (events == nullptr || events->is_null()) return {};
  if (!events->is_array())
    return field_error("snapshot", std::string(section) + ".events", "expected an array");
  for (std::size_t i = 0; i < events->get_array().size(); ++i) {
    const json::value& e = events->get_array()[i];
    if (!e.is_object()) {
      return field_error("snapshot", std::string(section) + ".events[" + std::to_string(i) + "]",
                         "expected an object");
    }
    if (out.size() >= kMaxEventsPerSnapshot) {
      return fail(Errc::limit_exceeded,
                  "snapshot: more than " + std::to_string(kMaxEventsPerSnapshot) + " events");
    }
    const json::object& eo = e.get_object();
    std::optional<std::string> type = optional_string(eo, "type", kMaxShortText);
    if (!type) type = optional_string(eo, "kind", kMaxShortText);
    out.push_back(SnapshotEvent{std::string(section), std::move(type), json::serialize(e)});
  }
  return {};
}

// policy.version: the version of the applied policy (0 while the safe defaults apply).
Result<std::optional<std::int64_t>> applied_policy_version(const json::object& section) {
  const json::value* v = section.if_contains("version");
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
  auto version = as_int64(*v);
  if (!version || *version < 0)
    return field_error("snapshot", "policy.version", "expected a non-negative integer or null");
  return std::optional<std::int64_t>(*version);
}

}  // namespace

std::string overall_compliance(const std::vector<ComplianceCheck>& checks) {
  if (checks.empty()) return "unknown";
  bool unknown = false;
  for (const auto& c : checks) {
    if (c.result == "fail") return "fail";
    if (c.result != "pass") unknown = true;
  }
  return unknown ? "unknown" : "pass";
}

Result<EnrollRequest> parse_enroll_request(std::string_view body) {
  if (body.size() > kMaxEnrollBodyBytes) {
    return fail(Errc::limit_exceeded, "enroll request: body larger than " +
                                          std::to_string(kMaxEnrollBodyBytes) + " bytes");
  }
  SHOUWEI_TRY(json::value doc, shouwei::json::parse_strict(body, kMaxEnrollBodyBytes));
  if (!doc.is_object()) return fail(Errc::parse, "enroll request: expected a JSON object");
  const json::object& obj = doc.get_object();
  EnrollRequest req;
  SHOUWEI_TRY(req.enroll_secret,
              get_string(obj, "enroll request", "enroll_secret", kMaxSecretBytes));
  if (req.enroll_secret.empty()) return field_error("enroll request", "enroll_secret", "empty");
  SHOUWEI_TRY(req.public_key_pem, get_string(obj, "enroll request", "public_key", kMaxPemBytes));
  SHOUWEI_TRY(req.key_algorithm, get_string(obj, "enroll request", "key_algorithm", kMaxShortText));
  if (req.key_algorithm != "ed25519" && req.key_algorithm != "p256" && req.key_algorithm != "sm2") {
    return field_error("enroll request", "key_algorithm", "expected ed25519, p256 or sm2");
  }
  req.inventory_json = "{}";
  if (const json::value* inv = obj.if_contains("inventory"); inv != nullptr && !inv->is_null()) {
    if (!inv->is_object()) return field_error("enroll request", "inventory", "expected an object");
    req.inventory_json = json::serialize(*inv);
    req.hostname = optional_string(inv->get_object(), "hostname", kMaxShortText);
  }
  return req;
}

Result<SnapshotFacts> parse_snapshot_payload(std::string_view payload) {
  SHOUWEI_TRY(json::value doc, shouwei::json::parse_strict(payload));
  if (!doc.is_object()) return fail(Errc::parse, "snapshot: expected a JSON object");
  const json::object& obj = doc.get_object();
  SnapshotFacts f;

  SHOUWEI_TRY(std::string schema, get_string(obj, "snapshot", "schema", kMaxShortText));
  if (schema != kSnapshotSchema) {
    return fail(Errc::unsupported,
                "snapshot: schema: \"" + schema + "\" is not " + std::string(kSnapshotSchema));
  }
  SHOUWEI_TRY(f.device_id, get_string(obj, "snapshot", "device_id", kMaxShortText));
  if (!is_lower_hex(f.device_id, 64))
    return field_error("snapshot", "device_id", "expected 64 lowercase hex digits");

  const json::value* seq = obj.if_contains("seq");
  if (seq == nullptr) return field_error("snapshot", "seq", "missing");
  auto seq_value = as_int64(*seq);
  if (!seq_value || *seq_value < 1)
    return field_error("snapshot", "seq", "expected an integer >= 1");
  f.seq = *seq_value;

  SHOUWEI_TRY(std::string taken_at, get_string(obj, "snapshot", "taken_at", kMaxShortText));
  auto taken = parse_rfc3339(taken_at);
  if (!taken) return field_error("snapshot", "taken_at", "not an RFC 3339 timestamp");
  f.taken_at = *taken;

  SHOUWEI_TRY(f.agent_version, get_string(obj, "snapshot", "agent_version", kMaxShortText));

  // Older agents report the applied version here; newer ones in the policy section (below),
  // which wins. Absent reads as null: the version is unknown, never guessed.
  const json::value* pv = obj.if_contains("policy_version");
  if (pv != nullptr && !pv->is_null()) {
    auto v = as_int64(*pv);
    if (!v || *v < 0)
      return field_error("snapshot", "policy_version", "expected a non-negative integer or null");
    f.policy_version = *v;
  }

  SHOUWEI_TRY(f.zone, get_string(obj, "snapshot", "zone", kMaxShortText));
  if (f.zone != "intranet" && f.zone != "extranet" && f.zone != "internet") {
    return field_error("snapshot", "zone", "expected intranet, extranet or internet");
  }

  for (std::string_view name : kSections) {
    const json::value* section = obj.if_contains(name);
    if (section == nullptr || section->is_null()) continue;
    if (!section->is_object()) return field_error("snapshot", name, "expected an object");
    const json::object& so = section->get_object();
    if (so.contains("error")) continue;  // a failed collector: nothing else to read
    if (name == "inventory") f.hostname = optional_string(so, "hostname", kMaxShortText);
    if (name == "policy") {
      SHOUWEI_TRY(auto applied, applied_policy_version(so));
      if (applied) f.policy_version = applied;
    }
    if (name == "compliance") {
      SHOUWEI_TRY(f.checks, parse_checks(so));
    }
    SHOUWEI_TRY_VOID(collect_events(name, so, f.events));
  }
  f.compliance = overall_compliance(f.checks);
  return f;
}

}  // namespace shouwei::server
