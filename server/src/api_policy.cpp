// Signed policies: administrators push envelopes (POST /api/v1/policies), devices fetch the one
// for their group (GET /api/v1/policy) with an ETag so that an unchanged policy costs a 304.
// The server only distributes: it checks the organisation's signature to refuse garbage early,
// but agents verify again against their pinned key.
#include <algorithm>

#include <boost/json.hpp>

#include "shouwei/common/encoding.hpp"
#include "shouwei/common/logging.hpp"
#include "shouwei/common/policy.hpp"
#include "shouwei/server/api.hpp"

namespace shouwei::server {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxGroupBytes = 256;

std::string quoted_etag(std::string_view sha256) {
  return "\"" + std::string(sha256) + "\"";
}

// A refused push: {"error": message, "reason": code} so scripts can tell the cases apart.
ApiResponse refuse_push(int status, std::string_view reason, std::string_view message) {
  return ApiResponse{status,
                     "application/json",
                     json::serialize(json::object{{"error", message}, {"reason", reason}}),
                     {}};
}

// 400 when the bytes are not a policy envelope at all; 422 when they are one we will not keep.
int push_status(policy::Rejection reason) {
  return reason == policy::Rejection::not_an_envelope ? 400 : 422;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  std::size_t start = 0;
  while (start <= if_none_match.size()) {
    std::size_t comma = if_none_match.find(',', start);
    if (comma == std::string_view::npos) comma = if_none_match.size();
    std::string tag = trim(if_none_match.substr(start, comma - start));
    if (tag == "*") return true;
    if (tag.rfind("W/", 0) == 0) tag.erase(0, 2);
    if (!tag.empty() && tag == etag) return true;
    start = comma + 1;
  }
  return false;
}

ApiResponse Api::push_policy(const ApiRequest& request, const Params& params,
                             const Caller& caller) {
  if (!options_.policy_public_key) {
    return refuse_push(503, "no_policy_key",
                       "policy push refused: the server has no policy_public_key configured");
  }
  if (request.body.size() > policy::kMaxEnvelopeBytes) {
    return refuse_push(
        413, "too_large",
        "policy envelope larger than " + std::to_string(policy::kMaxEnvelopeBytes) + " bytes");
  }
  std::optional<std::string> group;
  for (const auto& [key, value] : params) {
    if (key != "group") return error_response(400, "unknown query parameter \"" + key + "\"");
    if (value.empty() || value.size() > kMaxGroupBytes)
      return error_response(400, "group: expected 1 to 256 bytes");
    group = value;
  }

  auto verified = policy::verify_policy_signature(request.body, *options_.policy_public_key);
  if (!verified) {
    auto reason = policy::rejection_of(verified.error());
    return refuse_push(reason ? push_status(*reason) : 400,
                       reason ? policy::to_string(*reason) : "not_an_envelope",
                       verified.error().message);
  }
  const policy::Policy& doc = *verified;
  const TimePoint now = clock_.now();
  // Issued in the future, expired, or not addressed to the group asked for: agents would
  // refuse it, so it is refused here with the same reason.
  if (auto ok = policy::check_policy_applicable(doc, now, std::nullopt,
                                                group ? *group : doc.groups.front());
      !ok) {
    auto reason = policy::rejection_of(ok.error());
    return refuse_push(422, reason ? policy::to_string(*reason) : "refused", ok.error().message);
  }

  NewPolicy row;
  row.groups = group ? std::vector<std::string>{*group} : doc.groups;
  std::sort(row.groups.begin(), row.groups.end());  // one row per group, even if listed twice
  row.groups.erase(std::unique(row.groups.begin(), row.groups.end()), row.groups.end());
  row.version = doc.version;
  row.envelope = request.body;
  row.sha256 = sha256_hex(request.body);
  row.pushed_at = now;
  json::array groups_json;
  for (const auto& g : row.groups) groups_json.emplace_back(g);
  AuditEntry audit{0,
                   now,
                   caller.actor(),
                   "policy.push",
                   "policy:v" + std::to_string(doc.version),
                   json::serialize(json::object{{"groups", groups_json}, {"sha256", row.sha256}})};

  auto stored = store_.store_policy(row, audit);
  if (!stored) {
    spdlog::error("store policy version {}: {}", doc.version, stored.error().message);
    return error_response(503, "policy could not be stored; retry later");
  }
  if (stored->outcome == PolicyPushOutcome::not_newer) {
    return refuse_push(409, "not_newer",
                       "not_newer: policy version " + std::to_string(doc.version) +
                           " is not above version " + std::to_string(stored->blocking_version) +
                           " already pushed for group \"" + stored->blocking_group + "\"");
  }
  {
    std::lock_guard lock(policy_mu_);
    policy_cache_.clear();
    ++policy_generation_;
  }
  metrics_.add("shouwei_policy_pushes_total", "Policies accepted by POST /api/v1/policies.", {});
  spdlog::info("policy version {} pushed by {} for {}", doc.version, caller.actor(),
               json::serialize(groups_json));
  return ApiResponse{200,
                     "application/json",
                     json::serialize(json::object{{"version", doc.version},
                                                  {"groups", std::move(groups_json)},
                                                  {"sha256", row.sha256},
                                                  {"etag", quoted_etag(row.sha256)}}),
                     {}};
}

Result<std::shared_ptr<const PolicyRecord>> Api::policy_for_group(const std::string& group) {
  const TimePoint now = clock_.now();
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(policy_mu_);
    if (auto it = policy_cache_.find(group);
        it != policy_cache_.end() && now - it->second.loaded_at < options_.policy_cache_ttl &&
        now >= it->second.loaded_at) {
      return it->second.policy;
    }
    generation = policy_generation_;
  }
  // Loaded outside the lock: a miss must not stall the hits of other groups.
  SHOUWEI_TRY(auto own, store_.latest_policy(group));
  std::optional<PolicyRecord> everyone;
  if (group != policy::kAllGroups) {
    SHOUWEI_TRY(everyone, store_.latest_policy(std::string(policy::kAllGroups)));
  }
  std::optional<PolicyRecord>& newest =
      (own && (!everyone || own->version >= everyone->version)) ? own : everyone;
  std::shared_ptr<const PolicyRecord> served =
      newest ? std::make_shared<const PolicyRecord>(std::move(*newest)) : nullptr;
  std::lock_guard lock(policy_mu_);
  // A push since the load started may have made it stale: serve it once, do not keep it.
  if (generation == policy_generation_) policy_cache_[group] = CachedPolicy{served, now};
  return served;
}

