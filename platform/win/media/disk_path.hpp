// Internal to platform/win/media: the one check that turns a BlockDevice name into a raw disk
// path, shared by the opener and the gate.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

#include "shouwei/common/result.hpp"

namespace shouwei::platform::win_media {

// <directory>\<disk_name> when disk_name is "PhysicalDrive" followed by 1-3 digits (the names
// collectors/usb/windows_pnp gives disks); anything else fails with Errc::invalid_argument, so a
// name from elsewhere cannot reach another device or file.
Result<std::filesystem::path> physical_drive_path(const std::filesystem::path& directory,
                                                  std::string_view disk_name);

// N of "PhysicalDrive<N>" (the same check as physical_drive_path); nullopt for other names.
std::optional<std::uint32_t> physical_drive_number(std::string_view disk_name);

}  // namespace shouwei::platform::win_media
