#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "shouwei/common/file_io.hpp"
#include "shouwei/os/files.hpp"
#include "shouwei/platform/linux/scoped_fd.hpp"

namespace shouwei::os {
namespace fs = std::filesystem;

namespace {
using posix::ScopedFd;

Result<void> write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno_code(), errno_message(path, "write failed"));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// Writes data to a new temporary file next to path, with its final mode, flushed to disk.
Result<fs::path> write_temporary(const fs::path& path, std::string_view data, FileMode mode) {
  const mode_t perms = mode == FileMode::owner_only ? 0600 : 0644;
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmpXXXXXX")).string();
  int raw = ::mkstemp(tmpl.data());
  if (raw < 0) return fail(errno_code(), errno_message(path, "cannot create temporary file"));
  ScopedFd fd(raw);
  const fs::path tmp = tmpl;
  auto cleanup_fail = [&](Error e) {
    ::unlink(tmp.c_str());
    return fail(std::move(e));
  };
  if (::fchmod(fd.get(), perms) != 0)
    return cleanup_fail({errno_code(), errno_message(tmp, "chmod failed")});
  if (auto r = write_all(fd.get(), data, path); !r) return cleanup_fail(r.error());
  if (::fsync(fd.get()) != 0)
    return cleanup_fail({errno_code(), errno_message(path, "fsync failed")});
  if (::close(fd.release()) != 0)
    return cleanup_fail({errno_code(), errno_message(path, "close failed")});
  return tmp;
}

void sync_parent_dir(const fs::path& path) {
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  ScopedFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) ::fsync(dfd.get());
}
}  // namespace

Result<void> write_file_atomic(const fs::path& path, std::string_view data, FileMode mode) {
  SHOUWEI_TRY(fs::path tmp, write_temporary(path, data, mode));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e{errno_code(), errno_message(path, "rename failed")};
    ::unlink(tmp.c_str());
    return fail(std::move(e));
  }
  sync_parent_dir(path);
  return {};
}

Result<void> write_file_new(const fs::path& path, std::string_view data, FileMode mode) {
  SHOUWEI_TRY(fs::path tmp, write_temporary(path, data, mode));
  int rc = ::link(tmp.c_str(), path.c_str());
  int saved = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    errno = saved;
    if (saved == EEXIST)
      return fail(Errc::conflict, path.string() + ": already exists, not overwritten");
    return fail(errno_code(), errno_message(path, "cannot create"));
  }
  sync_parent_dir(path);
  return {};
}

Result<void> require_owner_only(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return fail(errno_code(), errno_message(path, "cannot stat"));
  if ((st.st_mode & 0077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return fail(Errc::permission_denied,
                path.string() + ": private key file is accessible by group or others (mode " +
                    mode + "); run: chmod 600 " + path.string());
  }
  return {};
}

Result<void> ensure_private_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return fail(Errc::invalid_argument, dir.string() + ": exists and is not a directory");
    }
  } else {
    if (dir.has_parent_path() && !fs::exists(dir.parent_path(), ec)) {
      fs::create_directories(dir.parent_path(), ec);
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return fail(errno_code(), errno_message(dir, "cannot create directory"));
    }
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return fail(errno_code(), errno_message(dir, "directory is not writable"));
  }
  return {};
}

}  // namespace shouwei::os
