// A private directory under the system temp dir, removed with everything in it when the test
// ends. Tests never write outside one.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "shouwei/common/encoding.hpp"

namespace shouwei::test {

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("shouwei-test-" + hex_encode(random_bytes(8)))) {
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes bytes to path (truncating) with the given permissions, for building fixtures.
inline void write_test_file(const std::filesystem::path& path, std::string_view data,
                            std::filesystem::perms perms = std::filesystem::perms::owner_read |
                                                           std::filesystem::perms::owner_write) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  }
  std::filesystem::permissions(path, perms);
}

}  // namespace shouwei::test
