#include "shouwei/common/result.hpp"

namespace shouwei {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument: return "invalid argument";
    case Errc::not_found: return "not found";
    case Errc::permission_denied: return "permission denied";
    case Errc::io: return "I/O error";
    case Errc::parse: return "parse error";
    case Errc::crypto: return "cryptographic failure";
    case Errc::unsupported: return "unsupported";
    case Errc::conflict: return "conflict";
    case Errc::corrupt: return "corrupt";
    case Errc::limit_exceeded: return "limit exceeded";
    case Errc::unavailable: return "unavailable";
    case Errc::internal: return "internal error";
  }
  return "unknown error";
}

}  // namespace shouwei
