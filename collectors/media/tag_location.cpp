#include "shouwei/collectors/media/tag_location.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>

#include "shouwei/common/media_tag.hpp"

namespace shouwei::collectors::media {
namespace {

using shouwei::media::kTagFrameBytes;

constexpr std::uint64_t kSector = 512;
// Partitioned disks: the tag takes LBAs 34..41, i.e. it ends where a partition may begin.
constexpr std::uint64_t kPartitionedTagLba = 34;
constexpr std::uint64_t kPartitionedTagEndLba = kPartitionedTagLba + kTagFrameBytes / kSector;
constexpr std::uint64_t kFat32TagSector = 16;
constexpr std::uint64_t kExfatTagSector = 24;

// Little-endian field of `bytes` bytes at offset; nullopt past the end of head.
std::optional<std::uint64_t> le(std::string_view head, std::size_t offset, std::size_t bytes) {
  if (offset > head.size() || head.size() - offset < bytes) return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(head[offset + i])) << (8 * i);
  return v;
}

bool has_text(std::string_view head, std::size_t offset, std::string_view text) {
  return head.size() >= offset + text.size() && head.substr(offset, text.size()) == text;
}

Failure refuse(std::string reason) {
  return fail(Errc::unsupported, std::move(reason));
}

Result<TagLocation> checked(DiskLayout layout, std::uint64_t offset, std::uint64_t disk_size) {
  if (disk_size < offset || disk_size - offset < kTagFrameBytes) {
    return refuse("disk of " + std::to_string(disk_size) + " bytes ends before the tag area");
  }
  return TagLocation{layout, offset};
}

// FAT32 boot sector: sectors 16..16+k-1 must be reserved and free of FSInfo and backup copies.
Result<TagLocation> locate_fat32(std::string_view head, std::uint64_t disk_size) {
  const std::uint64_t bps = le(head, 11, 2).value_or(0);
  if (bps != 512 && bps != 1024 && bps != 2048 && bps != 4096) {
    return refuse("FAT32 boot sector has an invalid sector size " + std::to_string(bps));
  }
  const std::uint64_t reserved = le(head, 14, 2).value_or(0);
  const std::uint64_t fsinfo = le(head, 48, 2).value_or(0);
  const std::uint64_t backup = le(head, 50, 2).value_or(0);
  const std::uint64_t first = kFat32TagSector;
  const std::uint64_t end = first + (kTagFrameBytes + bps - 1) / bps;
  if (reserved < end) {
    return refuse("FAT32 without a partition table: reserved area of " + std::to_string(reserved) +
                  " sectors leaves no room for a tag (needs " + std::to_string(end) + ")");
  }
  const bool fsinfo_inside = fsinfo >= first && fsinfo < end;
  const bool backup_inside = backup != 0 && backup + 3 > first && backup < end;
  if (fsinfo_inside || backup_inside) {
    return refuse(
        "FAT32 without a partition table: FSInfo or backup boot sector lies in the tag area");
  }
  return checked(DiskLayout::fat32, first * bps, disk_size);
}

// exFAT boot sector: sectors 24..FatOffset-1 are the FAT alignment area, unused.
Result<TagLocation> locate_exfat(std::string_view head, std::uint64_t disk_size) {
  const std::uint64_t shift = le(head, 108, 1).value_or(0);
  if (shift < 9 || shift > 12) {
    return refuse("exFAT boot sector has an invalid sector size shift " + std::to_string(shift));
  }
  const std::uint64_t bps = 1ull << shift;
  const std::uint64_t fat_offset = le(head, 80, 4).value_or(0);
  const std::uint64_t end = kExfatTagSector + (kTagFrameBytes + bps - 1) / bps;
  if (fat_offset < end) {
    return refuse("exFAT without a partition table: FAT offset " + std::to_string(fat_offset) +
                  " leaves no room for a tag (needs " + std::to_string(end) + ")");
  }
  return checked(DiskLayout::exfat, kExfatTagSector * bps, disk_size);
}

// A GPT header at LBA 1: the entry array must end by LBA 34, every partition start at 42+.
Result<TagLocation> locate_gpt(std::string_view head, std::uint64_t disk_size) {
  if (!has_text(head, kSector, "EFI PART")) {
    if (has_text(head, 4096, "EFI PART")) {
      return refuse("GPT with 4096-byte sectors is not supported");
    }
    return refuse("protective MBR without a GPT header at LBA 1");
  }
  const std::size_t h = kSector;
  const std::uint64_t entry_lba = le(head, h + 72, 8).value_or(0);
  const std::uint64_t count = le(head, h + 80, 4).value_or(0);
  const std::uint64_t entry_size = le(head, h + 84, 4).value_or(0);
  if (entry_lba < 2 || entry_size < 128 || entry_size > 4096 || count > 4096) {
    return refuse("GPT header has an implausible partition entry array");
  }
  const std::uint64_t array_end = entry_lba * kSector + count * entry_size;
  if (entry_lba > kPartitionedTagLba || array_end > kPartitionedTagLba * kSector) {
    return refuse("GPT partition entry array reaches past LBA 34 (where the tag goes)");
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::size_t e = static_cast<std::size_t>(entry_lba * kSector + i * entry_size);
    const auto type_lo = le(head, e, 8);
    const auto type_hi = le(head, e + 8, 8);
    const auto first_lba = le(head, e + 32, 8);
    if (!type_lo || !type_hi || !first_lba) break;  // beyond head: cannot be before LBA 42
    if (*type_lo == 0 && *type_hi == 0) continue;   // unused entry
    if (*first_lba < kPartitionedTagEndLba) {
      return refuse("GPT partition " + std::to_string(i + 1) + " starts at LBA " +
                    std::to_string(*first_lba) + ": no room for a tag before it");
    }
  }
  return checked(DiskLayout::gpt, kPartitionedTagLba * kSector, disk_size);
}

// A classic MBR: four entries with a valid boot flag, at least one partition, all starting at
// LBA 42 or later.
Result<TagLocation> locate_mbr(std::string_view head, std::uint64_t disk_size) {
  bool any = false;
  std::uint64_t first_start = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t e = 446 + 16 * i;
    const std::uint64_t flag = le(head, e, 1).value_or(0xff);
    const std::uint64_t type = le(head, e + 4, 1).value_or(0);
    const std::uint64_t start = le(head, e + 8, 4).value_or(0);
    const std::uint64_t sectors = le(head, e + 12, 4).value_or(0);
    if (flag != 0 && flag != 0x80) return refuse("no partition table or known file system");
    if (type == 0 || sectors == 0) continue;
    if (type == 0xee) return locate_gpt(head, disk_size);
    any = true;
    first_start = std::min(first_start, start);
  }
  if (!any) return refuse("partition table without partitions");
  if (first_start < kPartitionedTagEndLba) {
    return refuse("first partition starts at sector " + std::to_string(first_start) +
                  ": no room for a tag before it");
  }
  return checked(DiskLayout::mbr, kPartitionedTagLba * kSector, disk_size);
}

}  // namespace

