// Registration on real disk images (sfdisk/sgdisk, mkfs.vfat, mkfs.exfat, mkfs.ntfs): the tag is
// found by a raw read, every byte outside its 4096 bytes is unchanged, the file system checks
// clean, files written before read back after, and the tag survives adding and deleting files.
#include <algorithm>

#include <doctest/doctest.h>

#include "media_test_support.hpp"
#include "shouwei/collectors/media/tag_io.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/platform/linux/media_linux.hpp"

namespace {

using namespace shouwei;
using namespace shouwei::media_test;
using collectors::media::DiskLayout;
using collectors::media::TagReading;
using collectors::media::TagStatus;
using shouwei::test::write_test_file;
namespace fs = std::filesystem;

TagReading read_image_tag(const fs::path& image, const PublicKey* key) {
  auto device = platform::linux_media::open_raw_device(image, false);
  REQUIRE_MESSAGE(device.ok(), device.error().message);
  return collectors::media::read_tag(**device, key);
}

// A valid frame for a stick of this test's size, for the writes that must be refused.
std::string any_frame() {
  const auto tag = make_tag("m", Zone::intranet, false, 1, 2, std::nullopt, kImageBytes);
  return media::encode_frame(media::sign_tag(tag, media_key()).value()).value();
}

std::string sh_quote(const fs::path& p) {
  return "'" + p.string() + "'";
}

std::uint64_t partition_offset(Table table) {
  return table == Table::none ? 0 : kPartitionStartSector * 512;
}

// The file system's own bytes, extracted to a file for the tools that take no offset.
fs::path extract_partition(const fs::path& image, Table table) {
  if (table == Table::none) return image;
  const fs::path part = image.string() + ".p1";
  // A GPT's backup table takes the last 34 sectors; the partition ends before it.
  const std::uint64_t sectors =
      kImageBytes / 512 - kPartitionStartSector - (table == Table::gpt ? 34 : 0);
  run("dd if=" + sh_quote(image) + " of=" + sh_quote(part) +
      " bs=512 skip=" + std::to_string(kPartitionStartSector) +
      " count=" + std::to_string(sectors) + " conv=sparse status=none");
  return part;
}

void check_file_system(const fs::path& image, Table table, Fs fs_type) {
  const fs::path part = extract_partition(image, table);
  switch (fs_type) {
    case Fs::fat32:
      run("fsck.vfat -n " + sh_quote(part) + " >/dev/null");
      break;
    case Fs::exfat:
      run("fsck.exfat -n " + sh_quote(part) + " >/dev/null");
      break;
    case Fs::ntfs:
      run("ntfsfix -n " + sh_quote(part) + " >/dev/null 2>&1");
      break;
  }
  if (part != image) fs::remove(part);
}

std::string mtools_image(const fs::path& image, Table table) {
  return sh_quote(image.string() + "@@" + std::to_string(partition_offset(table)));
}

DiskLayout expected_layout(Table table, Fs fs_type) {
  if (table == Table::mbr) return DiskLayout::mbr;
  if (table == Table::gpt) return DiskLayout::gpt;
  return fs_type == Fs::fat32 ? DiskLayout::fat32 : DiskLayout::exfat;
}

void register_keeps_the_stick_intact(Table table, Fs fs_type) {
  TempDir dir;
  const fs::path image = dir / "stick.img";
  make_image(image, table, fs_type);
  write_test_file(dir / "report.txt", "政务内网 report, written before registration\n");
  if (fs_type == Fs::fat32) {
    run("mcopy -i " + mtools_image(image, table) + " " + sh_quote(dir / "report.txt") +
        " ::/REPORT.TXT");
  }
  CHECK(read_image_tag(image, &media_key().public_key()).status == TagStatus::absent);
  const std::string before = slurp(image);

  const auto tag = make_tag("m-img", Zone::intranet, false, 0x0781, 0x5567, "SN1", kImageBytes);
  register_image(image, tag);

  const auto reading = read_image_tag(image, &media_key().public_key());
  REQUIRE(reading.status == TagStatus::valid);
  CHECK(reading.layout == expected_layout(table, fs_type));
  CHECK(reading.tag->media_id == "m-img");
  const std::size_t at = static_cast<std::size_t>(*reading.offset);
  const std::string after = slurp(image);
  REQUIRE(after.size() == before.size());
  CHECK(std::all_of(before.begin() + static_cast<std::ptrdiff_t>(at),
                    before.begin() + static_cast<std::ptrdiff_t>(at + media::kTagFrameBytes),
                    [](char c) { return c == 0; }));
  CHECK(after.compare(0, at, before, 0, at) == 0);
  const std::size_t end = at + media::kTagFrameBytes;
  CHECK(after.compare(end, std::string::npos, before, end, std::string::npos) == 0);
  check_file_system(image, table, fs_type);

  if (fs_type == Fs::fat32) {
    // Ordinary use: the file read back, another added, the first deleted.
    const fs::path out = dir / "back.txt";
    run("mtype -i " + mtools_image(image, table) + " ::/REPORT.TXT > " + sh_quote(out));
    CHECK(slurp(out) == slurp(dir / "report.txt"));
    run("mcopy -i " + mtools_image(image, table) + " " + sh_quote(out) + " ::/NEW.TXT");
    run("mdel -i " + mtools_image(image, table) + " ::/REPORT.TXT");
    check_file_system(image, table, fs_type);
    CHECK(read_image_tag(image, &media_key().public_key()).status == TagStatus::valid);
  }
  if (fs_type == Fs::ntfs) {
    const fs::path part = extract_partition(image, table);
    run("ntfscp -q " + sh_quote(part) + " " + sh_quote(dir / "report.txt") + " report.txt");
    run("dd if=" + sh_quote(part) + " of=" + sh_quote(image) + " bs=512 seek=" +
        std::to_string(kPartitionStartSector) + " conv=notrunc,sparse status=none");
    run("ntfscat " + sh_quote(part) + " report.txt > " + sh_quote(dir / "back.txt"));
    CHECK(slurp(dir / "back.txt") == slurp(dir / "report.txt"));
    CHECK(read_image_tag(image, &media_key().public_key()).status == TagStatus::valid);
  }

  // Unregistering restores the stick byte for byte when nothing else changed it.
  if (fs_type == Fs::exfat) {
    auto device = platform::linux_media::open_raw_device(image, true);
    REQUIRE(device.ok());
    REQUIRE(collectors::media::erase_tag(**device).ok());
    CHECK(slurp(image) == before);
    CHECK(collectors::media::erase_tag(**device).error().code == Errc::not_found);
  }
}

}  // namespace

