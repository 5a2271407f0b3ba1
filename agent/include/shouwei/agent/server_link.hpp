// The agent's side of the server API (docs/openapi.yaml): enrollment, snapshot upload, policy
// polling and downloads over the pinned-CA HTTPS client.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "shouwei/agent/config.hpp"
#include "shouwei/common/https_client.hpp"
#include "shouwei/common/clock.hpp"
#include "shouwei/common/keys.hpp"

namespace shouwei::agent {

enum class UploadVerdict {
  acknowledged,  // 200: stored now or earlier (a resend of the same envelope)
  retry,         // transport failure, 5xx, 408, 429: keep it and try later
  reenroll,      // 401/403: the server does not know (or no longer accepts) this device
  rejected,      // 400, 409, 413, 422...: the server will never take this envelope
};

struct UploadOutcome {
  UploadVerdict verdict;
  long status = 0;
  std::string detail;  // the server's message or the transport error
};

enum class PolicyFetchStatus {
  fetched,    // 200: envelope holds the policy envelope, etag its ETag
  unchanged,  // 304: the envelope with the ETag we sent is still the latest
  no_policy,  // 404: nothing was pushed for this device's group
  reenroll,   // 401/403: the server does not know this device
  failed,     // transport failure or any other status: try again at the next poll
};

struct PolicyFetch {
  PolicyFetchStatus status = PolicyFetchStatus::failed;
  std::string envelope;
  std::string etag;    // without quotes; "" when the server sent none
  long http_status = 0;
  std::string detail;  // the server's message or the transport error
};

struct Enrollment {
  std::string device_id;
  std::string group;
};

class ServerLink {
 public:
  static Result<ServerLink> create(const ServerConfig& server);

  // POST /api/v1/enroll. Checks that the server's device_id is our keyid.
  Result<Enrollment> enroll(const std::string& secret, const PublicKey& key,
                            const boost::json::object& inventory) const;
  UploadOutcome upload(const std::string& envelope_json) const;

  // GET /api/v1/policy, signed with the device key (device_auth.hpp). With etag (unquoted), the
  // server answers 304 when it still holds the same envelope. Bodies over
  // policy::kMaxEnvelopeBytes are refused (failed).
  PolicyFetch fetch_policy(const PrivateKey& device_key, const std::optional<std::string>& etag,
                           TimePoint now) const;

  // Streams url (a path on the server, "/...", or an https:// URL checked against the same
  // pinned CA) into dest, never holding it in memory. Fails (dest removed) on a transport
  // error, a status other than 200, more than max_bytes (Errc::limit_exceeded), or a body
  // shorter than its Content-Length. Returns the SHA-256 (hex) of what was written.
  Result<std::string> download(const std::string& url, const std::filesystem::path& dest,
                               std::uint64_t max_bytes) const;

  const HttpsClient& client() const noexcept { return client_; }

 private:
  explicit ServerLink(HttpsClient client) : client_(std::move(client)) {}
  HttpsClient client_;
};

}  // namespace shouwei::agent
