// The Windows media ports under Wine. The raw reader on a disk image file (named like a disk,
// "PhysicalDrive7", in a temp directory the opener is pointed at): sector-widened reads at odd
// offsets and lengths give exactly the file's bytes, and a tag written and read through it by
// the portable tag code verifies. The gate's calls on Wine, which has no PnP device nodes and no
// physical disks, must fail cleanly with an error naming the call, never crash or claim success.
#include <fstream>
#include <windows.h>

#include <doctest/doctest.h>

#include "../../common/temp_dir.hpp"
#include "shouwei/collectors/media/tag_io.hpp"
#include "shouwei/collectors/media/tag_location.hpp"
#include "shouwei/common/media_tag.hpp"
#include "shouwei/platform/win/media_win.hpp"

namespace media = shouwei::collectors::media;
namespace win_media = shouwei::platform::win_media;
namespace fs = std::filesystem;
using shouwei::test::TempDir;

namespace {

constexpr std::uint64_t kImageBytes = 4ull * 1024 * 1024;

// A 4 MiB "stick": an MBR whose one FAT32 partition starts at LBA 2048, and a byte pattern
// elsewhere so that misplaced reads show.
std::string mbr_image() {
  std::string image(kImageBytes, '\0');
  for (std::size_t i = 0; i < image.size(); ++i) {
    if (i >= 512) image[i] = static_cast<char>((i * 7 + i / 512) & 0xff);
  }
  std::fill(image.begin() + 512, image.begin() + 2048 * 512, '\0');  // the gap before LBA 2048
  auto put32 = [&image](std::size_t at, std::uint32_t v) {
    for (int b = 0; b < 4; ++b) image[at + b] = static_cast<char>((v >> (8 * b)) & 0xff);
  };
  image[0x1BE + 4] = 0x0C;  // FAT32 LBA
  put32(0x1BE + 8, 2048);
  put32(0x1BE + 12, static_cast<std::uint32_t>(kImageBytes / 512 - 2048));
  image[510] = 0x55;
  image[511] = static_cast<char>(0xAA);
  return image;
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

shouwei::media::MediaTag tag_for(const std::string& id) {
  shouwei::media::MediaTag tag;
  tag.media_id = id;
  tag.zone = shouwei::Zone::intranet;
  tag.issued_at = shouwei::from_unix_seconds(1'763'700'000);
  tag.identity = {0x0781, 0x5567, std::string("4C530001230515118475"), kImageBytes};
  return tag;
}

}  // namespace

TEST_CASE("raw disk: reads at any offset and length return exactly the image's bytes") {
  TempDir dir;
  const std::string image = mbr_image();
  write_file(dir.path() / "PhysicalDrive7", image);
  auto opener = win_media::make_physical_drive_opener(dir.path());
  auto disk = opener->open("PhysicalDrive7");
  REQUIRE_MESSAGE(disk.ok(), (disk.ok() ? "" : disk.error().message));
  CHECK_FALSE((*disk)->is_block_device());
  CHECK((*disk)->size().value() == kImageBytes);

  struct Span {
    std::uint64_t offset;
    std::size_t length;
  };
  const Span spans[] = {{0, 512},
                        {1, 1},
                        {510, 2},
                        {511, 514},
                        {17408, 4096},
                        {100000, 70000},
                        {kImageBytes - 3, 3},
                        {kImageBytes - 3, 100},
                        {kImageBytes, 10}};
  for (const Span& s : spans) {
    CAPTURE(s.offset);
    CAPTURE(s.length);
    auto got = (*disk)->read_at(s.offset, s.length);
    REQUIRE(got.ok());
    const std::string want =
        s.offset >= image.size() ? std::string() : image.substr(s.offset, s.length);
    CHECK(*got == want);
  }
  CHECK((*disk)->read_at(0, std::size_t{64} << 20).error().code == shouwei::Errc::limit_exceeded);
}

TEST_CASE("raw disk: a tag written and read through the Windows reader verifies") {
  TempDir dir;
  write_file(dir.path() / "PhysicalDrive3", mbr_image());
  auto key = shouwei::PrivateKey::generate(shouwei::KeyAlgorithm::ed25519);
  REQUIRE(key.ok());
  auto envelope = shouwei::media::sign_tag(tag_for("stick-0001"), *key);
  REQUIRE(envelope.ok());
  auto frame = shouwei::media::encode_frame(*envelope);
  REQUIRE(frame.ok());
  {
    auto writable = win_media::open_raw_disk(dir.path() / "PhysicalDrive3", true);
    REQUIRE(writable.ok());
    auto at = media::write_tag(**writable, *frame);
    REQUIRE_MESSAGE(at.ok(), (at.ok() ? "" : at.error().message));
    CHECK(at->layout == media::DiskLayout::mbr);
    REQUIRE((*writable)->sync().ok());
  }
  auto disk = win_media::make_physical_drive_opener(dir.path())->open("PhysicalDrive3");
  REQUIRE(disk.ok());
  const media::TagReading reading = media::read_tag(**disk, &key->public_key());
  CHECK_MESSAGE(reading.status == media::TagStatus::valid, reading.detail);
  REQUIRE(reading.tag);
  CHECK(reading.tag->media_id == "stick-0001");
  CHECK((*disk)->size().value() == kImageBytes);  // writing the frame did not grow the image

  // One flipped byte inside the envelope: tamper, not absence.
  auto writable = win_media::open_raw_disk(dir.path() / "PhysicalDrive3", true);
  REQUIRE(writable.ok());
  const std::uint64_t flip = *reading.offset + shouwei::media::kTagHeaderBytes + 10;
  auto byte = (*writable)->read_at(flip, 1);
  REQUIRE(byte.ok());
  REQUIRE((*writable)->write_at(flip, std::string(1, static_cast<char>((*byte)[0] ^ 0x20))).ok());
  CHECK(media::read_tag(**writable, &key->public_key()).status == media::TagStatus::invalid);
}

TEST_CASE("raw disk: only PhysicalDrive<number> names are opened") {
  TempDir dir;
  write_file(dir.path() / "secret.txt", "not a disk");
  auto opener = win_media::make_physical_drive_opener(dir.path());
  for (const char* bad :
       {"", "PhysicalDrive", "PhysicalDrive1a", "PhysicalDrive1234", "..\\secret.txt", "secret.txt",
        "PhysicalDrive1\\..\\secret.txt", "C:", "PHYSICALDRIVE1x"}) {
    CAPTURE(bad);
    auto disk = opener->open(bad);
    REQUIRE_FALSE(disk.ok());
    CHECK(disk.error().code == shouwei::Errc::invalid_argument);
  }
  fs::create_directories(dir.path() / "PhysicalDrive9");  // a directory is not a disk
  CHECK_FALSE(opener->open("PhysicalDrive9").ok());
  auto absent = opener->open("PhysicalDrive8");
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().message.find("PhysicalDrive8") != std::string::npos);
}

TEST_CASE("gate: on Wine every action fails cleanly, naming the call") {
  // Wine has neither the device node nor \\.\PhysicalDrive250; real Windows acts on both.
  auto gate = win_media::make_windows_device_gate();
  shouwei::collectors::usb::UsbDevice stick;
  stick.sysfs_path = "USB\\VID_0781&PID_5567\\4C530001230515118475";
  auto blocked = gate->deauthorize(stick);
  REQUIRE_FALSE(blocked.ok());
  CHECK(blocked.error().message.find("CM_") != std::string::npos);
  CHECK(blocked.error().message.find(stick.sysfs_path) != std::string::npos);

  shouwei::collectors::usb::BlockDevice disk;
  disk.name = "PhysicalDrive250";
  auto read_only = gate->set_read_only(disk);
  REQUIRE_FALSE(read_only.ok());
  CHECK(read_only.error().message.find("PhysicalDrive250") != std::string::npos);
  auto released = gate->release(disk, media::MediaAction::allow, media::EnforcementMode::enforce);
  REQUIRE_FALSE(released.ok());
  CHECK(released.error().message.find("PhysicalDrive250") != std::string::npos);

  disk.name = "..\\..\\Windows";
  CHECK(gate->set_read_only(disk).error().code == shouwei::Errc::invalid_argument);
}

TEST_CASE("gate: a disk image is not a disk; the read-only attribute IOCTL is refused") {
  TempDir dir;
  write_file(dir.path() / "PhysicalDrive4", mbr_image());
  auto gate = win_media::make_windows_device_gate(dir.path());
  shouwei::collectors::usb::BlockDevice disk;
  disk.name = "PhysicalDrive4";
  auto read_only = gate->set_read_only(disk);
  REQUIRE_FALSE(read_only.ok());
  CHECK(read_only.error().message.find("IOCTL_DISK_SET_DISK_ATTRIBUTES") != std::string::npos);
  auto online = win_media::bring_disk_online(dir.path(), disk);
  REQUIRE_FALSE(online.ok());
  CHECK(online.error().message.find("IOCTL_DISK_GET_DISK_ATTRIBUTES") != std::string::npos);
}
