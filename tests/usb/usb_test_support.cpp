#include "usb_test_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <doctest/doctest.h>

namespace shouwei::usb_test {
namespace fs = std::filesystem;

fs::path copy_office_pc(const TempDir& dir) {
  const fs::path root = dir.path() / "root";
  fs::copy(fs::path(SHOUWEI_FIXTURES) / "usb" / "office-pc", root,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  return root;
}

std::vector<std::string> uevent_stream(const std::string& stream) {
  std::vector<fs::path> files;
  for (const auto& e :
       fs::directory_iterator(fs::path(SHOUWEI_FIXTURES) / "usb" / "uevents" / stream)) {
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> datagrams;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    datagrams.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  REQUIRE_FALSE(datagrams.empty());
  return datagrams;
}

void make_fat32_image(const fs::path& path, unsigned long long sectors,
                      unsigned long long partition_start, const std::string& label,
                      const std::string& volume_id) {
  fs::create_directories(path.parent_path());
  { std::ofstream(path, std::ios::binary).flush(); }
  fs::resize_file(path, sectors * 512);  // sparse: an 8 GB stick costs a few MB
  const std::string quoted = "'" + path.string() + "'";
  std::string mkfs = "mkfs.vfat -F 32 -n " + label + " -i " + volume_id + " ";
  if (partition_start != 0) {
    const std::string table = "printf 'label: dos\\nstart=" + std::to_string(partition_start) +
                              ", type=c\\n' | sfdisk -q " + quoted;
    REQUIRE_MESSAGE(std::system(table.c_str()) == 0, "sfdisk failed: " << table);
    mkfs += "--offset " + std::to_string(partition_start) + " ";
    // mkfs.vfat sizes the file system to the rest of the image.
  }
  mkfs += quoted + " >/dev/null";
  REQUIRE_MESSAGE(std::system(mkfs.c_str()) == 0, "mkfs.vfat failed: " << mkfs);
}

}  // namespace shouwei::usb_test
