// Windows HistoryCopier. A running Chromium browser keeps History open (SQLite's Windows VFS
// shares it for reading and writing, and Chrome holds SQLite's exclusive lock); Firefox keeps
// places.sqlite in WAL mode with the newest visits only in places.sqlite-wal. The agent opens
// each file with FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, so neither the
// browser nor the user deleting history is ever blocked by us, and copies it with its -wal /
// -journal file into a private directory.
//
// SQLite's locks are byte-range locks (LockFileEx) in the "lock-byte page" at offset 1 GiB,
// which SQLite never uses for data: a read that hits them fails with ERROR_LOCK_VIOLATION, and
// the copy holds zeros there instead (only in the first 512 bytes at 1 GiB, where the locks
// live; any other lock violation fails the copy).
//
// Safety against the user who owns the files: reparse points (symbolic links, junctions) are
// not followed (FILE_FLAG_OPEN_REPARSE_POINT, then refused), only regular files are copied,
// sizes are capped. The copy directory is created under the agent's private temp base (whose
// ACL is SYSTEM + Administrators, os::ensure_private_dir). Consistency: size and last-write
// time of the main file before and after copying every file; retried when they changed.
#include <windows.h>

#include "shouwei/collectors/browsing/history_copying.hpp"
#include "shouwei/collectors/browsing/ports.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/os/utf8_path.hpp"
#include "shouwei/platform/win/handle.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::collectors::browsing {
namespace fs = std::filesystem;
namespace {

constexpr std::uint64_t kLockBytePage = 0x40000000;  // SQLite's PENDING_BYTE
constexpr std::uint64_t kLockedBytes = 512;          // pending, reserved and shared lock bytes
constexpr DWORD kChunk = 1 << 16;

struct Stamp {
  std::uint64_t size = 0;
  std::uint64_t write_time = 0;
  bool operator==(const Stamp&) const = default;
};

std::string shown(const fs::path& path) {
  return path_to_utf8(path);
}

Result<Stamp> stamp_of(HANDLE file, const fs::path& path) {
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(file, &info)) {
    return fail(win::last_error("GetFileInformationByHandle " + shown(path)));
  }
  if ((info.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)) != 0) {
    return fail(Errc::permission_denied,
                shown(path) + ": a directory or reparse point (link, junction); not followed");
  }
  if (::GetFileType(file) != FILE_TYPE_DISK) {
    return fail(Errc::invalid_argument, shown(path) + ": not a regular file");
  }
  const std::uint64_t size = (std::uint64_t{info.nFileSizeHigh} << 32) | info.nFileSizeLow;
  if (size > kMaxHistoryBytes) {
    return fail(Errc::limit_exceeded,
                shown(path) + ": larger than " + std::to_string(kMaxHistoryBytes) + " bytes");
  }
  const std::uint64_t written = (std::uint64_t{info.ftLastWriteTime.dwHighDateTime} << 32) |
                                info.ftLastWriteTime.dwLowDateTime;
  return Stamp{size, written};
}

// Opens a file of the profile for copying without hindering the browser. An absent optional
// file gives an invalid handle.
Result<win::UniqueHandle> open_source(const fs::path& path, bool optional) {
  win::UniqueHandle file(::CreateFileW(
      path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
      OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_SEQUENTIAL_SCAN, nullptr));
  if (file.valid()) return file;
  const DWORD error = ::GetLastError();
  if (optional && (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND)) {
    return win::UniqueHandle();
  }
  return fail(win::win32_error(error, "CreateFileW " + shown(path)));
}

Result<DWORD> read_at(HANDLE file, std::uint64_t offset, char* buffer, DWORD size,
                      const fs::path& path) {
  OVERLAPPED at{};
  at.Offset = static_cast<DWORD>(offset);
  at.OffsetHigh = static_cast<DWORD>(offset >> 32);
  DWORD got = 0;
  if (::ReadFile(file, buffer, size, &got, &at)) return got;
  const DWORD error = ::GetLastError();
  if (error == ERROR_HANDLE_EOF) return DWORD{0};
  if (error == ERROR_LOCK_VIOLATION && offset >= kLockBytePage &&
      offset + size <= kLockBytePage + kLockedBytes) {
    std::fill(buffer, buffer + size, '\0');  // SQLite's lock bytes: never data
    return size;
  }
  return fail(win::win32_error(error, "ReadFile " + shown(path)));
}

