// base64 / hex / SHA-256 against RFC 4648 and FIPS 180-2 vectors, and the inputs DSSE readers
// must accept (URL-safe alphabet, missing padding) or refuse (anything else).
#include <string>

#include <doctest/doctest.h>

#include "shouwei/common/encoding.hpp"

using namespace shouwei;

TEST_CASE("base64 encodes the RFC 4648 test vectors") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 decodes padded, unpadded, standard and URL-safe forms") {
  for (const char* word : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    std::string padded = base64_encode(word);
    auto a = base64_decode(padded);
    REQUIRE(a.ok());
    CHECK(*a == word);
    std::string unpadded = padded.substr(0, padded.find('='));
    auto b = base64_decode(unpadded);
    REQUIRE(b.ok());
    CHECK(*b == word);
  }
  const std::string bytes("\xfb\xff\xbf", 3);
  CHECK(base64_encode(bytes) == "+/+/");
  auto url = base64_decode("-_-_");
  REQUIRE(url.ok());
  CHECK(*url == bytes);
}

TEST_CASE("base64 refuses garbage with Errc::parse") {
  for (const char* bad :
       {"Zm9v!", "Zm 9v", "Zm9v\n", "Z", "Zg=", "Zg===", "=Zg=", "Zg==Zg==", "Zm9vY", "===="}) {
    CAPTURE(bad);
    auto r = base64_decode(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::parse);
    CHECK(r.error().message.rfind("base64:", 0) == 0);
  }
}

TEST_CASE("base64 round-trips inputs larger than one OpenSSL block call") {
  std::string big = random_bytes(5u * 1024u * 1024u + 7u);
  std::string text = base64_encode(big);
  CHECK(text.size() == (big.size() + 2) / 3 * 4);
  auto back = base64_decode(text);
  REQUIRE(back.ok());
  CHECK(*back == big);
}

TEST_CASE("hex is lowercase on output and case-insensitive on input") {
  CHECK(hex_encode(std::string("\x00\x01\xab\xff", 4)) == "0001abff");
  auto r = hex_decode("0001ABff");
  REQUIRE(r.ok());
  CHECK(*r == std::string("\x00\x01\xab\xff", 4));
  CHECK(hex_decode("abc").error().code == Errc::parse);
  CHECK(hex_decode("zz").error().code == Errc::parse);
  CHECK(hex_decode("0x00").error().code == Errc::parse);
}

TEST_CASE("sha256 matches the FIPS 180-2 examples") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256("abc").size() == 32);
}

TEST_CASE("random_bytes returns the requested length and does not repeat") {
  CHECK(random_bytes(0).empty());
  std::string a = random_bytes(32);
  std::string b = random_bytes(32);
  CHECK(a.size() == 32);
  CHECK(a != b);
}
