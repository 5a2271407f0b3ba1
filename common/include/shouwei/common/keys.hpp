// Signing keys through OpenSSL 3's EVP API. One type for each side; the algorithm travels with
// the key and is detected from it (OpenSSL 3 decodes keys on the SM2 curve as type "SM2").
// keyid = lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. Keys are immutable after
// construction; copies share the underlying EVP_PKEY, and const methods may be called from
// several threads at once (each operation uses its own EVP_MD_CTX, copied from a context the
// PublicKey prepared once, so that a verification does not fetch the algorithm again).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "shouwei/common/result.hpp"

struct evp_pkey_st;
struct evp_md_ctx_st;

namespace shouwei {

enum class KeyAlgorithm {
  ed25519,  // default
  p256,     // ECDSA P-256 with SHA-256, DER signatures
  sm2,      // SM2 with SM3 (GB/T 32918), distinguishing ID "1234567812345678" by default
};

std::string_view to_string(KeyAlgorithm alg) noexcept;
Result<KeyAlgorithm> parse_key_algorithm(std::string_view name);  // "ed25519" | "p256" | "sm2"

inline constexpr std::string_view kDefaultSm2Id = "1234567812345678";

struct EvpPkeyDeleter {
  void operator()(evp_pkey_st* key) const noexcept;
};
using EvpPkeyPtr = std::shared_ptr<evp_pkey_st>;

class PublicKey {
 public:
  // PEM SubjectPublicKeyInfo. Errc::parse when it is not one, Errc::unsupported ("unsupported
  // algorithm: ...") for any algorithm but Ed25519, P-256 and SM2, Errc::limit_exceeded past
  // 64 KiB.
  static Result<PublicKey> from_pem(std::string_view pem);
  static Result<PublicKey> load(const std::filesystem::path& path);  // errors name the path

  KeyAlgorithm algorithm() const noexcept { return alg_; }
  const std::string& keyid() const noexcept { return keyid_; }
  std::string to_pem() const;
  std::string spki_der() const;

  // Fails with Errc::crypto ("signature does not verify") when sig is not valid for message.
  Result<void> verify(std::string_view message, std::string_view signature) const;

  evp_pkey_st* raw() const noexcept { return key_.get(); }

 private:
  friend class PrivateKey;  // builds the public half of a private key
  PublicKey(EvpPkeyPtr key, KeyAlgorithm alg);
  EvpPkeyPtr key_;
  KeyAlgorithm alg_;
  std::string keyid_;
  // Initialised for verification with key_ and never used directly (only copied); null when
  // it could not be prepared, and verify() then initialises a context per call.
  std::shared_ptr<const evp_md_ctx_st> verify_template_;
};

class PrivateKey {
 public:
  static Result<PrivateKey> generate(KeyAlgorithm alg);
  // Unencrypted PEM (PKCS#8, or a traditional form OpenSSL reads); errors as PublicKey::from_pem.
  // An encrypted key fails with Errc::parse: it is never prompted for.
  static Result<PrivateKey> from_pem(std::string_view pem);
  // Refuses (Errc::permission_denied) a file that group or others can read, naming the path
  // and its mode; a garbage file fails with Errc::parse naming the path.
  static Result<PrivateKey> load(const std::filesystem::path& path);
  // Writes PKCS#8 PEM, owner-only (0600), atomically. Never overwrites an existing file: one
  // that exists, even if created concurrently, fails with Errc::conflict.
  Result<void> save(const std::filesystem::path& path) const;

  KeyAlgorithm algorithm() const noexcept { return alg_; }
  const PublicKey& public_key() const noexcept { return pub_; }
  const std::string& keyid() const noexcept { return pub_.keyid(); }
  std::string to_pem() const;  // PKCS#8, unencrypted

  // Ed25519: pure EdDSA over message (64 bytes). P-256: ECDSA over SHA-256(message), DER.
  // SM2: SM2 signature over SM3(Z || message), Z from kDefaultSm2Id, DER.
  Result<std::string> sign(std::string_view message) const;

 private:
  PrivateKey(EvpPkeyPtr key, KeyAlgorithm alg, PublicKey pub);
  EvpPkeyPtr key_;
  KeyAlgorithm alg_;
  PublicKey pub_;
};

}  // namespace shouwei
