#include <cerrno>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shouwei/common/file_io.hpp"
#include "shouwei/platform/linux/media_linux.hpp"
#include "shouwei/platform/linux/scoped_fd.hpp"

namespace shouwei::platform::linux_media {
namespace {

using posix::ScopedFd;

using collectors::media::RawDevice;

class LinuxRawDevice final : public RawDevice {
 public:
  LinuxRawDevice(ScopedFd fd, std::string path, bool block, std::uint64_t size)
      : fd_(std::move(fd)), path_(std::move(path)), block_(block), size_(size) {}

  const std::string& path() const override { return path_; }
  bool is_block_device() const override { return block_; }
  Result<std::uint64_t> size() override { return size_; }

  Result<std::string> read_at(std::uint64_t offset, std::size_t n) override {
    std::string out(n, '\0');
    std::size_t done = 0;
    while (done < n) {
      const ssize_t got =
          ::pread(fd_.get(), out.data() + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return fail(errno_code(), errno_message(path_, "pread"));
      if (got == 0) break;  // end of device
      done += static_cast<std::size_t>(got);
    }
    out.resize(done);
    return out;
  }

  Result<void> write_at(std::uint64_t offset, std::string_view bytes) override {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t put = ::pwrite(fd_.get(), bytes.data() + done, bytes.size() - done,
                                   static_cast<off_t>(offset + done));
      if (put < 0 && errno == EINTR) continue;
      if (put <= 0) return fail(errno_code(), errno_message(path_, "pwrite"));
      done += static_cast<std::size_t>(put);
    }
    return {};
  }

  Result<void> sync() override {
    if (::fsync(fd_.get()) != 0) return fail(errno_code(), errno_message(path_, "fsync"));
    return {};
  }

 private:
  ScopedFd fd_;
  std::string path_;
  bool block_;
  std::uint64_t size_;
};

class RootDeviceOpener final : public collectors::media::RawDeviceOpener {
 public:
  explicit RootDeviceOpener(const RootFs& root) : root_(root) {}

  Result<std::unique_ptr<RawDevice>> open(std::string_view disk_name) override {
    if (disk_name.empty() || disk_name.find('/') != std::string_view::npos || disk_name == "." ||
        disk_name == "..") {
      return fail(Errc::invalid_argument,
                  "disk name \"" + std::string(disk_name) + "\" is not a kernel name");
    }
    const std::filesystem::path path = root_.resolve("/dev/" + std::string(disk_name));
    if (path.empty())
      return fail(Errc::not_found,
                  "/dev/" + std::string(disk_name) + ": unresolvable under the root");
    return open_raw_device(path, false);
  }

 private:
  const RootFs& root_;
};

}  // namespace

Result<std::unique_ptr<RawDevice>> open_raw_device(const std::filesystem::path& path,
                                                   bool writable) {
  const int flags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY;
  ScopedFd fd(::open(path.c_str(), flags));
  if (!fd) return fail(errno_code(), errno_message(path, "open"));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(errno_code(), errno_message(path, "fstat"));
  std::uint64_t size = 0;
  const bool block = S_ISBLK(st.st_mode);
  if (block) {
    if (::ioctl(fd.get(), BLKGETSIZE64, &size) != 0) {
      return fail(errno_code(), errno_message(path, "ioctl BLKGETSIZE64"));
    }
  } else if (S_ISREG(st.st_mode)) {
    size = static_cast<std::uint64_t>(st.st_size);
  } else {
    return fail(Errc::unsupported,
                path.string() + ": neither a block device nor a disk image file");
  }
  return std::unique_ptr<RawDevice>(
      std::make_unique<LinuxRawDevice>(std::move(fd), path.string(), block, size));
}

std::unique_ptr<collectors::media::RawDeviceOpener> make_root_device_opener(const RootFs& root) {
  return std::make_unique<RootDeviceOpener>(root);
}

}  // namespace shouwei::platform::linux_media
