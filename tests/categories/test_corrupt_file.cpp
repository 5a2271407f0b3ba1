// A corrupt, truncated or hostile compiled file fails open() with a clear error; it never
// crashes or reads out of bounds (run under SHOUWEI_SANITIZE=ON to have ASan check the
// latter). "Hostile" files carry a correct SHA-256 trailer, so the structural checks are what
// stops them.
#include <cstring>

#include <doctest/doctest.h>

#include "category_test_support.hpp"
#include "file_format.hpp"
#include "shouwei/collectors/categories/category_db_builder.hpp"
#include "shouwei/common/encoding.hpp"

namespace cat = shouwei::collectors::categories;
namespace fmt = cat::format;

namespace {

std::string sample_file() {
  cat::CategoryDbBuilder b;
  std::string_view why;
  for (const char* host : {"bet365.com", "casino.example", "203.0.113.7", "a.b.example.org"}) {
    REQUIRE(b.add_domain("gambling", host, &why));
  }
  REQUIRE(b.add_domain("games", "bet365.com", &why));
  REQUIRE(b.add_url("adult", "example.net/x", &why));
  REQUIRE(b.add_url("adult", "example.net/x/y", &why));
  REQUIRE(b.add_url("games", "other.example/z", &why));
  auto bytes = b.build();
  REQUIRE(bytes.ok());
  return *bytes;
}

// Recomputes the trailer so that only the structural checks can catch the damage.
void reseal(std::string& bytes) {
  const std::size_t body = bytes.size() - fmt::kTrailerSize;
  bytes.replace(body, fmt::kTrailerSize, shouwei::sha256(std::string_view(bytes).substr(0, body)));
}

fmt::Header header_of(const std::string& bytes) {
  fmt::Header h;
  std::memcpy(&h, bytes.data(), sizeof h);
  return h;
}

void put_header(std::string& bytes, const fmt::Header& h) {
  std::memcpy(bytes.data(), &h, sizeof h);
}

std::string open_error(const std::string& bytes) {
  auto db = cat::CategoryDb::from_bytes(bytes, "hostile.swc");
  return db.ok() ? std::string("<opened>") : db.error().message;
}

// Opening must fail, or lookups on what opened must stay in bounds.
void exercise(const std::string& bytes) {
  auto db = cat::CategoryDb::from_bytes(bytes, "mutant.swc");
  if (!db.ok()) return;
  for (const char* q : {"bet365.com", "x.casino.example", "203.0.113.7", "example.net/x/y/z",
                        "other.example/zz", "a.b.example.org", "nothing.test"}) {
    (void)db->lookup(q);
  }
  (void)db->category_names();
}

}  // namespace

TEST_CASE("the sample file opens") {
  const auto bytes = sample_file();
  const auto db = cat::testing::open_bytes(bytes);
  CHECK(cat::testing::joined(db, "bet365.com") == "gambling,games");
  CHECK(cat::testing::joined(db, "example.net/x/y/z") == "adult");
}

TEST_CASE("truncated files are refused") {
  const auto bytes = sample_file();
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{8}, sizeof(fmt::Header) - 1,
                           sizeof(fmt::Header) + 31, bytes.size() / 2, bytes.size() - 1}) {
    CAPTURE(size);
    const std::string cut = bytes.substr(0, size);
    const auto message = open_error(cut);
    CHECK(message.find("hostile.swc: ") == 0);
    CHECK(message.find("corrupt category file") != std::string::npos);
  }
  CHECK(open_error(bytes + "x").find("truncated or extended") != std::string::npos);
}

TEST_CASE("any flipped byte is caught by the SHA-256 trailer") {
  const auto bytes = sample_file();
  for (std::size_t i = sizeof(fmt::Header); i < bytes.size(); i += 7) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
    CAPTURE(i);
    CHECK(open_error(damaged).find("SHA-256") != std::string::npos);
  }
}

