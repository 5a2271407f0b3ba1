#include <cerrno>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shouwei/common/encoding.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/platform/linux/media_linux.hpp"
#include "shouwei/platform/linux/scoped_fd.hpp"

namespace shouwei::platform::linux_media {
namespace {

using posix::ScopedFd;

namespace usb = collectors::usb;

class LinuxDeviceGate final : public collectors::media::DeviceGate {
 public:
  explicit LinuxDeviceGate(const RootFs& root) : root_(root) {}

  // The kernel unbinds every interface driver (usb-storage included) on "0", so the disk and
  // its partitions disappear; it stays so until "1" is written.
  Result<void> deauthorize(const usb::UsbDevice& device) override {
    if (device.sysfs_path.empty()) return fail(Errc::not_found, "device without a sysfs path");
    return write_attribute(device.sysfs_path + "/authorized", "0");
  }

  // The whole disk first: on current kernels its read-only flag covers every partition; the
  // partitions are set too for older kernels and for partitions probed already.
  Result<void> set_read_only(const usb::BlockDevice& disk) override {
    SHOUWEI_TRY_VOID(set_node_read_only(disk.name, true));
    for (const auto& p : disk.partitions) SHOUWEI_TRY_VOID(set_node_read_only(p.name, false));
    return {};
  }

  // A synthetic uevent (Documentation/ABI/testing/sysfs-uevent): "change UUID KEY=VALUE" into
  // the disk's and each partition's `uevent` file reaches udev as SYNTH_ARG_SHOUWEIGATE=VALUE
  // (keys and values: alphanumerics only, hence no underscore). The disk first: udisks looks at
  // the disk before its partitions.
  Result<void> release(const usb::BlockDevice& disk, collectors::media::MediaAction action,
                       collectors::media::EnforcementMode mode) override {
    const std::string value = mode == collectors::media::EnforcementMode::audit ? "audit"
                              : action == collectors::media::MediaAction::allow ? "allow"
                                                                                : "readonly";
    const std::string message = "change " + random_uuid() + " SHOUWEIGATE=" + value;
    SHOUWEI_TRY_VOID(write_attribute(disk.sysfs_path + "/uevent", message));
    for (const auto& p : disk.partitions) {
      SHOUWEI_TRY_VOID(write_attribute(disk.sysfs_path + "/" + p.name + "/uevent", message));
    }
    return {};
  }

 private:
  // RFC 4122 version 4 layout; the kernel only checks the 8-4-4-4-12 hex shape.
  static std::string random_uuid() {
    const std::string h = hex_encode(random_bytes(16));
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-a" + h.substr(17, 3) +
           "-" + h.substr(20, 12);
  }

  Result<void> write_attribute(const std::string& attribute, std::string_view text) {
    const std::filesystem::path path = root_.resolve(attribute);
    if (path.empty()) return fail(Errc::not_found, attribute + ": unresolvable under the root");
    ScopedFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) return fail(errno_code(), errno_message(path, "open"));
    ssize_t put = -1;
    do {
      put = ::write(fd.get(), text.data(), text.size());
    } while (put < 0 && errno == EINTR);
    if (put != static_cast<ssize_t>(text.size())) {
      return fail(errno_code(), errno_message(path, "write"));
    }
    return {};
  }

  Result<void> set_node_read_only(const std::string& name, bool required) {
    const std::filesystem::path path = root_.resolve("/dev/" + name);
    ScopedFd fd(path.empty() ? -1 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) {
      if (!required && errno == ENOENT) return {};  // partition node not created (yet)
      return fail(path.empty() ? Errc::not_found : errno_code(),
                  path.empty() ? "/dev/" + name + ": unresolvable under the root"
                               : errno_message(path, "open"));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return fail(errno_code(), errno_message(path, "fstat"));
    if (!S_ISBLK(st.st_mode)) {
      return fail(Errc::unsupported,
                  path.string() + ": not a block device, cannot be made read-only");
    }
    int read_only = 1;
    if (::ioctl(fd.get(), BLKROSET, &read_only) != 0) {
      return fail(errno_code(), errno_message(path, "ioctl BLKROSET"));
    }
    return {};
  }

  const RootFs& root_;
};

}  // namespace

std::unique_ptr<collectors::media::DeviceGate> make_linux_device_gate(const RootFs& root) {
  return std::make_unique<LinuxDeviceGate>(root);
}

}  // namespace shouwei::platform::linux_media
