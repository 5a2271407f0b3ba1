#include "media_test_support.hpp"

#include <cstdlib>
#include <fstream>

#include <doctest/doctest.h>

#include "shouwei/collectors/media/tag_io.hpp"
#include "shouwei/platform/linux/media_linux.hpp"

namespace shouwei::media_test {
namespace fs = std::filesystem;

void run(const std::string& command) {
  REQUIRE_MESSAGE(status_of(command) == 0, "command failed: " << command);
}

int status_of(const std::string& command) {
  const int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void make_image(const fs::path& path, Table table, Fs fs) {
  fs::create_directories(path.parent_path());
  { std::ofstream(path, std::ios::binary).flush(); }
  fs::resize_file(path, kImageBytes);
  const std::string img = "'" + path.string() + "'";
  const std::string start = std::to_string(kPartitionStartSector);
  const char* mbr_type = fs == Fs::fat32 ? "c" : "7";
  if (table == Table::mbr) {
    run("printf 'label: dos\\nstart=" + start + ", type=" + mbr_type + "\\n' | sfdisk -q " + img);
  } else if (table == Table::gpt) {
    run("sgdisk -n 1:" + start + ":0 -t 1:0700 " + img + " >/dev/null");
  }
  const std::uint64_t offset = table == Table::none ? 0 : kPartitionStartSector;
  const std::uint64_t sectors = kImageBytes / 512 - offset - (table == Table::gpt ? 34 : 0);
  switch (fs) {
    case Fs::fat32:
      run("mkfs.vfat -F 32 -s 1 -n SHOUWEI " +
          (offset ? "--offset " + std::to_string(offset) + " " : std::string()) + img + " " +
          std::to_string(sectors / 2) + " >/dev/null");
      break;
    case Fs::exfat:
    case Fs::ntfs: {
      // mkfs.exfat and mkfs.ntfs have no offset option: format a partition-sized file and
      // splice it into the image.
      const std::string part = "'" + path.string() + ".part'";
      run("truncate -s " + std::to_string(sectors * 512) + " " + part);
      if (fs == Fs::exfat) {
        run("mkfs.exfat -L SHOUWEI " + part + " >/dev/null");
      } else {
        run("mkfs.ntfs -F -Q -L SHOUWEI -p " + std::to_string(offset) + " " + part +
            " >/dev/null 2>&1");
      }
      run("dd if=" + part + " of=" + img + " bs=512 seek=" + std::to_string(offset) +
          " conv=notrunc,sparse status=none && rm -f " + part);
      break;
    }
  }
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  std::string data(static_cast<std::size_t>(fs::file_size(path, ec)), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  return data;
}

const PrivateKey& media_key() {
  static const PrivateKey key = PrivateKey::generate(KeyAlgorithm::ed25519).value();
  return key;
}

media::MediaTag make_tag(const std::string& media_id, Zone zone, bool read_only, std::uint16_t vid,
                         std::uint16_t pid, std::optional<std::string> serial,
                         std::uint64_t capacity) {
  media::MediaTag tag;
  tag.media_id = media_id;
  tag.zone = zone;
  tag.read_only = read_only;
  tag.issued_at = from_unix_seconds(1795249800);  // 2026-11-21T08:30:00Z
  tag.identity = {vid, pid, std::move(serial), capacity};
  return tag;
}

void register_image(const fs::path& image, const media::MediaTag& tag, const PrivateKey& key) {
  auto envelope = media::sign_tag(tag, key);
  REQUIRE_MESSAGE(envelope.ok(), envelope.error().message);
  auto frame = media::encode_frame(*envelope);
  REQUIRE_MESSAGE(frame.ok(), frame.error().message);
  auto device = platform::linux_media::open_raw_device(image, true);
  REQUIRE_MESSAGE(device.ok(), device.error().message);
  auto where = collectors::media::write_tag(**device, *frame);
  REQUIRE_MESSAGE(where.ok(), where.error().message);
}

namespace {

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string hex(unsigned v, int digits) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string s(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = kDigits[v & 0xf];
  return s;
}

}  // namespace

std::string add_fake_stick(const fs::path& root, const FakeStick& stick) {
  const std::string device = "/sys/devices/pci0000:00/0000:00:14.0/usb1/" + stick.bus_path;
  const fs::path dir = root / device.substr(1);
  write(dir / "idVendor", hex(stick.vendor_id, 4) + "\n");
  write(dir / "idProduct", hex(stick.product_id, 4) + "\n");
  write(dir / "bDeviceClass", "00\n");
  write(dir / "authorized", "1\n");
  write(dir / "product", "Test Stick\n");
  if (stick.serial) write(dir / "serial", *stick.serial + "\n");
  const fs::path iface = dir / (stick.bus_path + ":1.0");
  write(iface / "bInterfaceClass", hex(stick.interface_class, 2) + "\n");
  fs::create_directories(root / "sys/bus/usb/devices");
  fs::create_symlink(fs::relative(dir, root / "sys/bus/usb/devices"),
                     root / "sys/bus/usb/devices" / stick.bus_path);
  if (!stick.disk.empty()) {
    const fs::path scsi = iface / "host0/target0:0:0/0:0:0:0";
    const fs::path block = scsi / "block" / stick.disk;
    write(block / "size", std::to_string(stick.disk_bytes / 512) + "\n");
    write(block / "removable", "1\n");
    write(block / "ro", "0\n");
    fs::create_symlink("../..", block / "device");
    fs::create_directories(root / "sys/block");
    fs::create_symlink(fs::relative(block, root / "sys/block"), root / "sys/block" / stick.disk);
  }
  return device;
}

Result<void> FakeDeviceGate::deauthorize(const collectors::usb::UsbDevice& device) {
  actions.push_back("deauthorize " + device.bus_path);
  return {};
}

Result<void> FakeDeviceGate::set_read_only(const collectors::usb::BlockDevice& disk) {
  if (fail_read_only) return fail(Errc::io, "/dev/" + disk.name + ": ioctl BLKROSET: refused");
  actions.push_back("read_only " + disk.name);
  return {};
}

Result<void> FakeDeviceGate::release(const collectors::usb::BlockDevice& disk,
                                     collectors::media::MediaAction action,
                                     collectors::media::EnforcementMode mode) {
  releases.push_back(disk.name + " " + std::string(to_string(action)) + " " +
                     std::string(to_string(mode)));
  return {};
}

}  // namespace shouwei::media_test
