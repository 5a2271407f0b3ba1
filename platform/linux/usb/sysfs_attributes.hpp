// Typed reads of sysfs attribute files under a RootFs. A missing, unreadable, oversized or
// malformed attribute is std::nullopt: one bad attribute must not hide the rest of a device.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "shouwei/common/root_fs.hpp"

namespace shouwei::platform::linux_usb {

// sysfs serves at most one page per attribute.
inline constexpr std::size_t kMaxAttributeBytes = 4096;

class SysfsDir {
 public:
  // dir: in-system path ("/sys/devices/.../1-1"), resolved within the root once here.
  SysfsDir(const RootFs& root, std::string dir)
      : root_(root), dir_(std::move(dir)), host_dir_(root.resolve(dir_)) {}

  const std::string& path() const { return dir_; }
  std::string child(std::string_view name) const { return dir_ + "/" + std::string(name); }
  bool has(std::string_view name) const { return root_.exists(child(name)); }

  // The content minus the one trailing newline sysfs adds; inner and other whitespace is kept
  // (device strings are reported as the device sent them).
  std::optional<std::string> text(std::string_view name) const;
  std::optional<std::uint64_t> decimal(std::string_view name) const;
  std::optional<std::uint16_t> hex16(std::string_view name) const;  // "0781"
  std::optional<std::uint8_t> hex8(std::string_view name) const;    // "08"
  std::optional<double> real(std::string_view name) const;          // "1.5", "480"
  std::optional<bool> flag(std::string_view name) const;            // "0" | "1"
  // The last component of a symlink's target ("driver" -> ".../usb-storage").
  std::optional<std::string> link_name(std::string_view name) const;

 private:
  const RootFs& root_;
  std::string dir_;
  std::filesystem::path host_dir_;
};

// The in-system path ("/sys/devices/...") of a host path under root, symlinks resolved.
std::string system_path_of(const RootFs& root, std::string_view system_path);

}  // namespace shouwei::platform::linux_usb