TEST_CASE("register keeps MBR, GPT and superfloppy sticks with FAT32, exFAT and NTFS intact") {
  const std::pair<Table, Fs> layouts[] = {
      {Table::mbr, Fs::fat32},  {Table::mbr, Fs::exfat},  {Table::mbr, Fs::ntfs},
      {Table::gpt, Fs::fat32},  {Table::gpt, Fs::exfat},  {Table::gpt, Fs::ntfs},
      {Table::none, Fs::fat32}, {Table::none, Fs::exfat},
  };
  for (const auto& layout : layouts) {
    CAPTURE(static_cast<int>(layout.first));
    CAPTURE(static_cast<int>(layout.second));
    register_keeps_the_stick_intact(layout.first, layout.second);
  }
}

TEST_CASE("a superfloppy NTFS stick is refused and left untouched") {
  TempDir dir;
  const fs::path image = dir / "ntfs.img";
  make_image(image, Table::none, Fs::ntfs);
  const std::string before = slurp(image);
  auto device = platform::linux_media::open_raw_device(image, true);
  REQUIRE(device.ok());
  const std::string frame = any_frame();
  const auto r = collectors::media::write_tag(**device, frame);
  CHECK(r.error().code == Errc::unsupported);
  CHECK(r.error().message.find("NTFS without a partition table") == 0);
  CHECK(slurp(image) == before);
}

