// Helpers shared by the usb tests: a writable copy of the
// office-pc fixture root, the recorded uevent streams, and real FAT32 disk images.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/temp_dir.hpp"

namespace shouwei::usb_test {

using TempDir = shouwei::test::TempDir;

// tests/fixtures/usb/office-pc copied (symlinks kept as links) to <dir>/root; returns it.
std::filesystem::path copy_office_pc(const TempDir& dir);

// The datagrams of tests/fixtures/usb/uevents/<stream>, in file-name order, byte for byte.
std::vector<std::string> uevent_stream(const std::string& stream);

// Writes a sparse disk image of `sectors` 512-byte sectors at path with a FAT32 file system
// labelled `label` and volume id `volume_id` (8 hex digits): on an MBR partition starting at
// `partition_start` (sfdisk), or on the whole disk when partition_start is 0 (superfloppy).
// Fails the current test when a tool is missing or fails.
void make_fat32_image(const std::filesystem::path& path, unsigned long long sectors,
                      unsigned long long partition_start, const std::string& label,
                      const std::string& volume_id);

}  // namespace shouwei::usb_test