ApiResponse Api::get_policy(const ApiRequest& request) {
  auto count = [this](std::string_view outcome) {
    metrics_.add("shouwei_policy_requests_total", "GET /api/v1/policy answers, by outcome.",
                 {{"outcome", std::string(outcome)}});
  };
  const device_auth::Headers& auth = request.device;
  if (auth.device_id.empty() || auth.time.empty() || auth.signature.empty()) {
    count("unauthenticated");
    return error_response(401,
                          "Shouwei-Device, Shouwei-Time and Shouwei-Signature headers are "
                          "required");
  }
  if (!is_sha256_hex(auth.device_id)) {
    count("unauthenticated");
    return error_response(400, "Shouwei-Device header: expected 64 lowercase hex digits");
  }
  auto device = store_.find_device(auth.device_id);
  if (!device) return error_response(503, "device lookup failed; retry later");
  if (!device->has_value()) {
    count("unknown_device");
    return error_response(401, "device " + auth.device_id + ": not enrolled");
  }
  if ((*device)->revoked_at) {
    count("revoked");
    return error_response(403, "device " + auth.device_id + ": revoked");
  }
  auto key = device_key(**device);
  if (!key) return error_response(500, "enrolled key of " + auth.device_id + ": unreadable");
  if (auto ok = device_auth::verify_request(*key, request.method, request.target, auth,
                                            clock_.now(), options_.device_auth_max_skew);
      !ok) {
    count("bad_signature");
    // A stale time is a clock problem, not an identity one: 409 keeps the agent from
    // re-enrolling over it.
    const int status = ok.error().code == Errc::parse      ? 400
                       : ok.error().code == Errc::conflict ? 409
                                                           : 403;
    return error_response(status, ok.error().message);
  }

  auto served = policy_for_group((*device)->group);
  if (!served) {
    spdlog::error("policy lookup for group {}: {}", (*device)->group, served.error().message);
    return error_response(503, "policy lookup failed; retry later");
  }
  if (*served == nullptr) {
    count("none");
    return error_response(404, "no policy");
  }
  const PolicyRecord& p = **served;
  const std::string etag = quoted_etag(p.sha256);
  if (!request.if_none_match.empty() && etag_matches(request.if_none_match, etag)) {
    count("not_modified");
    ApiResponse r{304, "application/json", {}, {}};
    r.headers.emplace_back("ETag", etag);
    return r;
  }
  count("fetched");
  ApiResponse r{200, "application/json", p.envelope, {}};
  r.headers.emplace_back("ETag", etag);
  return r;
}

}  // namespace shouwei::server