TEST_CASE("bytes in use in the gap (a boot loader) are never overwritten") {
  TempDir dir;
  const fs::path image = dir / "grub.img";
  make_image(image, Table::mbr, Fs::fat32);
  run("printf 'GRUB core image' | dd of=" + sh_quote(image) +
      " bs=1 seek=17500 conv=notrunc status=none");
  const std::string before = slurp(image);
  auto device = platform::linux_media::open_raw_device(image, true);
  REQUIRE(device.ok());
  const std::string frame = any_frame();
  const auto r = collectors::media::write_tag(**device, frame);
  CHECK(r.error().code == Errc::conflict);
  CHECK(r.error().message.find("in use") != std::string::npos);
  CHECK(slurp(image) == before);
}

TEST_CASE("a damaged tag on an image reads as invalid, not as absent") {
  TempDir dir;
  const fs::path image = dir / "stick.img";
  make_image(image, Table::mbr, Fs::exfat);
  register_image(image, make_tag("m-c", Zone::intranet, false, 1, 2, "s", kImageBytes));
  run("printf 'X' | dd of=" + sh_quote(image) + " bs=1 seek=17500 conv=notrunc status=none");
  const auto r = read_image_tag(image, &media_key().public_key());
  CHECK(r.status == TagStatus::invalid);
  CHECK(r.detail == "media tag frame: CRC mismatch");
  const auto other = PrivateKey::generate(KeyAlgorithm::ed25519).value();
  register_image(image, make_tag("m-c", Zone::intranet, false, 1, 2, "s", kImageBytes), other);
  const auto foreign = read_image_tag(image, &media_key().public_key());
  CHECK(foreign.status == TagStatus::invalid);
  CHECK(foreign.detail.find("keyid mismatch") == 0);
  CHECK(read_image_tag(image, nullptr).status == TagStatus::unverified);
}

TEST_CASE("shouweictl media register, inspect and unregister on an image") {
  TempDir dir;
  const std::string ctl = std::string(SHOUWEI_BINARY_DIR) + "/tools/shouweictl/shouweictl";
  const fs::path image = dir / "stick.img";
  make_image(image, Table::gpt, Fs::fat32);
  const std::string k = sh_quote(dir / "media");
  run(ctl + " keygen --out " + k + " >/dev/null");
  const std::string img = sh_quote(image);
  const std::string key = sh_quote(dir / "media.key");
  const std::string pub = sh_quote(dir / "media.pub");
  CHECK(status_of(ctl + " media inspect --key " + pub + " " + img + " >/dev/null") == kExitFailure);
  CHECK(status_of(ctl + " media register --key " + key + " --zone intranet " + img +
                  " 2>/dev/null") == kExitUsage);  // an image needs --vid and --pid
  run(ctl + " media register --key " + key + " --zone extranet --read-only --media-id OFFICE-7 " +
      "--vid 0781 --pid 5567 --serial SN1 " + img + " > " + sh_quote(dir / "out.txt"));
  CHECK(slurp(dir / "out.txt")
            .find("media id OFFICE-7, zone extranet, read-only, tag at byte 17408 (gpt)") !=
        std::string::npos);
  run(ctl + " media inspect --key " + pub + " --vid 0781 --pid 5567 --serial SN1 " + img + " > " +
      sh_quote(dir / "inspect.json"));
  const std::string shown = slurp(dir / "inspect.json");
  CHECK(shown.find("\"tag_status\": \"valid\"") != std::string::npos);
  CHECK(shown.find("\"binding\": \"matches this stick\"") != std::string::npos);
  CHECK(status_of(ctl + " media inspect --key " + pub + " --vid 0781 --pid 5567 --serial SN2 " +
                  img + " >/dev/null") ==
        kExitVerify);  // the same tag on a stick with another serial
  run(ctl + " keygen --out " + sh_quote(dir / "other") + " >/dev/null");
  CHECK(status_of(ctl + " media inspect --key " + sh_quote(dir / "other.pub") + " " + img +
                  " >/dev/null") == kExitVerify);
  run(ctl + " media unregister " + img + " >/dev/null");
  CHECK(status_of(ctl + " media inspect " + img + " >/dev/null") == kExitFailure);
  CHECK(status_of(ctl + " media unregister " + img + " 2>/dev/null") != 0);
}
