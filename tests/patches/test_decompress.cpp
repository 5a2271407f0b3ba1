// gzip and lz4 streams over the real compressed fixtures, and over broken or hostile input.
#include <zlib.h>

#include <doctest/doctest.h>

#include "shouwei/collectors/patches/deb822.hpp"
#include "shouwei/collectors/patches/decompress.hpp"
#include "shouwei/common/file_io.hpp"

namespace p = shouwei::collectors::patches;

namespace {
std::string fixture(const std::string& rel) {
  auto text = shouwei::read_file(std::string(SHOUWEI_FIXTURES) + "/patches/debian/" + rel);
  REQUIRE(text.ok());
  return *text;
}

shouwei::Result<std::string> drain(std::string compressed, p::Compression c,
                                   std::size_t cap = 1 << 30) {
  auto s = p::decompressing_stream(std::make_unique<p::StringStream>(std::move(compressed)), c,
                                   "test", cap);
  std::string out;
  char buf[1000];  // small on purpose: exercises output-buffer-full paths
  for (;;) {
    SHOUWEI_TRY(std::size_t n, s->read(buf, sizeof buf));
    if (n == 0) return out;
    out.append(buf, n);
  }
}

std::string gzip(const std::string& data) {
  // zlib's gzip writer via deflateInit2 (windowBits 16+15).
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
}  // namespace

TEST_CASE("compression is chosen by file name") {
  CHECK(p::compression_for("dpkg.log.2.gz") == p::Compression::gzip);
  CHECK(p::compression_for("x_Packages.lz4") == p::Compression::lz4);
  CHECK(p::compression_for("x_Packages.xz") == p::Compression::unsupported);
  CHECK(p::compression_for("x_Packages") == p::Compression::none);
}

TEST_CASE("the gzip-rotated dpkg log decompresses to its lines") {
  auto text = drain(fixture("var/log/dpkg.log.2.gz"), p::Compression::gzip);
  REQUIRE(text.ok());
  CHECK(text->rfind("2026-09-03 10:12:09 startup archives unpack\n", 0) == 0);
  CHECK(text->find("upgrade tzdata:all 2025b-0+deb12u1 2025b-0+deb12u2") != std::string::npos);
}

TEST_CASE("the lz4 security index made by the lz4 tool decompresses to its paragraphs") {
  auto text = drain(
      fixture(
          "var/lib/apt/lists/"
          "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4"),
      p::Compression::lz4);
  REQUIRE(text.ok());
  CHECK(text->rfind("Package: ", 0) == 0);
  CHECK(text->find("Package: libssl3\n") != std::string::npos);
}

TEST_CASE("concatenated gzip members read as one stream") {
  auto text = drain(gzip("first\n") + gzip("second\n"), p::Compression::gzip);
  REQUIRE(text.ok());
  CHECK(*text == "first\nsecond\n");
}

TEST_CASE("truncated and corrupt streams are errors") {
  std::string gz = gzip(std::string(100000, 'a'));
  auto cut = drain(gz.substr(0, gz.size() / 2), p::Compression::gzip);
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().message.find("truncated") != std::string::npos);
  std::string junk(4096, '\x55');
  CHECK_FALSE(drain(junk, p::Compression::gzip).ok());
  CHECK_FALSE(drain(junk, p::Compression::lz4).ok());
  std::string lz4 = fixture(
      "var/lib/apt/lists/"
      "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4");
  CHECK_FALSE(drain(lz4.substr(0, lz4.size() - 10), p::Compression::lz4).ok());
}

TEST_CASE("a compression bomb stops at the output cap") {
  std::string bomb = gzip(std::string(10u << 20, '\0'));  // 10 MiB of zeros in ~10 KiB
  auto r = drain(bomb, p::Compression::gzip, 1u << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == shouwei::Errc::limit_exceeded);
}
