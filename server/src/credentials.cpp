#include "shouwei/server/credentials.hpp"

#include "shouwei/common/encoding.hpp"

namespace shouwei::server {

std::string new_credential(std::string_view prefix) {
  return std::string(prefix) + hex_encode(random_bytes(32));
}

std::string credential_hash(std::string_view text) {
  return sha256_hex(text);
}

}  // namespace shouwei::server
