#include "blkid_probe.hpp"

#include <blkid/blkid.h>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

#include "shouwei/platform/linux/scoped_fd.hpp"

namespace shouwei::platform::linux_usb {
namespace {

struct ProbeFree {
  void operator()(blkid_struct_probe* p) const noexcept { blkid_free_probe(p); }
};
using ProbePtr = std::unique_ptr<blkid_struct_probe, ProbeFree>;

std::optional<std::string> lookup(blkid_probe probe, const char* name) {
  const char* data = nullptr;
  std::size_t length = 0;
  if (blkid_probe_lookup_value(probe, name, &data, &length) != 0 || data == nullptr) {
    return std::nullopt;
  }
  // blkid counts the terminating NUL in length.
  std::string value(data, length);
  while (!value.empty() && value.back() == '\0') value.pop_back();
  return value;
}

}  // namespace

collectors::usb::FileSystemInfo probe_file_system(const std::filesystem::path& path,
                                                  std::uint64_t offset, std::uint64_t size) {
  collectors::usb::FileSystemInfo info;
  // O_NONBLOCK: opening a removable drive must not wait for media; O_CLOEXEC: no leak to
  // children.
  posix::ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return info;
  ProbePtr probe(blkid_new_probe());
  if (!probe) return info;
  if (blkid_probe_set_device(probe.get(), fd.get(), static_cast<blkid_loff_t>(offset),
                             static_cast<blkid_loff_t>(size)) != 0) {
    return info;
  }
  blkid_probe_enable_superblocks(probe.get(), 1);
  blkid_probe_set_superblocks_flags(probe.get(),
                                    BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID);
  blkid_probe_enable_partitions(probe.get(), 0);
  if (blkid_do_safeprobe(probe.get()) != 0) return info;  // 1: nothing, -2: ambivalent, -1: error
  info.type = lookup(probe.get(), "TYPE");
  info.label = lookup(probe.get(), "LABEL");
  info.uuid = lookup(probe.get(), "UUID");
  return info;
}

}  // namespace shouwei::platform::linux_usb
