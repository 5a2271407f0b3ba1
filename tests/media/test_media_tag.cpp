// The media tag format (payload, signature, frame) and the tag location on synthetic heads.
#include <doctest/doctest.h>

#include "media_test_support.hpp"
#include "shouwei/collectors/media/tag_location.hpp"
#include "shouwei/common/canonical_json.hpp"
#include "shouwei/common/media_tag.hpp"

namespace {

using namespace shouwei;
using namespace shouwei::media;
using collectors::media::DiskLayout;
using collectors::media::locate_tag;
using media_test::make_tag;
using media_test::media_key;

std::string signed_frame(const MediaTag& tag) {
  return encode_frame(sign_tag(tag, media_key()).value()).value();
}

void put_le(std::string& s, std::size_t at, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

TEST_CASE("the payload is canonical JSON binding identity, zone and media id") {
  const auto tag =
      make_tag("stick-42", Zone::intranet, true, 0x0781, 0x5567, std::nullopt, 16008609792ull);
  const std::string payload = tag_payload(tag).value();
  CHECK(
      payload ==
      R"({"device":{"capacity_bytes":16008609792,"product_id":"5567","serial":null,"vendor_id":"0781"},)"
      R"("issued_at":"2026-11-21T08:30:00Z","media_id":"stick-42","read_only":true,"schema":"shouwei.mediatag/v1","zone":"intranet"})");
  CHECK(json::canonicalize_text(payload).value() == payload);
  const MediaTag back = parse_tag_payload(payload).value();
  CHECK(back.identity == tag.identity);
  CHECK(back.media_id == "stick-42");
  CHECK(back.zone == Zone::intranet);
  CHECK(back.read_only);
  CHECK(back.issued_at == tag.issued_at);
}

TEST_CASE("an empty serial and no serial are different identities") {
  auto empty = make_tag("a", Zone::intranet, false, 1, 2, std::string(), 512);
  auto none = make_tag("a", Zone::intranet, false, 1, 2, std::nullopt, 512);
  CHECK(parse_tag_payload(tag_payload(empty).value())->identity.serial == std::string());
  CHECK_FALSE(parse_tag_payload(tag_payload(none).value())->identity.serial.has_value());
  CHECK_FALSE(empty.identity == none.identity);
}

TEST_CASE("payloads that are not tags are refused naming the field") {
  CHECK(parse_tag_payload("[]").error().message.find("not a JSON object") != std::string::npos);
  const std::string good =
      tag_payload(make_tag("a", Zone::internet, false, 1, 2, "s", 512)).value();
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return parse_tag_payload(s);
  };
  CHECK(replace("\"zone\":\"internet\"", "\"zone\":\"moon\"").error().message.find("zone") !=
        std::string::npos);
  CHECK(
      replace("\"vendor_id\":\"0001\"", "\"vendor_id\":\"1\"").error().message.find("vendor_id") !=
      std::string::npos);
  CHECK(replace("\"capacity_bytes\":512", "\"capacity_bytes\":-1")
            .error()
            .message.find("capacity_bytes") != std::string::npos);
  CHECK(replace("\"media_id\":\"a\"", "\"media_id\":\"a/b\"").error().message.find("media_id") !=
        std::string::npos);
  CHECK(replace("shouwei.mediatag/v1", "shouwei.mediatag/v9").error().code == Errc::unsupported);
  CHECK(replace("\"read_only\":false", "\"read_only\":0").error().message.find("read_only") !=
        std::string::npos);
  CHECK_FALSE(tag_payload(make_tag("bad id", Zone::intranet, false, 1, 2, std::nullopt, 1)).ok());
  CHECK_FALSE(
      tag_payload(make_tag("a", Zone::intranet, false, 1, 2, std::string(400, 'x'), 1)).ok());
}

TEST_CASE("a signed tag verifies only with the media key that signed it") {
  const auto tag =
      make_tag("m-1", Zone::extranet, false, 0x090c, 0x1000, "AA00000000011083", 8004829184ull);
  const auto envelope = sign_tag(tag, media_key()).value();
  CHECK(envelope.payload_type == "application/vnd.shouwei.mediatag+json");
  CHECK(verify_tag(envelope, media_key().public_key())->identity == tag.identity);
  const auto other = PrivateKey::generate(KeyAlgorithm::ed25519).value();
  CHECK(verify_tag(envelope, other.public_key()).error().code == Errc::crypto);
  auto forged = envelope;
  forged.payload.replace(forged.payload.find("extranet"), 8, "intranet");
  CHECK(verify_tag(forged, media_key().public_key()).error().code == Errc::crypto);
}

TEST_CASE("the frame tells no tag, a damaged tag and a tag apart") {
  const std::string frame = signed_frame(make_tag("m-2", Zone::intranet, false, 1, 2, "x", 4096));
  REQUIRE(frame.size() == kTagFrameBytes);
  CHECK(frame.substr(0, 8) == std::string("SHWMTAG\0", 8));
  const auto ok = decode_frame(frame);
  REQUIRE(ok.status == FrameReading::Status::present);
  CHECK(verify_tag(ok.envelope, media_key().public_key()).ok());

  CHECK(decode_frame(std::string(kTagFrameBytes, '\0')).status == FrameReading::Status::absent);
  CHECK(decode_frame(std::string(kTagFrameBytes, '\xff')).status == FrameReading::Status::absent);

  std::string flipped = frame;
  flipped[200] ^= 0x01;  // one bit in the envelope
  CHECK(decode_frame(flipped).status == FrameReading::Status::invalid);
  CHECK(decode_frame(flipped).detail == "CRC mismatch");

  std::string long_length = frame;
  put_le(long_length, 12, 5000, 4);
  CHECK(decode_frame(long_length).detail == "envelope length 5000 out of range");
  std::string version = frame;
  put_le(version, 8, 2, 2);
  CHECK(decode_frame(version).detail == "unknown frame version 2");
  CHECK(decode_frame(frame.substr(0, 20)).detail == "frame truncated");
  CHECK(decode_frame(frame.substr(0, 100)).status == FrameReading::Status::invalid);
}

TEST_CASE("an envelope too large for the frame is refused") {
  dsse::Envelope e{std::string(dsse::kMediaTagPayloadType), std::string(5000, 'x'), {{"k", "s"}}};
  CHECK(encode_frame(e).error().code == Errc::limit_exceeded);
}

// Synthetic first sectors: only the fields locate_tag looks at.
namespace {

std::string mbr_head(std::uint32_t first_start, std::uint8_t type = 0x0c) {
  std::string head(collectors::media::kLayoutHeadBytes, '\0');
  head[446 + 4] = static_cast<char>(type);
  put_le(head, 446 + 8, first_start, 4);
  put_le(head, 446 + 12, 100000, 4);
  head[510] = '\x55';
  head[511] = '\xaa';
  return head;
}

std::string fat32_head(std::uint16_t reserved, std::uint16_t backup = 6) {
  std::string head(collectors::media::kLayoutHeadBytes, '\0');
  head[0] = '\xeb';
  put_le(head, 11, 512, 2);
  put_le(head, 14, reserved, 2);
  put_le(head, 48, 1, 2);
  put_le(head, 50, backup, 2);
  head.replace(82, 8, "FAT32   ");
  head[510] = '\x55';
  head[511] = '\xaa';
  return head;
}

}  // namespace

TEST_CASE("tag location on MBR sticks: the gap before the first partition") {
  constexpr std::uint64_t disk = 1ull << 30;
  CHECK(locate_tag(mbr_head(2048), disk)->offset == 17408);
  CHECK(locate_tag(mbr_head(2048), disk)->layout == DiskLayout::mbr);
  CHECK(locate_tag(mbr_head(63), disk)->offset == 17408);  // old DOS alignment still fits
  CHECK(locate_tag(mbr_head(32), disk).error().message ==
        "first partition starts at sector 32: no room for a tag before it");
  CHECK_FALSE(locate_tag(mbr_head(2048, 0), disk).ok());  // no partition at all
  CHECK_FALSE(locate_tag(mbr_head(2048), 20000).ok());    // tiny disk
}

TEST_CASE("tag location on GPT sticks: after the partition entry array") {
  std::string head = mbr_head(1, 0xee);
  head.replace(512, 8, "EFI PART");
  put_le(head, 512 + 72, 2, 8);
  put_le(head, 512 + 80, 128, 4);
  put_le(head, 512 + 84, 128, 4);
  head[1024] = 1;  // entry 1 in use
  put_le(head, 1024 + 32, 2048, 8);
  CHECK(locate_tag(head, 1ull << 30)->layout == DiskLayout::gpt);
  CHECK(locate_tag(head, 1ull << 30)->offset == 17408);
  put_le(head, 1024 + 32, 40, 8);
  CHECK(locate_tag(head, 1ull << 30).error().message.find("starts at LBA 40") != std::string::npos);
  put_le(head, 1024 + 32, 2048, 8);
  put_le(head, 512 + 80, 256, 4);  // a 256-entry array ends at LBA 66
  CHECK(locate_tag(head, 1ull << 30).error().message.find("entry array") != std::string::npos);
}

TEST_CASE("tag location without a partition table") {
  CHECK(locate_tag(fat32_head(32), 1ull << 30)->offset == 8192);
  CHECK(locate_tag(fat32_head(32), 1ull << 30)->layout == DiskLayout::fat32);
  CHECK(locate_tag(fat32_head(20), 1ull << 30).error().message.find("reserved area of 20") !=
        std::string::npos);
  CHECK_FALSE(locate_tag(fat32_head(32, 16), 1ull << 30).ok());  // backup boot sector in the way

  std::string exfat(collectors::media::kLayoutHeadBytes, '\0');
  exfat[0] = '\xeb';
  exfat.replace(3, 8, "EXFAT   ");
  put_le(exfat, 80, 2048, 4);
  exfat[108] = 9;
  CHECK(locate_tag(exfat, 1ull << 30)->offset == 12288);
  put_le(exfat, 80, 24, 4);
  CHECK(locate_tag(exfat, 1ull << 30).error().message.find("FAT offset 24") != std::string::npos);

  std::string ntfs(collectors::media::kLayoutHeadBytes, '\0');
  ntfs[0] = '\xeb';
  ntfs.replace(3, 8, "NTFS    ");
  CHECK(locate_tag(ntfs, 1ull << 30).error().message.find("NTFS without a partition table") == 0);

  CHECK(locate_tag(std::string(4096, '\0'), 1ull << 30).error().message ==
        "no partition table or known file system");
  CHECK(locate_tag("short", 1ull << 30).error().code == Errc::unsupported);
}
