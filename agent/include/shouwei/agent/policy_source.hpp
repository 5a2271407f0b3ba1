// Where the agent gets policies and the files they name: the server (ServerLink) in the
// product, a fake in tests. Kept this small so the policy logic never needs a network.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "shouwei/agent/server_link.hpp"
#include "shouwei/common/clock.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::agent {

class PolicySource {
 public:
  virtual ~PolicySource() = default;
  // The latest policy envelope for this device (see ServerLink::fetch_policy).
  virtual PolicyFetch fetch_policy(const std::optional<std::string>& etag, TimePoint now) = 0;
  // Streams url into dest; returns the SHA-256 hex of the bytes written (see
  // ServerLink::download). On failure dest does not exist.
  virtual Result<std::string> download(const std::string& url, const std::filesystem::path& dest,
                                       std::uint64_t max_bytes) = 0;
};

// The server, asking as the enrolled device. REQUIRES: link and key outlive this object.
class ServerPolicySource final : public PolicySource {
 public:
  ServerPolicySource(const ServerLink& link, const PrivateKey& device_key)
      : link_(link), device_key_(device_key) {}

  PolicyFetch fetch_policy(const std::optional<std::string>& etag, TimePoint now) override {
    return link_.fetch_policy(device_key_, etag, now);
  }
  Result<std::string> download(const std::string& url, const std::filesystem::path& dest,
                               std::uint64_t max_bytes) override {
    return link_.download(url, dest, max_bytes);
  }

 private:
  const ServerLink& link_;
  const PrivateKey& device_key_;
};

}  // namespace shouwei::agent
