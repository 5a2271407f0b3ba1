#include "shouwei/platform/inventory/utmp.hpp"

namespace shouwei::platform {
namespace {

std::uint32_t read_u32le(std::string_view r, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i)
    v |= std::uint32_t{static_cast<unsigned char>(r[at + i])} << (8 * i);
  return v;
}

std::uint16_t read_u16le(std::string_view r, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(r[at]) |
                                    (static_cast<unsigned char>(r[at + 1]) << 8));
}

// A NUL-padded character field: its bytes up to the first NUL.
std::string read_chars(std::string_view r, std::size_t at, std::size_t size) {
  const auto field = r.substr(at, size);
  return std::string(field.substr(0, field.find('\0')));
}

UtmpRecord decode(std::string_view r) {
  UtmpRecord rec;
  rec.type = static_cast<std::int16_t>(read_u16le(r, 0));
  rec.pid = static_cast<std::int32_t>(read_u32le(r, 4));
  rec.line = read_chars(r, 8, 32);
  rec.id = read_chars(r, 40, 4);
  rec.user = read_chars(r, 44, 32);
  rec.host = read_chars(r, 76, 256);
  rec.tv_sec = read_u32le(r, 340);
  return rec;
}

}  // namespace

UtmpParse parse_utmp(std::string_view bytes, std::size_t max_records) {
  UtmpParse out;
  const std::size_t whole = bytes.size() / kUtmpRecordSize;
  out.trailing_bytes = bytes.size() % kUtmpRecordSize;
  const std::size_t count = whole < max_records ? whole : max_records;
  out.records.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.records.push_back(decode(bytes.substr(i * kUtmpRecordSize, kUtmpRecordSize)));
  }
  return out;
}

std::vector<collectors::LoginSession> login_sessions(const std::vector<UtmpRecord>& records) {
  std::vector<collectors::LoginSession> sessions;
  for (const auto& rec : records) {
    if (rec.type != kUtmpUserProcess || rec.user.empty()) continue;
    collectors::LoginSession s;
    s.user = rec.user;
    s.tty = rec.line;
    if (!rec.host.empty()) s.host = rec.host;
    if (rec.tv_sec != 0) s.login_time = from_unix_seconds(rec.tv_sec);
    sessions.push_back(std::move(s));
  }
  return sessions;
}

}  // namespace shouwei::platform
