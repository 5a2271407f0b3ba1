// Byte encodings and digests used across formats (OpenSSL underneath; nothing hand-rolled).
#pragma once

#include <string>
#include <string_view>

#include "shouwei/common/result.hpp"

namespace shouwei {

std::string base64_encode(std::string_view bytes);  // standard alphabet, padded
// Accepts the standard and the URL-safe alphabet, padded or not (DSSE asks readers to accept
// both); anything else (whitespace, misplaced or excess '=', a truncated quantum) fails with
// Errc::parse naming the offset.
Result<std::string> base64_decode(std::string_view text);

std::string hex_encode(std::string_view bytes);  // lowercase
Result<std::string> hex_decode(std::string_view text);

std::string sha256(std::string_view bytes);      // 32 raw bytes
std::string sha256_hex(std::string_view bytes);  // 64 lowercase hex digits

// SHA-256 of data seen piece by piece (a download streamed to disk), so it never has to be
// held whole. finish_hex() ends it; after that update() is a no-op and finish_hex() returns "".
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void update(std::string_view bytes);
  std::string finish_hex();  // 64 lowercase hex digits

 private:
  void* ctx_;  // EVP_MD_CTX, kept opaque so this header needs no OpenSSL include
};

// Cryptographically secure random bytes (OpenSSL RAND_bytes). Aborts the process if OpenSSL
// cannot produce them: predictable bytes where secrets are expected must never be returned.
std::string random_bytes(std::size_t n);

}  // namespace shouwei
