// The portable part of shouwei/os/mapped_file.hpp: the checks before mapping and the ownership
// of the view. Mapping and unmapping are the platform's (platform/<os>/os/mapped_file_<os>.cpp).
#include "shouwei/os/mapped_file.hpp"

#include <utility>

namespace shouwei::os {

Result<void> MappedFile::check_mappable(const std::string& shown_path, bool regular_file,
                                        std::uint64_t size, std::size_t max_bytes) {
  if (!regular_file) return fail(Errc::invalid_argument, shown_path + ": not a regular file");
  if (size > max_bytes) {
    return fail(Errc::limit_exceeded, shown_path + ": " + std::to_string(size) +
                                          " bytes, more than the limit of " +
                                          std::to_string(max_bytes));
  }
  return {};
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
  if (data_ != nullptr) unmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace shouwei::os
