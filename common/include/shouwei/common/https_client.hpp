// The one HTTPS client of the product (agent uploads, enrollment, policy polling; shouweictl's
// server calls), over libcurl. TLS 1.2 or newer, certificate and host name always verified
// against a pinned CA file; no switch turns verification off. Redirects are not followed.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shouwei/common/result.hpp"

namespace shouwei {

struct HttpsResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names

  std::string header(std::string_view name) const;  // "" when absent
};

struct HttpsRequest {
  std::string method = "GET";
  // "/api/v1/snapshots", appended to the base URL; or a whole "https://..." URL, checked
  // against the same pinned CA.
  std::string path;
  std::string body;
  std::string content_type;  // e.g. "application/json"
  bool gzip_body = false;    // compress body and send Content-Encoding: gzip
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the response body is handed over piece by piece instead of kept in
  // HttpsResponse::body (large downloads), and max_response_bytes does not apply: the sink
  // enforces its own limit. Returning false aborts the transfer (send() then fails with
  // Errc::io; the sink knows why).
  std::function<bool(std::string_view chunk)> body_sink;
};

class HttpsClient {
 public:
  struct Options {
    std::string base_url;               // https://host:port
    std::filesystem::path ca_file;      // pinned CA (PEM); required
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds total_timeout{60'000};
    std::size_t max_response_bytes = 64u * 1024u * 1024u;
    std::string user_agent = "shouwei";
  };

  // Fails (invalid_argument) when base_url is not https:// or ca_file is missing.
  static Result<HttpsClient> create(Options options);

  // Transport failures (DNS, refused, TLS verification, timeout) are Errc::unavailable with
  // curl's message; any HTTP status is a successful response for the caller to judge.
  Result<HttpsResponse> send(const HttpsRequest& request) const;

  const Options& options() const noexcept { return options_; }

 private:
  explicit HttpsClient(Options options) : options_(std::move(options)) {}
  Options options_;
};

// gzip-compresses bytes (zlib); used for request bodies.
std::string gzip_compress(std::string_view bytes);

}  // namespace shouwei
