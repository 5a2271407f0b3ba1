// The HTTP API as a plain function from request to response, independent of the transport:
// the Beast server feeds it, tests and fuzzers call it directly. Routes and status codes are
// documented in docs/openapi.yaml.
//
// Thread-safety: handle() may be called concurrently from any number of threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shouwei/common/clock.hpp"
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
  std::string peer;  // the client's address, for per-address rate limits
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

struct ApiOptions {
  std::size_t max_body_bytes = 4u * 1024u * 1024u;
  JudgePolicy judge;
  int enroll_max_failures = 10;
  std::chrono::seconds enroll_failure_window{600};
};

class Api {
 public:
  // REQUIRES: store, clock and metrics outlive the Api.
  Api(Store& store, const Clock& clock, Metrics& metrics, ApiOptions options);

  // Never throws; every failure is an HTTP status with {"error": "..."}.
  ApiResponse handle(const ApiRequest& request);

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
  std::map<std::string, PublicKey, std::less<>> keys_;
};

// {"error": message} with the given status.
ApiResponse error_response(int status, std::string_view message);

}  // namespace shouwei::server
