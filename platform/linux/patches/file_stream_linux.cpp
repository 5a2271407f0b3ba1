#include <cerrno>
#include <cstdio>
#include <ctime>
#include <sys/stat.h>

#include "shouwei/platform/linux/package_source.hpp"

namespace shouwei::platform {
namespace {

using collectors::patches::ByteStream;

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

class FileStream final : public ByteStream {
 public:
  FileStream(FilePtr file, std::string label) : file_(std::move(file)), label_(std::move(label)) {}
  Result<std::size_t> read(char* out, std::size_t capacity) override {
    std::size_t n = std::fread(out, 1, capacity, file_.get());
    if (n == 0 && std::ferror(file_.get()))
      return fail(errno_code(), errno_message(label_, "read failed"));
    return n;
  }

 private:
  FilePtr file_;
  std::string label_;
};

Result<FilePtr> open_regular(const RootFs& root, std::string_view system_path) {
  auto host = root.resolve(system_path);
  errno = 0;
  FilePtr file(std::fopen(host.c_str(), "rbe"));
  if (!file) return fail(errno_code(), errno_message(std::string(system_path), "cannot open"));
  struct stat st {};
  if (fstat(fileno(file.get()), &st) != 0) {
    return fail(errno_code(), errno_message(std::string(system_path), "fstat failed"));
  }
  if (!S_ISREG(st.st_mode)) {
    return fail(Errc::invalid_argument, std::string(system_path) + ": not a regular file");
  }
  return file;
}

}  // namespace

Result<std::unique_ptr<ByteStream>> open_file_stream(const RootFs& root,
                                                     std::string_view system_path,
                                                     std::optional<std::size_t> tail_bytes) {
  SHOUWEI_TRY(FilePtr file, open_regular(root, system_path));
  if (tail_bytes) {
    struct stat st {};
    fstat(fileno(file.get()), &st);
    auto size = static_cast<unsigned long long>(st.st_size);
    if (size > *tail_bytes &&
        fseeko(file.get(), static_cast<off_t>(size - *tail_bytes), SEEK_SET) != 0) {
      return fail(errno_code(), errno_message(std::string(system_path), "seek failed"));
    }
  }
  return std::unique_ptr<ByteStream>(
      std::make_unique<FileStream>(std::move(file), std::string(system_path)));
}

Result<std::string> read_file_head(const RootFs& root, std::string_view system_path,
                                   std::size_t max_bytes) {
  SHOUWEI_TRY(FilePtr file, open_regular(root, system_path));
  std::string bytes(max_bytes, '\0');
  std::size_t n = std::fread(bytes.data(), 1, max_bytes, file.get());
  if (n < max_bytes && std::ferror(file.get())) {
    return fail(errno_code(), errno_message(std::string(system_path), "read failed"));
  }
  bytes.resize(n);
  return bytes;
}

std::optional<TimePoint> local_to_utc(const collectors::patches::CivilTime& local) {
  std::tm tm{};
  tm.tm_year = local.year - 1900;
  tm.tm_mon = local.month - 1;
  tm.tm_mday = local.day;
  tm.tm_hour = local.hour;
  tm.tm_min = local.minute;
  tm.tm_sec = local.second;
  tm.tm_isdst = -1;  // let the zone rules decide
  errno = 0;
  std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1) && errno != 0) return std::nullopt;
  return from_unix_seconds(static_cast<long long>(t));
}

}  // namespace shouwei::platform
