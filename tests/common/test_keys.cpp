// Key generation, PEM round trips, signatures and key files, for every supported algorithm.
#include <filesystem>
#include <string>

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "shouwei/common/encoding.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/os/files.hpp"
#include "temp_dir.hpp"

using namespace shouwei;
namespace fs = std::filesystem;

namespace {

constexpr KeyAlgorithm kAll[] = {KeyAlgorithm::ed25519, KeyAlgorithm::p256, KeyAlgorithm::sm2};

std::string pem_block(std::string_view label, std::string_view der) {
  return "-----BEGIN " + std::string(label) + "-----\n" + base64_encode(der) + "\n-----END " +
         std::string(label) + "-----\n";
}

// RFC 8032 section 7.1, TEST 1: the secret key wrapped in the fixed PKCS#8 prefix for Ed25519.
std::string rfc8032_test1_pem() {
  auto der = hex_decode(
      "302e020100300506032b657004220420"
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  return pem_block("PRIVATE KEY", *der);
}

// A key of an algorithm we do not support, as PEM (generated with OpenSSL directly).
std::string foreign_public_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

}  // namespace

TEST_CASE("algorithm names parse and print") {
  for (KeyAlgorithm alg : kAll) CHECK(*parse_key_algorithm(to_string(alg)) == alg);
  auto bad = parse_key_algorithm("rsa");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::unsupported);
}

TEST_CASE("generated keys sign and verify, and keyid is SHA-256 of the SPKI DER") {
  for (KeyAlgorithm alg : kAll) {
    CAPTURE(to_string(alg));
    auto key = PrivateKey::generate(alg);
    REQUIRE(key.ok());
    CHECK(key->algorithm() == alg);
    CHECK(key->keyid() == sha256_hex(key->public_key().spki_der()));
    CHECK(key->keyid().size() == 64);

    auto sig = key->sign("message");
    REQUIRE(sig.ok());
    CHECK(key->public_key().verify("message", *sig).ok());
    auto tampered = key->public_key().verify("messagE", *sig);
    REQUIRE_FALSE(tampered.ok());
    CHECK(tampered.error().code == Errc::crypto);

    auto other = PrivateKey::generate(alg);
    REQUIRE(other.ok());
    CHECK(other->keyid() != key->keyid());
    CHECK_FALSE(other->public_key().verify("message", *sig).ok());
  }
}

TEST_CASE("PEM round trips keep the algorithm and the keyid") {
  for (KeyAlgorithm alg : kAll) {
    CAPTURE(to_string(alg));
    auto key = PrivateKey::generate(alg);
    REQUIRE(key.ok());
    std::string priv_pem = key->to_pem();
    CHECK(priv_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);  // PKCS#8
    auto again = PrivateKey::from_pem(priv_pem);
    REQUIRE(again.ok());
    CHECK(again->algorithm() == alg);
    CHECK(again->keyid() == key->keyid());

    std::string pub_pem = key->public_key().to_pem();
    CHECK(pub_pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);  // SubjectPublicKeyInfo
    auto pub = PublicKey::from_pem(pub_pem);
    REQUIRE(pub.ok());
    CHECK(pub->algorithm() == alg);
    CHECK(pub->keyid() == key->keyid());
    auto sig = again->sign("x");
    REQUIRE(sig.ok());
    CHECK(pub->verify("x", *sig).ok());
  }
}

