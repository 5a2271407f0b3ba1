#include "shouwei/common/keys.hpp"

#include <cstring>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "shouwei/common/encoding.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/os/files.hpp"
#include "shouwei/os/utf8_path.hpp"

namespace shouwei {

namespace {

// A PEM key is a few hundred bytes; anything much larger is not a key file.
constexpr std::size_t kMaxKeyFileBytes = 64u * 1024u;

struct BioDeleter {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

EvpPkeyPtr own(EVP_PKEY* key) {
  return EvpPkeyPtr(key, EvpPkeyDeleter{});
}

// The most recent OpenSSL error as text, clearing the queue so it cannot leak into a later
// unrelated report.
std::string openssl_error() {
  unsigned long code = ERR_peek_last_error();
  std::string text = "unknown OpenSSL error";
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    text = buf;
  }
  ERR_clear_error();
  return text;
}

Result<KeyAlgorithm> detect_algorithm(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "ED25519")) return KeyAlgorithm::ed25519;
  // OpenSSL 3 loads keys on the SM2 curve as the SM2 key type; an EC key naming the SM2 curve
  // is accepted too in case a provider reports it that way.
  if (EVP_PKEY_is_a(key, "SM2")) return KeyAlgorithm::sm2;
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[80] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) == 1) {
      std::string_view name(group, len);
      if (name == "prime256v1" || name == "P-256") return KeyAlgorithm::p256;
      if (name == "SM2") return KeyAlgorithm::sm2;
      ERR_clear_error();
      return fail(Errc::unsupported, "unsupported algorithm: EC curve " + std::string(name) +
                                         " (expected ed25519, p256 or sm2)");
    }
    ERR_clear_error();
  }
  const char* type = EVP_PKEY_get0_type_name(key);
  return fail(Errc::unsupported, std::string("unsupported algorithm: ") +
                                     (type ? type : "unknown key type") +
                                     " (expected ed25519, p256 or sm2)");
}

// The digest paired with each algorithm; Ed25519 hashes internally and takes none.
const char* digest_name(KeyAlgorithm alg) {
  switch (alg) {
    case KeyAlgorithm::ed25519:
      return nullptr;
    case KeyAlgorithm::p256:
      return "SHA256";
    case KeyAlgorithm::sm2:
      return "SM3";
  }
  return nullptr;
}

// Prepares ctx to sign (or verify) with key: the digest of the algorithm and, for SM2, the
// distinguishing ID that enters the Z value (GB/T 32918.2).
Result<MdCtxPtr> init_digest_ctx(EVP_PKEY* key, KeyAlgorithm alg, bool for_signing) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return fail(Errc::crypto, "EVP_MD_CTX_new: " + openssl_error());
  EVP_PKEY_CTX* pctx = nullptr;
  int rc = for_signing ? EVP_DigestSignInit_ex(ctx.get(), &pctx, digest_name(alg), nullptr, nullptr,
                                               key, nullptr)
                       : EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest_name(alg), nullptr,
                                                 nullptr, key, nullptr);
  if (rc != 1) {
    return fail(Errc::crypto,
                std::string(for_signing ? "EVP_DigestSignInit_ex" : "EVP_DigestVerifyInit_ex") +
                    " (" + std::string(to_string(alg)) + "): " + openssl_error());
  }
  if (alg == KeyAlgorithm::sm2 &&
      EVP_PKEY_CTX_set1_id(pctx, kDefaultSm2Id.data(), static_cast<int>(kDefaultSm2Id.size())) !=
          1) {
    return fail(Errc::crypto, "EVP_PKEY_CTX_set1_id (sm2): " + openssl_error());
  }
  return ctx;
}

// A context ready to verify with key: a copy of tmpl (no algorithm fetch), or a fresh one when
// there is no template.
Result<MdCtxPtr> verify_ctx_from(const EVP_MD_CTX* tmpl, EVP_PKEY* key, KeyAlgorithm alg) {
  if (tmpl == nullptr) return init_digest_ctx(key, alg, /*for_signing=*/false);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), tmpl) != 1) {
    return fail(Errc::crypto,
                "EVP_MD_CTX_copy_ex (" + std::string(to_string(alg)) + "): " + openssl_error());
  }
  return ctx;
}

