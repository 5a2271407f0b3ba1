#include "shouwei/common/encoding.hpp"

#include <cstdio>
#include <cstdlib>

#include <climits>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace shouwei {

namespace {

// EVP_EncodeBlock/EVP_DecodeBlock take int lengths; we feed them in chunks well below INT_MAX
// (multiples of 3 and 4 bytes respectively, so chunk boundaries never split a quantum).
constexpr std::size_t kEncodeChunk = 3u * 1024u * 1024u;
constexpr std::size_t kDecodeChunk = 4u * 1024u * 1024u;

// SHA-256 fetched from the default provider once per process. Passing EVP_sha256() instead
// makes OpenSSL 3 fetch the implementation again on every digest, under the method store's
// global lock (measurable on the server, which hashes every snapshot). Never freed: it lives
// as long as the process, like the provider it comes from.
const EVP_MD* sha256_md() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) {
      // Only an OpenSSL installation without SHA-256 gets here; nothing sensible can continue.
      std::fputs("shouwei: OpenSSL SHA-256 unavailable\n", stderr);
      std::abort();
    }
    return fetched;
  }();
  return md;
}

bool is_standard_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  while (!bytes.empty()) {
    std::size_t n = bytes.size() < kEncodeChunk ? bytes.size() : kEncodeChunk;
    std::string block(4 * ((n + 2) / 3) + 1, '\0');
    int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(block.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(n));
    out.append(block.data(), static_cast<std::size_t>(written));
    bytes.remove_prefix(n);
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  // Normalise to the padded standard alphabet first, rejecting anything else: EVP_DecodeBlock
  // alone would skip whitespace and accept a misplaced '='.
  std::string normal;
  normal.reserve(text.size() + 3);
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) {
      return fail(Errc::parse, "base64: data after '=' padding at offset " + std::to_string(i));
    }
    if (c == '-') c = '+';
    if (c == '_') c = '/';
    if (!is_standard_base64_char(c)) {
      return fail(Errc::parse, "base64: invalid character at offset " + std::to_string(i));
    }
    normal.push_back(c);
  }
  if (padding > 2 || (padding > 0 && text.size() % 4 != 0)) {
    return fail(Errc::parse, "base64: wrong '=' padding");
  }
  if (normal.size() % 4 == 1) return fail(Errc::parse, "base64: truncated input");
  std::size_t missing = (4 - normal.size() % 4) % 4;
  normal.append(missing, '=');

  std::string out;
  out.reserve(normal.size() / 4 * 3);
  std::string_view rest = normal;
  while (!rest.empty()) {
    std::size_t n = rest.size() < kDecodeChunk ? rest.size() : kDecodeChunk;
    std::string block(n / 4 * 3, '\0');
    int written =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(block.data()),
                        reinterpret_cast<const unsigned char*>(rest.data()), static_cast<int>(n));
    if (written < 0) return fail(Errc::parse, "base64: not decodable");
    out.append(block.data(), static_cast<std::size_t>(written));
    rest.remove_prefix(n);
  }
  // EVP_DecodeBlock writes a zero byte for every '=' of the final quantum.
  out.resize(out.size() - missing);  // the zero bytes EVP_DecodeBlock wrote for the padding
  return out;
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

Result<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return fail(Errc::parse, "hex: odd number of digits");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = nibble(text[i]);
    int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return fail(Errc::parse,
                  "hex: invalid digit at offset " + std::to_string(hi < 0 ? i : i + 1));
    }
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

std::string sha256(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, sha256_md(), nullptr) != 1) {
    std::fputs("shouwei: OpenSSL SHA-256 unavailable\n", stderr);
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string sha256_hex(std::string_view bytes) {
  return hex_encode(sha256(bytes));
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr ||
      EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), sha256_md(), nullptr) != 1) {
    std::fputs("shouwei: OpenSSL SHA-256 unavailable\n", stderr);
    std::abort();
  }
}

Sha256Stream::~Sha256Stream() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void Sha256Stream::update(std::string_view bytes) {
  if (ctx_ == nullptr) return;
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), bytes.data(), bytes.size());
}

std::string Sha256Stream::finish_hex() {
  if (ctx_ == nullptr) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), digest, &len);
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
  ctx_ = nullptr;
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  std::size_t done = 0;
  while (done < n) {
    std::size_t chunk = n - done < static_cast<std::size_t>(INT_MAX) ? n - done : INT_MAX;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data() + done), static_cast<int>(chunk)) !=
        1) {
      // Fail closed: returning predictable bytes where secrets are expected is never acceptable.
      std::fputs("shouwei: OpenSSL RAND_bytes failed (no entropy source)\n", stderr);
      std::abort();
    }
    done += chunk;
  }
  return out;
}

}  // namespace shouwei
