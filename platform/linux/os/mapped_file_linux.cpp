// Linux implementation of shouwei/os/mapped_file.hpp: open + fstat + mmap(PROT_READ).
#include <cstdint>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shouwei/common/file_io.hpp"
#include "shouwei/os/mapped_file.hpp"
#include "shouwei/platform/linux/scoped_fd.hpp"

namespace shouwei::os {

Result<MappedFile> MappedFile::open(const std::filesystem::path& path, std::size_t max_bytes) {
  // The descriptor is only needed until mmap() returns; the mapping outlives it.
  const posix::ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return fail(errno_code(), errno_message(path, "cannot open"));

  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(errno_code(), errno_message(path, "cannot stat"));
  SHOUWEI_TRY_VOID(check_mappable(path.string(), S_ISREG(st.st_mode),
                                  static_cast<std::uint64_t>(st.st_size), max_bytes));
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size == 0) return MappedFile{};  // mmap() refuses empty lengths
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (data == MAP_FAILED) return fail(errno_code(), errno_message(path, "mmap failed"));
  return MappedFile{data, size};
}

void MappedFile::unmap(const void* data, std::size_t size) noexcept {
  ::munmap(const_cast<void*>(data), size);
}

}  // namespace shouwei::os