TEST_CASE("wrong magic and newer versions are named as such") {
  auto bytes = sample_file();
  auto other = bytes;
  other[0] = 'X';
  CHECK(open_error(other).find("not a Shouwei category file") != std::string::npos);
  auto h = header_of(bytes);
  h.version = 2;
  put_header(bytes, h);
  auto db = cat::CategoryDb::from_bytes(bytes, "future.swc");
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().code == shouwei::Errc::unsupported);
  CHECK(db.error().message.find("version 2") != std::string::npos);
}

TEST_CASE("hostile headers with a valid trailer are refused") {
  const auto good = sample_file();
  auto mutate = [&](auto&& change) {
    std::string bytes = good;
    auto h = header_of(bytes);
    change(h);
    put_header(bytes, h);
    reseal(bytes);
    return open_error(bytes);
  };
  CHECK(mutate([](fmt::Header& h) {
          h.sections[fmt::kDomainEntries].offset = 1u << 30;
        }).find("outside the file") != std::string::npos);
  CHECK(mutate([](fmt::Header& h) {
          h.sections[fmt::kUrlPaths].size = ~0ull;
        }).find("outside the file") != std::string::npos);
  CHECK(mutate([](fmt::Header& h) {
          h.sections[fmt::kBuckets].offset += 4;
        }).find("outside the file") != std::string::npos);  // misaligned
  CHECK(mutate([](fmt::Header& h) { h.domain_count += 1; }).find("wrong size") !=
        std::string::npos);
  CHECK(mutate([](fmt::Header& h) { h.bucket_bits = 40; }).find("bucket_bits") !=
        std::string::npos);
  CHECK(mutate([](fmt::Header& h) { h.category_count = 1u << 31; }).find("too large") !=
        std::string::npos);
  CHECK(mutate([](fmt::Header& h) { h.max_url_path = 0; }).find("URL entry") != std::string::npos);
  CHECK(mutate([](fmt::Header& h) { h.set_count = 0; }) != "<opened>");
}

TEST_CASE("hostile section contents with a valid trailer are refused") {
  const auto good = sample_file();
  const auto h = header_of(good);
  auto poke_u32 = [&](std::size_t section, std::size_t index, std::uint32_t value) {
    std::string bytes = good;
    std::memcpy(bytes.data() + h.sections[section].offset + 4 * index, &value, 4);
    reseal(bytes);
    return open_error(bytes);
  };
  CHECK(poke_u32(fmt::kBuckets, 1, 0xffffffff).find("bucket") != std::string::npos);
  CHECK(poke_u32(fmt::kSetOffsets, 1, 0xffff).find("category set") != std::string::npos);
  CHECK(poke_u32(fmt::kCategoryNameOffsets, 1, 0xffffff).find("category name") !=
        std::string::npos);
  CHECK(poke_u32(fmt::kUrlHostStarts, 1, 0xffffff).find("URL host") != std::string::npos);
  CHECK(poke_u32(fmt::kUrlEntries, 0, 0xfffffff0).find("URL entry") != std::string::npos);
  // A domain entry pointing at a set that does not exist.
  std::string bytes = good;
  std::uint64_t entry;
  std::memcpy(&entry, bytes.data() + h.sections[fmt::kDomainEntries].offset, 8);
  entry |= 0xffff;
  std::memcpy(bytes.data() + h.sections[fmt::kDomainEntries].offset, &entry, 8);
  reseal(bytes);
  CHECK(open_error(bytes).find("invalid set id") != std::string::npos);
}

TEST_CASE("every 32-bit word set to extreme values either fails open or stays in bounds") {
  const auto good = sample_file();
  const std::size_t body = good.size() - fmt::kTrailerSize;
  for (std::size_t i = 0; i + 4 <= body; i += 4) {
    for (std::uint32_t value : {0u, 1u, 0x7fffffffu, 0xffffffffu}) {
      std::string bytes = good;
      std::memcpy(bytes.data() + i, &value, 4);
      reseal(bytes);
      exercise(bytes);
    }
  }
}