TEST_CASE("Ed25519 signs the RFC 8032 test vector exactly") {
  auto key = PrivateKey::from_pem(rfc8032_test1_pem());
  REQUIRE(key.ok());
  CHECK(key->algorithm() == KeyAlgorithm::ed25519);
  // The raw public key is the last 32 bytes of its SPKI DER.
  CHECK(hex_encode(key->public_key().spki_der().substr(12)) ==
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = key->sign("");
  REQUIRE(sig.ok());
  CHECK(hex_encode(*sig) ==
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST_CASE("an SM2 key in OpenSSL's PEM form is recognised as sm2") {
  auto key = PrivateKey::generate(KeyAlgorithm::sm2);
  REQUIRE(key.ok());
  CHECK(EVP_PKEY_is_a(key->public_key().raw(), "SM2"));
  // OpenSSL 3 decodes a PEM key on the SM2 curve as the SM2 key type, not as "EC".
  auto pub = PublicKey::from_pem(key->public_key().to_pem());
  REQUIRE(pub.ok());
  CHECK(EVP_PKEY_is_a(pub->raw(), "SM2"));
  CHECK_FALSE(EVP_PKEY_is_a(pub->raw(), "EC"));
  auto priv = PrivateKey::from_pem(key->to_pem());
  REQUIRE(priv.ok());
  CHECK(EVP_PKEY_is_a(priv->public_key().raw(), "SM2"));
  // The SPKI names id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301.
  CHECK(key->public_key().spki_der().find(*hex_decode("06082a811ccf5501822d")) !=
        std::string::npos);
}

TEST_CASE("unsupported algorithms are refused as such") {
  auto rsa = PublicKey::from_pem(
      foreign_public_pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024})));
  REQUIRE_FALSE(rsa.ok());
  CHECK(rsa.error().code == Errc::unsupported);
  CHECK(rsa.error().message.find("unsupported algorithm") != std::string::npos);

  auto p384 =
      PublicKey::from_pem(foreign_public_pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")));
  REQUIRE_FALSE(p384.ok());
  CHECK(p384.error().code == Errc::unsupported);
  CHECK(p384.error().message.find("secp384r1") != std::string::npos);
}

TEST_CASE("PEM that is not a key fails with Errc::parse") {
  for (std::string_view text :
       {std::string_view(""), std::string_view("garbage"),
        std::string_view("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")}) {
    CHECK(PrivateKey::from_pem(text).error().code == Errc::parse);
    CHECK(PublicKey::from_pem(text).error().code == Errc::parse);
  }
}

TEST_CASE("an encrypted private key is refused without prompting for a passphrase") {
  auto key = PrivateKey::generate(KeyAlgorithm::ed25519);
  REQUIRE(key.ok());
  BIO* bio = BIO_new(BIO_s_mem());
  char pass[] = "secret";
  // public_key().raw() shares the private key's EVP_PKEY, so it can be written encrypted.
  REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio, key->public_key().raw(), EVP_aes_256_cbc(), pass, 6,
                                        nullptr, nullptr) == 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string encrypted(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  CHECK(encrypted.find("ENCRYPTED") != std::string::npos);
  auto r = PrivateKey::from_pem(encrypted);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::parse);
}

// POSIX modes; on Windows the key file's protection is its DACL (SYSTEM and Administrators
// only), tested under tests/win/core.
#ifndef _WIN32
TEST_CASE("key files: saved owner-only, never overwritten, refused when readable by others") {
  test::TempDir dir;
  auto key = PrivateKey::generate(KeyAlgorithm::p256);
  REQUIRE(key.ok());
  const fs::path path = dir / "device.key";
  REQUIRE(key->save(path).ok());
  CHECK((fs::status(path).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  auto loaded = PrivateKey::load(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->keyid() == key->keyid());

  SUBCASE("an existing file is not overwritten") {
    auto other = PrivateKey::generate(KeyAlgorithm::p256);
    std::string before = *read_file(path);
    auto r = other->save(path);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::conflict);
    CHECK(r.error().message.find(path.string()) != std::string::npos);
    CHECK(*read_file(path) == before);
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) ==
          1);  // no temp left
  }
  SUBCASE("0644 is refused, naming the path and the mode") {
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read);
    auto r = PrivateKey::load(path);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::permission_denied);
    CHECK(r.error().message.find(path.string()) != std::string::npos);
    CHECK(r.error().message.find("0644") != std::string::npos);
  }
  SUBCASE("group-writable is refused too") {
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_write);
    CHECK(PrivateKey::load(path).error().code == Errc::permission_denied);
  }
}
#endif  // _WIN32

TEST_CASE("key files: garbage and missing files fail naming the path") {
  test::TempDir dir;
  const fs::path garbage = dir / "garbage.key";
  // Written owner-only, as a real key would be: on Windows a key file others can read is
  // refused before it is parsed.
  REQUIRE(os::write_file_new(garbage, "this is not a key\n", os::FileMode::owner_only).ok());
  auto r = PrivateKey::load(garbage);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::parse);
  CHECK(r.error().message.rfind(garbage.string() + ": ", 0) == 0);

  auto pub = PublicKey::load(garbage);
  REQUIRE_FALSE(pub.ok());
  CHECK(pub.error().code == Errc::parse);
  CHECK(pub.error().message.rfind(garbage.string() + ": ", 0) == 0);

  const fs::path missing = dir / "missing.key";
  auto m = PrivateKey::load(missing);
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().code == Errc::not_found);
  CHECK(m.error().message.find(missing.string()) != std::string::npos);
  CHECK(PublicKey::load(missing).error().code == Errc::not_found);

  const fs::path huge = dir / "huge.pub";
  test::write_test_file(huge, std::string(1024 * 1024, 'A'));
  CHECK(PublicKey::load(huge).error().code == Errc::limit_exceeded);
}
