#include <algorithm>
#include <fnmatch.h>
#include <sys/stat.h>

#include "shouwei/common/file_io.hpp"
#include "shouwei/platform/linux/av_products.hpp"
#include "shouwei/platform/linux/package_source.hpp"

namespace shouwei::platform {
namespace {

using collectors::antivirus::FileInfo;

constexpr std::size_t kMaxGlobMatches = 100000;

bool is_pid(std::string_view name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class LinuxAvProducts final : public collectors::antivirus::AvProducts {
 public:
  explicit LinuxAvProducts(RootFs root) : root_(std::move(root)) {}

  Result<std::string> read_text(std::string_view path, std::size_t max_bytes) override {
    return root_.read(path, max_bytes);
  }

  Result<std::string> read_head(std::string_view path, std::size_t n) override {
    return read_file_head(root_, path, n);
  }

  Result<std::vector<FileInfo>> glob(std::string_view pattern) override {
    std::size_t slash = pattern.rfind('/');
    if (slash == std::string_view::npos) {
      return fail(Errc::invalid_argument, std::string(pattern) + ": glob must be an absolute path");
    }
    std::string dir(pattern.substr(0, slash == 0 ? 1 : slash));
    std::string name_pattern(pattern.substr(slash + 1));
    if (dir.find_first_of("*?[") != std::string::npos) {
      return fail(Errc::invalid_argument,
                  std::string(pattern) + ": wildcards are allowed in the last component only");
    }
    std::vector<FileInfo> out;
    for (const auto& name : root_.list(dir)) {
      if (fnmatch(name_pattern.c_str(), name.c_str(), FNM_PERIOD) != 0) continue;
      std::string path = (dir == "/" ? "" : dir) + "/" + name;
      struct stat st {};
      if (stat(root_.resolve(path).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (out.size() >= kMaxGlobMatches) {
        return fail(Errc::limit_exceeded, std::string(pattern) + ": more than " +
                                              std::to_string(kMaxGlobMatches) + " matches");
      }
      auto modified = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::seconds(st.st_mtim.tv_sec) +
              std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
      out.push_back({path, modified, static_cast<std::uint64_t>(st.st_size)});
    }
    return out;
  }

  Result<std::vector<std::string>> process_names() override {
    std::vector<std::string> names;
    bool any_pid = false;
    for (const auto& entry : root_.list("/proc")) {
      if (!is_pid(entry)) continue;
      any_pid = true;
      // A process may exit between listing and reading: skip it.
      auto comm = root_.read("/proc/" + entry + "/comm", 64);
      if (!comm) continue;
      std::string name = std::move(*comm);
      while (!name.empty() && (name.back() == '\n' || name.back() == '\0')) name.pop_back();
      if (!name.empty()) names.push_back(std::move(name));
    }
    if (!any_pid) return fail(Errc::unavailable, "/proc: no processes visible under the root");
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

  std::optional<TimePoint> local_to_utc(int year, int month, int day, int hour, int minute,
                                        int second) const override {
    return platform::local_to_utc({year, month, day, hour, minute, second});
  }

 private:
  RootFs root_;
};

}  // namespace

std::unique_ptr<collectors::antivirus::AvProducts> make_linux_av_products(const RootFs& root) {
  return std::make_unique<LinuxAvProducts>(root);
}

}  // namespace shouwei::platform
