// The agent-facing routes: enrollment and snapshot ingest.
#include <boost/json.hpp>

#include "shouwei/common/dsse.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/common/logging.hpp"
#include "shouwei/server/api.hpp"
#include "shouwei/server/credentials.hpp"
#include "shouwei/server/gzip.hpp"
#include "shouwei/server/request_parsers.hpp"

namespace shouwei::server {

namespace json = boost::json;

ApiResponse Api::enroll(const ApiRequest& request) {
  const TimePoint now = clock_.now();
  auto count = [this](std::string_view outcome) {
    metrics_.add("shouwei_enroll_total", "Enrollment attempts by outcome.",
                 {{"outcome", std::string(outcome)}});
  };
  if (enroll_failures_.blocked(request.peer, now)) {
    count("rate_limited");
    ApiResponse r =
        error_response(429, "too many failed enrollment attempts from this address; try later");
    r.headers.emplace_back("Retry-After", std::to_string(options_.enroll_failure_window.count()));
    return r;
  }
  auto refuse = [&](int status, std::string_view outcome, std::string message) {
    enroll_failures_.record_failure(request.peer, now);
    count(outcome);
    return error_response(status, message);
  };
  auto req = parse_enroll_request(request.body);
  if (!req)
    return refuse(req.error().code == Errc::limit_exceeded ? 413 : 400, "malformed",
                  req.error().message);
  auto key = PublicKey::from_pem(req->public_key_pem);
  if (!key) return refuse(400, "malformed", "public_key: " + key.error().message);
  if (to_string(key->algorithm()) != req->key_algorithm) {
    return refuse(400, "malformed",
                  "key_algorithm: \"" + req->key_algorithm + "\" but the key is " +
                      std::string(to_string(key->algorithm())));
  }
  NewDevice device{key->keyid(), key->to_pem(), req->key_algorithm, req->inventory_json,
                   req->hostname};
  auto result = store_.enroll(credential_hash(req->enroll_secret), device, now);
  if (!result) {
    count("error");
    spdlog::error("enroll: {}", result.error().message);
    return error_response(503, "enrollment could not be stored; retry later");
  }
  switch (result->outcome) {
    case EnrollOutcome::bad_secret:
      return refuse(401, "bad_secret", "enroll_secret: unknown, revoked or already used");
    case EnrollOutcome::device_revoked:
      return refuse(403, "device_revoked", "device " + device.device_id + ": revoked");
    case EnrollOutcome::enrolled:
    case EnrollOutcome::already_enrolled:
      break;
  }
  count(result->outcome == EnrollOutcome::enrolled ? "enrolled" : "already_enrolled");
  if (result->outcome == EnrollOutcome::enrolled) {
    spdlog::info("enrolled device {} in group {}", device.device_id, result->group);
  }
  return ApiResponse{
      200,
      "application/json",
      json::serialize(json::object{{"device_id", device.device_id}, {"group", result->group}}),
      {}};
}

ApiResponse Api::reject_snapshot(int status, std::string_view reason, std::string message) {
  metrics_.add("shouwei_snapshots_rejected_total", "Snapshot uploads refused, by reason.",
               {{"reason", std::string(reason)}});
  return error_response(status, message);
}

namespace {
// Parsed keys kept at most; beyond it the cache starts over (a fleet larger than this costs a
// PEM parse per upload of the devices that fell out, not unbounded memory).
constexpr std::size_t kMaxCachedKeys = 100000;
}  // namespace

Result<PublicKey> Api::device_key(const DeviceRecord& device) {
  {
    std::lock_guard lock(keys_mu_);
    if (auto it = keys_.find(device.device_id); it != keys_.end()) return it->second;
  }
  SHOUWEI_TRY(PublicKey key, PublicKey::from_pem(device.public_key_pem));
  std::lock_guard lock(keys_mu_);
  if (keys_.size() >= kMaxCachedKeys) keys_.clear();
  keys_.insert_or_assign(device.device_id, key);
  return key;
}

ApiResponse Api::ingest_snapshot(const ApiRequest& request) {
  auto checked = verified_snapshot(request, request.body);
  if (auto* refusal = std::get_if<ApiResponse>(&checked)) return std::move(*refusal);
  const NewSnapshot& snap = std::get<NewSnapshot>(checked);
  return stored_snapshot_response(snap.device_id, snap.seq, store_.store_snapshot(snap));
}

std::variant<ApiResponse, NewSnapshot> Api::verified_snapshot(const ApiRequest& request,
                                                              std::string body) {
  // 1. The envelope bytes, inflated within the same cap as plain bodies.
  if (request.content_encoding == "gzip") {
    auto inflated = gunzip_bounded(body, options_.max_body_bytes);
    if (!inflated) {
      return reject_snapshot(inflated.error().code == Errc::limit_exceeded ? 413 : 400,
                             "bad_encoding", inflated.error().message);
    }
    body = std::move(*inflated);
  } else if (!request.content_encoding.empty() && request.content_encoding != "identity") {
    return reject_snapshot(415, "bad_encoding", "Content-Encoding: only gzip is accepted");
  }
  if (body.size() > options_.max_body_bytes) {
    return reject_snapshot(413, "too_large", "body larger than max_body_bytes");
  }

  // 2. Envelope and payload, validated before any database work.
  auto envelope = dsse::parse(body, options_.max_body_bytes);
  if (!envelope) return reject_snapshot(400, "malformed", "envelope: " + envelope.error().message);
  if (envelope->payload_type != dsse::kSnapshotPayloadType) {
    return reject_snapshot(
        400, "malformed",
        "envelope: payloadType must be " + std::string(dsse::kSnapshotPayloadType));
  }
  auto facts = parse_snapshot_payload(envelope->payload);
  if (!facts) return reject_snapshot(400, "malformed", facts.error().message);

  // 3. The device and its signature.
  auto device = store_.find_device(facts->device_id);
  if (!device) return reject_snapshot(503, "store_error", "device lookup failed; retry later");
  if (!device->has_value())
    return reject_snapshot(401, "unknown_device", "device " + facts->device_id + ": not enrolled");
  if ((*device)->revoked_at)
    return reject_snapshot(403, "revoked", "device " + facts->device_id + ": revoked");
  auto key = device_key(**device);
  if (!key)
    return reject_snapshot(500, "store_error",
                           "enrolled key of " + facts->device_id + ": " + key.error().message);
  if (auto ok = dsse::verify(*envelope, *key, dsse::kSnapshotPayloadType); !ok) {
    return reject_snapshot(401, "bad_signature", "signature: " + ok.error().message);
  }

  // 4. The row to store (the envelope exactly as received, after gzip decoding).
  NewSnapshot snap;
  snap.device_id = std::move(facts->device_id);
  snap.seq = facts->seq;
  snap.payload_sha256 = sha256_hex(envelope->payload);
  snap.envelope = std::move(body);
  snap.taken_at = facts->taken_at;
  snap.received_at = clock_.now();
  snap.zone = std::move(facts->zone);
  snap.hostname = std::move(facts->hostname);
  snap.policy_version = facts->policy_version;
  snap.compliance = std::move(facts->compliance);
  snap.checks = std::move(facts->checks);
  snap.events = std::move(facts->events);
  const auto skew = to_unix_seconds(snap.taken_at) - to_unix_seconds(snap.received_at);
  if (skew > options_.judge.max_clock_skew.count() ||
      -skew > options_.judge.max_clock_skew.count()) {
    json::object detail{{"taken_at", format_rfc3339(snap.taken_at)},
                        {"received_at", format_rfc3339(snap.received_at)},
                        {"skew_seconds", skew}};
    snap.events.push_back(
        SnapshotEvent{"server", std::string("clock_skew"), json::serialize(detail)});
  }
  return snap;
}

ApiResponse Api::stored_snapshot_response(const std::string& device_id, std::int64_t seq,
                                          Result<IngestResult> stored) {
  if (!stored) {
    spdlog::error("store snapshot of {} seq {}: {}", device_id, seq, stored.error().message);
    return reject_snapshot(503, "store_error", "snapshot could not be stored; retry later");
  }
  if (stored->outcome == IngestOutcome::seq_conflict) {
    return reject_snapshot(
        409, "seq_conflict",
        "seq " + std::to_string(seq) + ": already used or older than the newest stored");
  }
  const bool fresh = stored->outcome == IngestOutcome::stored;
  metrics_.add("shouwei_snapshots_total", "Snapshots accepted, by outcome.",
               {{"outcome", fresh ? "stored" : "duplicate"}});
  return ApiResponse{200,
                     "application/json",
                     json::serialize(json::object{{"status", fresh ? "stored" : "duplicate"},
                                                  {"snapshot_id", stored->snapshot_id},
                                                  {"seq", seq}}),
                     {}};
}

}  // namespace shouwei::server
