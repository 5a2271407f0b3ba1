// Linux implementation of shouwei/os/mapped_file.hpp: open + fstat + mmap(PROT_READ).
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include "shouwei/common/file_io.hpp"
#include "shouwei/os/mapped_file.hpp"

namespace shouwei::os {

Result<MappedFile> MappedFile::open(const std::filesystem::path& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return fail(errno_code(), errno_message(path, "cannot open"));
  // The descriptor is only needed until mmap() returns; the mapping outlives it.
  struct CloseOnExit {
    int fd;
    ~CloseOnExit() { ::close(fd); }
  } closer{fd};

  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(errno_code(), errno_message(path, "cannot stat"));
  if (!S_ISREG(st.st_mode)) {
    return fail(Errc::invalid_argument, path.string() + ": not a regular file");
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size > max_bytes) {
    return fail(Errc::limit_exceeded, path.string() + ": " + std::to_string(size) +
                                          " bytes, more than the limit of " +
                                          std::to_string(max_bytes));
  }
  if (size == 0) return MappedFile{};  // mmap() refuses empty lengths
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (data == MAP_FAILED) return fail(errno_code(), errno_message(path, "mmap failed"));
  return MappedFile{data, size};
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    reset();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() {
  reset();
}

void MappedFile::reset() noexcept {
  if (data_ != nullptr) ::munmap(const_cast<void*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace shouwei::os
