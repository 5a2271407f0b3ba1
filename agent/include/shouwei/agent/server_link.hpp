// The agent's side of the server API (docs/openapi.yaml): enrollment and snapshot upload over
// the pinned-CA HTTPS client.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "shouwei/agent/config.hpp"
#include "shouwei/common/https_client.hpp"
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

  const HttpsClient& client() const noexcept { return client_; }

 private:
  explicit ServerLink(HttpsClient client) : client_(std::move(client)) {}
  HttpsClient client_;
};

}  // namespace shouwei::agent
