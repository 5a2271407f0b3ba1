#include <system_error>

#include "shouwei/collectors/browsing/ports.hpp"

namespace shouwei::collectors::browsing {

HistoryCopy::HistoryCopy(HistoryCopy&& other) noexcept
    : directory_(std::move(other.directory_)), database_(std::move(other.database_)) {
  other.directory_.clear();
}

HistoryCopy::~HistoryCopy() {
  if (directory_.empty()) return;
  std::error_code ec;  // nothing to do about a failure here; the directory is private anyway
  std::filesystem::remove_all(directory_, ec);
}

}  // namespace shouwei::collectors::browsing
