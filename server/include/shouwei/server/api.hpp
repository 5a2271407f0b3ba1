// The HTTP API as a plain function from request to response, independent of the transport:
// the Beast server feeds it, tests and fuzzers call it directly. Routes and status codes are
// documented in docs/openapi.yaml.
//
// Thread-safety: handle() and handle_async() may be called concurrently from any number of
// threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/device_auth.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/server/endpoint_status.hpp"
#include "shouwei/server/metrics.hpp"
#include "shouwei/server/rate_limiter.hpp"
#include "shouwei/server/store.hpp"

namespace shouwei::server {

struct ApiRequest {
  std::string method;            // "GET", "POST", ...
  std::string target;            // origin form: "/api/v1/endpoints?zone=intranet"
  std::string authorization;     // the Authorization header, empty when absent
  std::string content_encoding;  // the Content-Encoding header, empty when absent
  std::string body;
  std::string peer;               // the client's address, for per-address rate limits
  std::string if_none_match{};    // the If-None-Match header, empty when absent
  device_auth::Headers device{};  // Shouwei-Device, -Time, -Signature; empty when absent
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // When set, the body is this file's content, streamed by the transport without loading it
  // whole (body is then empty). Large downloads (category databases) use it.
  std::filesystem::path file{};
};

struct ApiOptions {
  std::size_t max_body_bytes = 4u * 1024u * 1024u;
  JudgePolicy judge;
  int enroll_max_failures = 10;
  std::chrono::seconds enroll_failure_window{600};
  // The organisation's policy key: pushed policies must verify against it. Without it every
  // push is refused (503), since the server could not tell a policy from garbage.
  std::optional<PublicKey> policy_public_key;
  // Where uploaded category databases are kept (files named by their SHA-256); empty: uploads
  // are refused (503).
  std::filesystem::path categories_dir;
  std::size_t max_category_bytes = 64u * 1024u * 1024u;
  // The policy served to a group is cached in memory (it is the hot route of a fleet) and
  // dropped on every push here; the TTL bounds how stale it can be when another server
  // process shares the database.
  std::chrono::seconds policy_cache_ttl{30};
  std::chrono::seconds device_auth_max_skew = device_auth::kDefaultMaxSkew;
};

class Api {
 public:
  // REQUIRES: store, clock and metrics outlive the Api.
  Api(Store& store, const Clock& clock, Metrics& metrics, ApiOptions options);

  // Never throws; every failure is an HTTP status with {"error": "..."}.
  ApiResponse handle(const ApiRequest& request);

  // handle() for a transport that must not block its threads: `done` is called exactly once
  // with the response, possibly before handle_async returns. A snapshot upload
  // (POST /api/v1/snapshots) is checked and verified on the caller's thread, then queued to
  // the store; `done` runs on the store's writer once the snapshot is durable, and must only
  // hand the response over (e.g. post it to the connection's executor). Every other route
  // answers on the caller's thread, as handle() does.
  using Done = std::function<void(ApiResponse)>;
  void handle_async(ApiRequest request, Done done);

  // The largest body the request accepts, decided from its headers: max_category_bytes for a
  // category upload carrying an admin token (so that no one else can make the server buffer
  // that much), max_body_bytes otherwise. The transport asks once it has the headers.
  std::size_t body_limit(std::string_view method, std::string_view target,
                         std::string_view authorization);
  // The largest of every route's body_limit.
  std::size_t largest_body_limit() const;

 private:
  struct Caller {
    std::int64_t token_id = 0;
    Role role = Role::viewer;
    std::string actor() const { return "token:" + std::to_string(token_id); }
  };

  ApiResponse route(const ApiRequest& request, std::string& route_label);
  // Fills caller, or returns the 401/403 answer.
  std::optional<ApiResponse> authorize(const ApiRequest& request, Role needed, Caller& caller);

  ApiResponse enroll(const ApiRequest& request);
  ApiResponse ingest_snapshot(const ApiRequest& request);
  // The steps of an upload before the store (api_agent.cpp): the snapshot to store, built
  // from `body` (the request's body, moved in), or the refusal.
  std::variant<ApiResponse, NewSnapshot> verified_snapshot(const ApiRequest& request,
                                                           std::string body);
  // The answer to an upload once the store has decided.
  ApiResponse stored_snapshot_response(const std::string& device_id, std::int64_t seq,
                                       Result<IngestResult> stored);
  void count_request(std::string_view route_label, int status);
  ApiResponse healthz();

  // Console routes; `params` is the decoded query string.
  using Params = std::map<std::string, std::string, std::less<>>;
  ApiResponse list_endpoints(const Params& params);
  ApiResponse get_endpoint(const std::string& device_id);
  ApiResponse list_snapshots(const std::string& device_id, const Params& params);
  ApiResponse get_snapshot(const std::string& id);
  ApiResponse list_events(const Params& params);
  ApiResponse compliance_csv();
  ApiResponse create_secret(const ApiRequest& request, const Caller& caller);
  ApiResponse revoke_secret(const std::string& id, const Caller& caller);
  ApiResponse revoke_device(const std::string& device_id, const Caller& caller);
  ApiResponse list_audit(const Params& params);

  // Signed policies (api_policy.cpp) and category databases (api_categories.cpp).
  ApiResponse push_policy(const ApiRequest& request, const Params& params, const Caller& caller);
  ApiResponse get_policy(const ApiRequest& request);
  ApiResponse push_category_db(const ApiRequest& request, const Caller& caller);
  ApiResponse get_category_db(const std::string& sha256, const ApiRequest& request);
  // The policy served to devices of `group`: the newer of the group's own latest and the
  // latest "*" one; nullptr when neither exists. Cached, see ApiOptions::policy_cache_ttl.
  Result<std::shared_ptr<const PolicyRecord>> policy_for_group(const std::string& group);

  // The enrolled key of a device, parsed once and cached (keys never change for a device_id:
  // the id is the key's hash).
  Result<PublicKey> device_key(const DeviceRecord& device);
  ApiResponse reject_snapshot(int status, std::string_view reason, std::string message);

  Store& store_;
  const Clock& clock_;
  Metrics& metrics_;
  ApiOptions options_;
  FailureLimiter enroll_failures_;
  std::mutex keys_mu_;
  std::map<std::string, PublicKey, std::less<>> keys_;  // at most kMaxCachedKeys

  struct CachedPolicy {
    std::shared_ptr<const PolicyRecord> policy;  // nullptr: the group has none
    TimePoint loaded_at;
  };
  std::mutex policy_mu_;  // guards policy_cache_ and policy_generation_
  std::map<std::string, CachedPolicy, std::less<>> policy_cache_;
  std::uint64_t policy_generation_ = 0;  // bumped by every push; stale loads are not cached
};

// True when an If-None-Match header value names etag (a quoted entity tag) or is "*"; weak
// tags (W/"...") compare by their opaque part, as RFC 9110 asks for If-None-Match.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// 64 lowercase hex digits: a device id, a SHA-256 named in a URL.
bool is_sha256_hex(std::string_view s);

// {"error": message} with the given status.
ApiResponse error_response(int status, std::string_view message);

}  // namespace shouwei::server