Result<std::string> spki_der_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) return fail(Errc::crypto, "i2d_PUBKEY: " + openssl_error());
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

Result<BioPtr> memory_bio(std::string_view pem) {
  if (pem.size() > kMaxKeyFileBytes) {
    return fail(Errc::limit_exceeded,
                "PEM key larger than " + std::to_string(kMaxKeyFileBytes) + " bytes");
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return fail(Errc::crypto, "BIO_new_mem_buf: " + openssl_error());
  return bio;
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

// Never prompts for a passphrase on the terminal: encrypted key files are not supported.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

// Prefixes an error with the file it came from, keeping its code.
Failure with_path(const std::filesystem::path& path, const Error& e) {
  return fail(e.code, path_to_utf8(path) + ": " + e.message);
}

}  // namespace

void EvpPkeyDeleter::operator()(evp_pkey_st* key) const noexcept {
  EVP_PKEY_free(key);
}

std::string_view to_string(KeyAlgorithm alg) noexcept {
  switch (alg) {
    case KeyAlgorithm::ed25519:
      return "ed25519";
    case KeyAlgorithm::p256:
      return "p256";
    case KeyAlgorithm::sm2:
      return "sm2";
  }
  return "unknown";
}

Result<KeyAlgorithm> parse_key_algorithm(std::string_view name) {
  for (KeyAlgorithm alg : {KeyAlgorithm::ed25519, KeyAlgorithm::p256, KeyAlgorithm::sm2}) {
    if (name == to_string(alg)) return alg;
  }
  return fail(Errc::unsupported,
              "unsupported algorithm '" + std::string(name) + "' (expected ed25519, p256 or sm2)");
}

// ---- PublicKey ----

PublicKey::PublicKey(EvpPkeyPtr key, KeyAlgorithm alg) : key_(std::move(key)), alg_(alg) {
  // i2d_PUBKEY cannot fail on a key that was just decoded or generated.
  auto der = spki_der_of(key_.get());
  keyid_ = der ? sha256_hex(*der) : std::string();
  // Initialising a context fetches the signature algorithm (and digest) from the provider
  // store under OpenSSL 3.0's global locks; done once here, each verify() only copies it.
  if (auto ctx = init_digest_ctx(key_.get(), alg_, /*for_signing=*/false)) {
    verify_template_ = std::shared_ptr<const EVP_MD_CTX>(ctx->release(), MdCtxDeleter{});
  }
}

namespace {

// An Ed25519 public key read without OpenSSL 3.0's generic decoders, which cost about a
// millisecond per key (the server parses every enrolled device's key): the DER of an Ed25519
// SubjectPublicKeyInfo (RFC 8410) is this fixed prefix and the 32-byte key. nullptr for any
// other PEM, which then takes the generic path.
EvpPkeyPtr ed25519_public_from_pem(std::string_view pem) {
  static constexpr unsigned char kSpkiPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                  0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  constexpr long kSpkiBytes = sizeof kSpkiPrefix + 32;
  auto bio = memory_bio(pem);
  if (!bio) return own(nullptr);
  unsigned char* der = nullptr;
  long len = 0;
  EvpPkeyPtr key = own(nullptr);
  if (PEM_bytes_read_bio(&der, &len, nullptr, PEM_STRING_PUBLIC, bio->get(), nullptr, nullptr) ==
          1 &&
      len == kSpkiBytes && std::memcmp(der, kSpkiPrefix, sizeof kSpkiPrefix) == 0) {
    key = own(
        EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, der + sizeof kSpkiPrefix, 32));
  }
  OPENSSL_free(der);
  ERR_clear_error();  // a miss is not an error: the generic path reports its own
  return key;
}

}  // namespace

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  EvpPkeyPtr key = ed25519_public_from_pem(pem);
  KeyAlgorithm alg = KeyAlgorithm::ed25519;
  if (!key) {
    SHOUWEI_TRY(BioPtr bio, memory_bio(pem));
    EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr);
    if (raw == nullptr)
      return fail(Errc::parse, "not a PEM public key (SubjectPublicKeyInfo): " + openssl_error());
    key = own(raw);
    SHOUWEI_TRY(alg, detect_algorithm(key.get()));
  }
  PublicKey pub(std::move(key), alg);
  if (pub.keyid_.empty()) return fail(Errc::crypto, "cannot encode the public key as DER");
  return pub;
}

