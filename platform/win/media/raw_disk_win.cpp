// Raw disk access on Windows. A handle to \\.\PhysicalDriveN bypasses the cache: the disk
// driver refuses reads and writes that are not whole sectors at sector-aligned offsets into
// sector-aligned memory. The gate reads a tag at arbitrary offsets and lengths
// (collectors/media/tag_location), so every request is widened to the covering sectors here,
// through a page-aligned buffer (VirtualAlloc: pages are multiples of every sector size).
#include <algorithm>
#include <cctype>
#include <windows.h>
#include <winioctl.h>

#include "disk_path.hpp"
#include "shouwei/os/utf8_path.hpp"
#include "shouwei/platform/win/handle.hpp"
#include "shouwei/platform/win/media_win.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::platform::win_media {
namespace {

namespace fs = std::filesystem;
using collectors::media::RawDevice;

// The gate reads a few sectors; a larger request is a bug or a hostile caller, not a need.
constexpr std::size_t kMaxTransferBytes = std::size_t{16} << 20;

struct VirtualFreeDeleter {
  void operator()(char* p) const noexcept { ::VirtualFree(p, 0, MEM_RELEASE); }
};
using AlignedBuffer = std::unique_ptr<char, VirtualFreeDeleter>;

Result<AlignedBuffer> aligned_buffer(std::size_t bytes, const std::string& path) {
  void* p = ::VirtualAlloc(nullptr, bytes, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  if (p == nullptr) return fail(win::last_error("VirtualAlloc for " + path));
  return AlignedBuffer(static_cast<char*>(p));
}

class WinRawDisk final : public RawDevice {
 public:
  WinRawDisk(win::UniqueHandle handle, std::string path, bool disk, std::uint64_t size,
             std::uint32_t sector)
      : handle_(std::move(handle)),
        path_(std::move(path)),
        disk_(disk),
        size_(size),
        sector_(sector) {}

  const std::string& path() const override { return path_; }
  bool is_block_device() const override { return disk_; }
  Result<std::uint64_t> size() override { return size_; }

  Result<std::string> read_at(std::uint64_t offset, std::size_t n) override {
    if (n > kMaxTransferBytes) {
      return fail(Errc::limit_exceeded, path_ + ": read of " + std::to_string(n) +
                                            " bytes exceeds " + std::to_string(kMaxTransferBytes));
    }
    if (offset >= size_ || n == 0) return std::string();
    const std::uint64_t end = std::min<std::uint64_t>(offset + n, size_);
    const std::uint64_t first = offset - offset % sector_;
    SHOUWEI_TRY(const std::string sectors, read_sectors(first, end - first));
    if (sectors.size() <= offset - first) return std::string();
    return sectors.substr(static_cast<std::size_t>(offset - first),
                          static_cast<std::size_t>(end - offset));
  }

  // Read-modify-write of the covering sectors, so partial-sector writes work on a disk too.
  Result<void> write_at(std::uint64_t offset, std::string_view bytes) override {
    if (bytes.size() > kMaxTransferBytes) {
      return fail(Errc::limit_exceeded, path_ + ": write larger than the transfer cap");
    }
    if (bytes.empty()) return {};
    const std::uint64_t first = offset - offset % sector_;
    const std::uint64_t span = round_up(offset + bytes.size()) - first;
    SHOUWEI_TRY(std::string sectors, read_sectors(first, span));
    sectors.resize(static_cast<std::size_t>(disk_ ? span : offset - first + bytes.size()), '\0');
    std::copy(bytes.begin(), bytes.end(), sectors.begin() + static_cast<long>(offset - first));
    SHOUWEI_TRY(AlignedBuffer buffer, aligned_buffer(sectors.size(), path_));
    std::copy(sectors.begin(), sectors.end(), buffer.get());
    OVERLAPPED at = at_offset(first);
    DWORD put = 0;
    if (!::WriteFile(handle_.get(), buffer.get(), static_cast<DWORD>(sectors.size()), &put, &at) ||
        put != sectors.size()) {
      return fail(win::last_error("WriteFile " + path_));
    }
    if (!disk_) size_ = std::max<std::uint64_t>(size_, first + sectors.size());
    return {};
  }

  Result<void> sync() override {
    if (!::FlushFileBuffers(handle_.get()))
      return fail(win::last_error("FlushFileBuffers " + path_));
    return {};
  }

 private:
  std::uint64_t round_up(std::uint64_t x) const { return (x + sector_ - 1) / sector_ * sector_; }

  static OVERLAPPED at_offset(std::uint64_t offset) {
    OVERLAPPED at{};
    at.Offset = static_cast<DWORD>(offset);
    at.OffsetHigh = static_cast<DWORD>(offset >> 32);
    return at;
  }

  // Whole sectors from `first` (aligned) covering `bytes`; shorter only at the end of the
  // device (an image file whose size is not a multiple of the sector size).
  Result<std::string> read_sectors(std::uint64_t first, std::uint64_t bytes) {
    const std::size_t want = static_cast<std::size_t>(round_up(bytes));
    SHOUWEI_TRY(AlignedBuffer buffer, aligned_buffer(want, path_));
    std::size_t done = 0;
    while (done < want) {
      OVERLAPPED at = at_offset(first + done);
      DWORD got = 0;
      if (!::ReadFile(handle_.get(), buffer.get() + done, static_cast<DWORD>(want - done), &got,
                      &at)) {
        const DWORD error = ::GetLastError();
        if (error == ERROR_HANDLE_EOF) break;
        return fail(
            win::win32_error(error, "ReadFile " + path_ + " at " + std::to_string(first + done)));
      }
      if (got == 0) break;
      done += got;
    }
    return std::string(buffer.get(), done);
  }

  win::UniqueHandle handle_;
  std::string path_;
  bool disk_;
  std::uint64_t size_;
  std::uint32_t sector_;
};

class PhysicalDriveOpener final : public collectors::media::RawDeviceOpener {
 public:
  explicit PhysicalDriveOpener(fs::path directory) : directory_(std::move(directory)) {}

  Result<std::unique_ptr<RawDevice>> open(std::string_view disk_name) override {
    SHOUWEI_TRY(const fs::path path, physical_drive_path(directory_, disk_name));
    return open_raw_disk(path, false);
  }

 private:
  fs::path directory_;
};

}  // namespace

std::optional<std::uint32_t> physical_drive_number(std::string_view disk_name) {
  constexpr std::string_view prefix = "PhysicalDrive";
  if (!disk_name.starts_with(prefix)) return std::nullopt;
  const std::string_view digits = disk_name.substr(prefix.size());
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  std::uint32_t n = 0;
  for (char c : digits) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
    n = n * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return n;
}

Result<fs::path> physical_drive_path(const fs::path& directory, std::string_view disk_name) {
  if (!physical_drive_number(disk_name)) {
    return fail(Errc::invalid_argument,
                "disk name \"" + std::string(disk_name) + "\" is not PhysicalDrive<number>");
  }
  return directory / std::string(disk_name);
}

Result<std::unique_ptr<RawDevice>> open_raw_disk(const fs::path& path, bool writable) {
  const std::string shown = path_to_utf8(path);
  // Share read and write: Windows and the user's programs keep using the disk meanwhile.
  win::UniqueHandle handle(::CreateFileW(
      path.c_str(), GENERIC_READ | (writable ? GENERIC_WRITE : 0),
      FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!handle.valid()) return fail(win::last_error("CreateFileW " + shown));

  DISK_GEOMETRY_EX geometry{};
  DWORD returned = 0;
  if (::DeviceIoControl(handle.get(), IOCTL_DISK_GET_DRIVE_GEOMETRY_EX, nullptr, 0, &geometry,
                        sizeof(geometry), &returned, nullptr)) {
    const std::uint32_t sector = geometry.Geometry.BytesPerSector;
    // A sector size that is not a power of two in 512..64 KiB is not a real disk's answer.
    const bool sane = sector >= 512 && sector <= 65536 && (sector & (sector - 1)) == 0;
    return std::unique_ptr<RawDevice>(std::make_unique<WinRawDisk>(
        std::move(handle), shown, true, static_cast<std::uint64_t>(geometry.DiskSize.QuadPart),
        sane ? sector : kDefaultSectorBytes));
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(handle.get(), &info)) {
    return fail(Errc::unsupported, shown +
                                       ": neither a disk (IOCTL_DISK_GET_DRIVE_GEOMETRY_EX) "
                                       "nor a disk image file");
  }
  if ((info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
    return fail(Errc::unsupported, shown + ": a directory, not a disk or disk image file");
  }
  const std::uint64_t size = (std::uint64_t{info.nFileSizeHigh} << 32) | info.nFileSizeLow;
  return std::unique_ptr<RawDevice>(
      std::make_unique<WinRawDisk>(std::move(handle), shown, false, size, kDefaultSectorBytes));
}

std::unique_ptr<collectors::media::RawDeviceOpener> make_physical_drive_opener(fs::path directory) {
  return std::make_unique<PhysicalDriveOpener>(std::move(directory));
}

}  // namespace shouwei::platform::win_media
