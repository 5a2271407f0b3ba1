// Where a media tag lives on a stick: computed from the stick's first bytes alone, so a reader
// needs one or two small raw reads and no mount. The same function serves the writer
// (shouweictl media register) and every reader (the agent), so they cannot disagree.
//
//   partitioned (MBR or GPT, 512-byte sectors)  bytes 17408..21503 (LBAs 34..41): after a GPT's
//       partition entry array, inside the gap every partitioner leaves before the first
//       partition (sector 63 on old MBR sticks, 2048 on current ones). Refused when a partition
//       starts before LBA 42 or a GPT's entry array reaches past LBA 34.
//   FAT32 without a partition table             file-system sectors 16.. (reserved area): unused
//       by the boot sector (0), FSInfo (1), the backup boot sectors (6..8) and Windows' boot
//       code (12). Refused when the reserved area is too small or FSInfo/backup sit there.
//   exFAT without a partition table             sectors 24.. (after the backup boot region
//       12..23, before FatOffset). Refused when FatOffset leaves no room.
//   NTFS without a partition table              refused: every sector after $Boot (0..15)
//       belongs to the file system's cluster heap.
//   anything else                               refused (no table, no known file system).
//
// The bytes passed in are untrusted (anyone can write them on a stick): every field is range-
// checked and nothing is read beyond head.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "shouwei/common/result.hpp"

namespace shouwei::collectors::media {

// Bytes a caller reads from offset 0 before calling locate_tag: enough for the MBR, a GPT
// header with 128 entries, and the tag itself in every 512-byte-sector layout.
inline constexpr std::size_t kLayoutHeadBytes = 24 * 1024;

enum class DiskLayout { mbr, gpt, fat32, exfat };

std::string_view to_string(DiskLayout layout) noexcept;

struct TagLocation {
  DiskLayout layout;
  std::uint64_t offset;  // byte offset of the kTagFrameBytes frame on the disk
};

// The tag's location on a disk of disk_size bytes whose first bytes are head (at most
// kLayoutHeadBytes are looked at). Fails with Errc::unsupported and a one-line reason when the
// disk has no place for a tag (readers treat that as "no tag"; the writer shows the reason).
Result<TagLocation> locate_tag(std::string_view head, std::uint64_t disk_size);

}  // namespace shouwei::collectors::media
