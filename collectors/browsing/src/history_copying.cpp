#include "shouwei/collectors/browsing/history_copying.hpp"

#include <system_error>

#include "shouwei/os/files.hpp"

namespace shouwei::collectors::browsing {
namespace fs = std::filesystem;

Result<void> CopyTempBase::prepare() {
  SHOUWEI_TRY_VOID(os::ensure_private_dir(base_));
  if (swept_) return {};
  std::error_code ec;
  for (fs::directory_iterator it(base_, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(kCopyDirPrefix)) {
      std::error_code ignored;  // a copy that cannot be removed now is tried again next run
      fs::remove_all(it->path(), ignored);
    }
  }
  swept_ = true;
  return {};
}

fs::path CopyTempBase::copy_dir(std::string_view unique) const {
  return base_ / (std::string(kCopyDirPrefix) + std::string(unique));
}

Result<HistoryCopy> copy_until_unchanged(HistoryCopy copy, std::string_view shown_source,
                                         const CopyAttempt& attempt) {
  for (int i = 0; i < kCopyAttempts; ++i) {
    SHOUWEI_TRY(const bool unchanged, attempt());
    if (unchanged) return copy;
  }
  return fail(Errc::unavailable,
              std::string(shown_source) + ": kept changing while being copied (" +
                  std::to_string(kCopyAttempts) + " attempts); will retry next time");
}

}  // namespace shouwei::collectors::browsing