Result<void> copy_contents(HANDLE from, const fs::path& source, const fs::path& to) {
  win::UniqueHandle out(::CreateFileW(to.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                                      FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!out.valid()) return fail(win::last_error("CreateFileW " + shown(to)));
  std::string buffer(kChunk, '\0');
  std::uint64_t offset = 0;
  while (true) {
    // The locked range is read separately so that a lock violation covers only it.
    DWORD want = kChunk;
    if (offset < kLockBytePage && offset + want > kLockBytePage)
      want = static_cast<DWORD>(kLockBytePage - offset);
    if (offset == kLockBytePage) want = static_cast<DWORD>(kLockedBytes);
    SHOUWEI_TRY(const DWORD got, read_at(from, offset, buffer.data(), want, source));
    if (got == 0) return {};
    offset += got;
    if (offset > kMaxHistoryBytes) {
      return fail(Errc::limit_exceeded, shown(source) + ": grew past the size cap");
    }
    DWORD put = 0;
    if (!::WriteFile(out.get(), buffer.data(), got, &put, nullptr) || put != got) {
      return fail(win::last_error("WriteFile " + shown(to)));
    }
  }
}

Result<void> copy_side_file(const fs::path& source, const fs::path& copy) {
  SHOUWEI_TRY(win::UniqueHandle file, open_source(source, true));
  if (!file.valid()) {
    std::error_code ec;
    fs::remove(copy, ec);
    return {};
  }
  SHOUWEI_TRY_VOID(stamp_of(file.get(), source));
  return copy_contents(file.get(), source, copy);
}

class WindowsHistoryCopier final : public HistoryCopier {
 public:
  explicit WindowsHistoryCopier(fs::path temp_base) : temp_base_(std::move(temp_base)) {}

  Result<HistoryCopy> copy(const RootFs& root, const BrowserProfile& profile) override {
    const fs::path source_dir = root.resolve(profile.directory);
    if (source_dir.empty()) {
      return fail(Errc::not_found, profile.directory + ": unresolvable under the root");
    }
    const std::string name = profile.history_file();
    SHOUWEI_TRY_VOID(temp_base_.prepare());
    const fs::path copy_dir = temp_base_.copy_dir(hex_encode(random_bytes(8)));
    if (!::CreateDirectoryW(copy_dir.c_str(), nullptr)) {  // inherits the private ACL
      return fail(win::last_error("CreateDirectoryW " + shown(copy_dir)));
    }
    HistoryCopy copy(copy_dir, copy_dir / name);  // removes the directory on every failure path

    const fs::path source = source_dir / name;
    return copy_until_unchanged(std::move(copy), shown(source), [&]() -> Result<bool> {
      SHOUWEI_TRY(win::UniqueHandle main, open_source(source, false));
      SHOUWEI_TRY(const Stamp before, stamp_of(main.get(), source));
      SHOUWEI_TRY_VOID(copy_contents(main.get(), source, copy_dir / name));
      for (std::string_view suffix : kSideFileSuffixes) {
        const std::string side = name + std::string(suffix);
        SHOUWEI_TRY_VOID(copy_side_file(source_dir / side, copy_dir / side));
      }
      SHOUWEI_TRY(const Stamp after, stamp_of(main.get(), source));
      return before == after;
    });
  }

 private:
  CopyTempBase temp_base_;
};

}  // namespace

std::unique_ptr<HistoryCopier> make_platform_history_copier(fs::path temp_base) {
  return std::make_unique<WindowsHistoryCopier>(std::move(temp_base));
}

}  // namespace shouwei::collectors::browsing