std::string_view to_string(DiskLayout layout) noexcept {
  switch (layout) {
    case DiskLayout::mbr:
      return "mbr";
    case DiskLayout::gpt:
      return "gpt";
    case DiskLayout::fat32:
      return "fat32";
    case DiskLayout::exfat:
      return "exfat";
  }
  return "unknown";
}

Result<TagLocation> locate_tag(std::string_view head, std::uint64_t disk_size) {
  head = head.substr(0, std::min<std::size_t>(head.size(), kLayoutHeadBytes));
  if (head.size() < kSector) return refuse("disk smaller than one sector");
  // A file system on the whole disk is recognised first: its boot sector also ends in 55 AA,
  // and its boot code would otherwise be misread as partition entries.
  const bool jump = head[0] == '\xeb' || head[0] == '\xe9';
  if (jump && has_text(head, 3, "EXFAT   ")) return locate_exfat(head, disk_size);
  if (jump && has_text(head, 3, "NTFS    ")) {
    return refuse("NTFS without a partition table: no space outside the file system for a tag");
  }
  if (jump && has_text(head, 82, "FAT32   ")) return locate_fat32(head, disk_size);
  if (!has_text(head, 510, "\x55\xaa")) return refuse("no partition table or known file system");
  if (jump && (has_text(head, 54, "FAT12   ") || has_text(head, 54, "FAT16   "))) {
    return refuse("FAT12/FAT16 without a partition table: no reserved space for a tag");
  }
  return locate_mbr(head, disk_size);
}

}  // namespace shouwei::collectors::media
