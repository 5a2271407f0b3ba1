// The glibc utmp file (/run/utmp): who is logged in. Parsed from bytes, never by casting to
// struct utmp, so a short, damaged or hostile file cannot make us read out of bounds.
//
// Record layout (glibc on Linux; 384 bytes on every architecture, since 64-bit ABIs keep the
// 32-bit time fields for compatibility), little-endian as written on x86, ARM, LoongArch,
// MIPS-el and SW64:
//   0 ut_type (int16)   4 ut_pid (int32)    8 ut_line[32]   40 ut_id[4]   44 ut_user[32]
//   76 ut_host[256]     332 ut_exit (2 x int16)   336 ut_session (int32)
//   340 ut_tv.tv_sec (int32)   344 ut_tv.tv_usec (int32)   348 ut_addr_v6[4]   364 reserved[20]
// Character fields are NUL-padded and not necessarily NUL-terminated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/collectors/inventory/inventory_facts.hpp"

namespace shouwei::platform {

inline constexpr std::size_t kUtmpRecordSize = 384;
inline constexpr std::int16_t kUtmpUserProcess = 7;  // USER_PROCESS
// The reader caps the file at this many bytes (about 21,800 records): a real utmp holds one
// record per terminal line.
inline constexpr std::size_t kUtmpMaxBytes = 8u * 1024u * 1024u;

struct UtmpRecord {
  std::int16_t type = 0;
  std::int32_t pid = 0;
  std::string line;  // ut_line: the tty without "/dev/"
  std::string id;
  std::string user;
  std::string host;
  std::uint32_t tv_sec =
      0;  // read unsigned: a login time cannot precede 1970, and it lasts to 2106
};

struct UtmpParse {
  std::vector<UtmpRecord> records;
  std::size_t trailing_bytes = 0;  // bytes after the last whole record (a truncated file)
};

// Every whole record of `bytes`, in file order; at most max_records of them.
UtmpParse parse_utmp(std::string_view bytes,
                     std::size_t max_records = kUtmpMaxBytes / kUtmpRecordSize);

// The logged-in users: USER_PROCESS records with a user name, in file order.
std::vector<collectors::LoginSession> login_sessions(const std::vector<UtmpRecord>& records);

}  // namespace shouwei::platform