Result<PublicKey> PublicKey::load(const std::filesystem::path& path) {
  SHOUWEI_TRY(std::string pem, read_file(path, kMaxKeyFileBytes));
  auto key = from_pem(pem);
  if (!key) return with_path(path, key.error());
  return key;
}

std::string PublicKey::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) return {};
  return bio_contents(bio.get());
}

std::string PublicKey::spki_der() const {
  auto der = spki_der_of(key_.get());
  return der ? std::move(der).value() : std::string();
}

Result<void> PublicKey::verify(std::string_view message, std::string_view signature) const {
  SHOUWEI_TRY(MdCtxPtr ctx, verify_ctx_from(verify_template_.get(), key_.get(), alg_));
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size());
  // 0 is "does not verify"; a negative value is a malformed signature (e.g. bad DER), which is
  // the same verdict for the caller.
  ERR_clear_error();
  if (rc != 1) return fail(Errc::crypto, "signature does not verify");
  return {};
}

// ---- PrivateKey ----

PrivateKey::PrivateKey(EvpPkeyPtr key, KeyAlgorithm alg, PublicKey pub)
    : key_(std::move(key)), alg_(alg), pub_(std::move(pub)) {}

Result<PrivateKey> PrivateKey::generate(KeyAlgorithm alg) {
  EVP_PKEY* raw = nullptr;
  switch (alg) {
    case KeyAlgorithm::ed25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyAlgorithm::p256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyAlgorithm::sm2:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2");
      break;
  }
  if (raw == nullptr) {
    return fail(Errc::crypto,
                "EVP_PKEY_Q_keygen (" + std::string(to_string(alg)) + "): " + openssl_error());
  }
  EvpPkeyPtr key = own(raw);
  SHOUWEI_TRY(KeyAlgorithm detected, detect_algorithm(key.get()));
  // The public half shares the EVP_PKEY: public-key operations ignore the private part.
  PublicKey pub(key, detected);
  return PrivateKey(std::move(key), detected, std::move(pub));
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem) {
  SHOUWEI_TRY(BioPtr bio, memory_bio(pem));
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr);
  if (raw == nullptr) {
    return fail(Errc::parse, "not an unencrypted PEM private key (PKCS#8): " + openssl_error());
  }
  EvpPkeyPtr key = own(raw);
  SHOUWEI_TRY(KeyAlgorithm alg, detect_algorithm(key.get()));
  PublicKey pub(key, alg);
  if (pub.keyid().empty()) return fail(Errc::crypto, "cannot encode the public key as DER");
  return PrivateKey(std::move(key), alg, std::move(pub));
}

Result<PrivateKey> PrivateKey::load(const std::filesystem::path& path) {
  // The permission check comes first: a leaked key is refused before it is even read.
  SHOUWEI_TRY_VOID(os::require_owner_only(path));
  SHOUWEI_TRY(std::string pem, read_file(path, kMaxKeyFileBytes));
  auto key = from_pem(pem);
  if (!key) return with_path(path, key.error());
  return key;
}

Result<void> PrivateKey::save(const std::filesystem::path& path) const {
  std::string pem = to_pem();
  if (pem.empty())
    return fail(Errc::crypto, path_to_utf8(path) + ": cannot encode the private key as PEM");
  return os::write_file_new(path, pem, os::FileMode::owner_only);
}

std::string PrivateKey::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr,
                                            nullptr) != 1) {
    ERR_clear_error();
    return {};
  }
  return bio_contents(bio.get());
}

Result<std::string> PrivateKey::sign(std::string_view message) const {
  SHOUWEI_TRY(MdCtxPtr ctx, init_digest_ctx(key_.get(), alg_, /*for_signing=*/true));
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data, message.size()) != 1) {
    return fail(Errc::crypto,
                "EVP_DigestSign (" + std::string(to_string(alg_)) + "): " + openssl_error());
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                     message.size()) != 1) {
    return fail(Errc::crypto,
                "EVP_DigestSign (" + std::string(to_string(alg_)) + "): " + openssl_error());
  }
  sig.resize(len);  // DER ECDSA/SM2 signatures are often shorter than the maximum
  return sig;
}

}  // namespace shouwei
