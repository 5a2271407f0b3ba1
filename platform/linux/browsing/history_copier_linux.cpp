// Linux HistoryCopier. The browser keeps its history database open (Chromium with an exclusive
// lock, Firefox in WAL mode with the newest visits only in the -wal file), so the agent copies
// the database and its -wal / -journal file into a private directory and reads the copy.
//
// Safety against the user who owns the files:
// - files are opened with O_NOFOLLOW | O_NONBLOCK relative to the profile directory and must
//   be regular files: a symlink to another file or a FIFO (which would block a read forever)
//   is refused;
// - sizes are capped;
// - the copy directory is made by mkdtemp (mode 0700) under the agent's own temp base.
// Consistency: the main file's size and mtime are taken before and after copying all files;
// when they changed (a checkpoint or transaction ran meanwhile) the copy is retried.
#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "shouwei/collectors/browsing/history_copying.hpp"
#include "shouwei/collectors/browsing/ports.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/platform/linux/scoped_fd.hpp"

namespace shouwei::collectors::browsing {
namespace fs = std::filesystem;
namespace {

using posix::ScopedFd;

struct Stamp {
  off_t size = 0;
  timespec mtime{};
  bool operator==(const Stamp& o) const {
    return size == o.size && mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
  }
};

Result<Stamp> stamp_of(int fd, const fs::path& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(errno_code(), errno_message(path, "fstat failed"));
  if (!S_ISREG(st.st_mode))
    return fail(Errc::invalid_argument, path.string() + ": not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > kMaxHistoryBytes) {
    return fail(Errc::limit_exceeded,
                path.string() + ": larger than " + std::to_string(kMaxHistoryBytes) + " bytes");
  }
  return Stamp{st.st_size, st.st_mtim};
}

// Opens `name` in the directory `dir_fd` for copying; nullopt-like -1 fd when it is absent and
// `optional` is true.
Result<int> open_source(int dir_fd, const std::string& name, const fs::path& shown, bool optional) {
  int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) return fd;
  if (errno == ENOENT && optional) return -1;
  if (errno == ELOOP)
    return fail(Errc::permission_denied, shown.string() + ": is a symbolic link; not followed");
  return fail(errno_code(), errno_message(shown, "cannot open"));
}

Result<void> copy_contents(int from, const fs::path& shown, const fs::path& to) {
  ScopedFd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (out.get() < 0) return fail(errno_code(), errno_message(to, "cannot create copy"));
  if (::lseek(from, 0, SEEK_SET) != 0)
    return fail(errno_code(), errno_message(shown, "lseek failed"));
  char buffer[1 << 16];
  std::uint64_t total = 0;
  while (true) {
    ssize_t n = ::read(from, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno_code(), errno_message(shown, "read failed"));
    if (n == 0) return {};
    total += static_cast<std::uint64_t>(n);
    // The file may grow while copied; the cap holds for what we take.
    if (total > kMaxHistoryBytes)
      return fail(Errc::limit_exceeded, shown.string() + ": grew past the size cap");
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.get(), buffer + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return fail(errno_code(), errno_message(to, "write failed"));
      done += w;
    }
  }
}

// Copies the optional side file (-wal or -journal), or removes a stale copy of it.
Result<void> copy_side_file(int dir_fd, const std::string& name, const fs::path& source_dir,
                            const fs::path& copy_dir) {
  SHOUWEI_TRY(int raw, open_source(dir_fd, name, source_dir / name, true));
  if (raw < 0) {
    std::error_code ec;
    fs::remove(copy_dir / name, ec);
    return {};
  }
  ScopedFd fd(raw);
  SHOUWEI_TRY_VOID(stamp_of(fd.get(), source_dir / name));
  return copy_contents(fd.get(), source_dir / name, copy_dir / name);
}

class LinuxHistoryCopier final : public HistoryCopier {
 public:
  explicit LinuxHistoryCopier(fs::path temp_base) : temp_base_(std::move(temp_base)) {}

  Result<HistoryCopy> copy(const RootFs& root, const BrowserProfile& profile) override {
    const fs::path source_dir = root.resolve(profile.directory);
    const std::string name = profile.history_file();
    ScopedFd dir(::open(source_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0)
      return fail(errno_code(), errno_message(source_dir, "cannot open profile directory"));

    SHOUWEI_TRY_VOID(temp_base_.prepare());
    std::string pattern = temp_base_.copy_dir("XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return fail(errno_code(),
                  errno_message(temp_base_.path(), "cannot create private copy directory"));
    }
    const fs::path copy_dir = pattern;
    HistoryCopy copy(copy_dir, copy_dir / name);  // removes the directory on every failure path

    const fs::path source = source_dir / name;
    return copy_until_unchanged(std::move(copy), source.string(), [&]() -> Result<bool> {
      SHOUWEI_TRY(int raw, open_source(dir.get(), name, source, false));
      ScopedFd main(raw);
      SHOUWEI_TRY(Stamp before, stamp_of(main.get(), source));
      SHOUWEI_TRY_VOID(copy_contents(main.get(), source, copy_dir / name));
      for (std::string_view suffix : kSideFileSuffixes) {
        SHOUWEI_TRY_VOID(
            copy_side_file(dir.get(), name + std::string(suffix), source_dir, copy_dir));
      }
      SHOUWEI_TRY(Stamp after, stamp_of(main.get(), source));
      return before == after;
    });
  }

 private:
  CopyTempBase temp_base_;
};

}  // namespace

std::unique_ptr<HistoryCopier> make_platform_history_copier(fs::path temp_base) {
  return std::make_unique<LinuxHistoryCopier>(std::move(temp_base));
}

}  // namespace shouwei::collectors::browsing
