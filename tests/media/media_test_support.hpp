// Helpers shared by the media tests: real disk images (sfdisk/sgdisk + mkfs.vfat, mkfs.exfat,
// mkfs.ntfs), a signing key, tag registration, and small fake sysfs trees with a stick whose
// raw disk is an image at <root>/dev/<name>.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/temp_dir.hpp"
#include "shouwei/collectors/media/device_gate.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/media_tag.hpp"

namespace shouwei::media_test {

using TempDir = shouwei::test::TempDir;

enum class Table { mbr, gpt, none };
enum class Fs { fat32, exfat, ntfs };

inline constexpr std::uint64_t kImageBytes = 40ull * 1024 * 1024;
inline constexpr std::uint64_t kPartitionStartSector = 2048;

// Runs a shell command; fails the current test (naming it) when it exits non-zero.
void run(const std::string& command);
// Same, returning the exit status instead of failing.
int status_of(const std::string& command);

// A sparse image of kImageBytes with the file system fs on a partition at sector 2048 of an MBR
// or GPT table, or on the whole disk (Table::none).
void make_image(const std::filesystem::path& path, Table table, Fs fs);

// Whole file contents.
std::string slurp(const std::filesystem::path& path);

// One process-wide Ed25519 media key (generating keys in every test case is slow).
const PrivateKey& media_key();

// A tag for the given identity (issued at a fixed time).
media::MediaTag make_tag(const std::string& media_id, Zone zone, bool read_only, std::uint16_t vid,
                         std::uint16_t pid, std::optional<std::string> serial,
                         std::uint64_t capacity);

// Signs tag with key and writes its frame onto the image; fails the test on error.
void register_image(const std::filesystem::path& image, const media::MediaTag& tag,
                    const PrivateKey& key = media_key());

// A USB device in a fake sysfs tree under root.
struct FakeStick {
  std::string bus_path = "1-1";
  std::uint16_t vendor_id = 0x0781;
  std::uint16_t product_id = 0x5567;
  std::optional<std::string> serial = std::string("4C530001230517117103");
  std::uint8_t interface_class = 0x08;     // 0x03 for a keyboard
  std::string disk;                        // "sdb"; empty: no disk
  std::uint64_t disk_bytes = kImageBytes;  // what sysfs reports as the disk's size
};

// Adds the device (and its disk's sysfs entries) under root; the raw disk itself is whatever
// the test puts at <root>/dev/<disk>. Returns the device's in-system sysfs path.
std::string add_fake_stick(const std::filesystem::path& root, const FakeStick& stick);

// A DeviceGate that records what it was asked to do ("deauthorize 1-1", "read_only sdb",
// releases as "sdb allow enforce"); set_read_only fails on demand.
class FakeDeviceGate final : public collectors::media::DeviceGate {
 public:
  Result<void> deauthorize(const collectors::usb::UsbDevice& device) override;
  Result<void> set_read_only(const collectors::usb::BlockDevice& disk) override;
  Result<void> release(const collectors::usb::BlockDevice& disk,
                       collectors::media::MediaAction action,
                       collectors::media::EnforcementMode mode) override;

  std::vector<std::string> actions;
  std::vector<std::string> releases;
  bool fail_read_only = false;
};

}  // namespace shouwei::media_test
