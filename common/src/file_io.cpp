#include "shouwei/common/file_io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "shouwei/os/utf8_path.hpp"

namespace shouwei {

Errc errno_code() noexcept {
  switch (errno) {
    case ENOENT:
    case ENOTDIR:
      return Errc::not_found;
    case EACCES:
    case EPERM:
    case EROFS:
      return Errc::permission_denied;
    case EFBIG:
      return Errc::limit_exceeded;
    default:
      return Errc::io;
  }
}

std::string errno_message(const std::filesystem::path& path, std::string_view action) {
  std::string msg = path_to_utf8(path);
  msg += ": ";
  msg += action;
  msg += ": ";
  msg += std::strerror(errno);
  return msg;
}

Result<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  struct Closer {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };
  errno = 0;
#ifdef _WIN32
  // The UTF-16 path: fopen would read path.string() in the ANSI code page (Chinese names).
  std::unique_ptr<std::FILE, Closer> file(_wfopen(path.c_str(), L"rb"));
#else
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
#endif
  if (!file) return fail(errno_code(), errno_message(path, "cannot open"));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return fail(Errc::invalid_argument, path_to_utf8(path) + ": is a directory, expected a file");
  }
  std::string data;
  char buf[64 * 1024];
  for (;;) {
    std::size_t n = std::fread(buf, 1, sizeof buf, file.get());
    if (n > 0) {
      if (data.size() + n > max_bytes) {
        return fail(Errc::limit_exceeded, path_to_utf8(path) + ": larger than the limit of " +
                                              std::to_string(max_bytes) + " bytes");
      }
      data.append(buf, n);
    }
    if (n < sizeof buf) {
      if (std::ferror(file.get())) return fail(Errc::io, errno_message(path, "read failed"));
      break;
    }
  }
  return data;
}

}  // namespace shouwei
