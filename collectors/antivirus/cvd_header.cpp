#include "shouwei/collectors/antivirus/cvd_header.hpp"

#include <charconv>
#include <vector>

namespace shouwei::collectors::antivirus {
namespace {

constexpr std::string_view kMagic = "ClamAV-VDB:";

template <typename T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<CvdHeader> parse_cvd_header(std::string_view head) {
  if (head.size() < kCvdHeaderBytes) {
    return fail(Errc::parse,
                "CVD header: file shorter than 512 bytes (" + std::to_string(head.size()) + ")");
  }
  std::string_view h = head.substr(0, kCvdHeaderBytes);
  if (h.substr(0, kMagic.size()) != kMagic)
    return fail(Errc::parse, "CVD header: no ClamAV-VDB magic");
  // Padding is spaces (sigtool); tolerate NULs too. Everything else must be printable ASCII.
  while (!h.empty() && (h.back() == ' ' || h.back() == '\0' || h.back() == '\n'))
    h.remove_suffix(1);
  for (char c : h) {
    if (c < 0x20 || c > 0x7e) return fail(Errc::parse, "CVD header: non-printable byte in header");
  }
  std::vector<std::string_view> f;
  while (true) {
    std::size_t colon = h.find(':');
    f.push_back(h.substr(0, colon));
    if (colon == std::string_view::npos) break;
    h.remove_prefix(colon + 1);
  }
  if (f.size() < 9) {
    return fail(Errc::parse, "CVD header: " + std::to_string(f.size()) + " fields, expected 9");
  }
  CvdHeader out;
  out.build_time_text = std::string(f[1]);
  long long stime = 0;
  if (!parse_number(f[2], out.version))
    return fail(Errc::parse, "CVD header: version is not a number");
  if (!parse_number(f[3], out.signatures))
    return fail(Errc::parse, "CVD header: signature count is not a number");
  if (!parse_number(f[4], out.functionality_level)) {
    return fail(Errc::parse, "CVD header: functionality level is not a number");
  }
  out.builder = std::string(f[7]);
  // stime: Unix seconds; reject values before ClamAV existed or absurdly far ahead (year 2200).
  if (!parse_number(f[8], stime) || stime < 946684800LL || stime > 7258118400LL) {
    return fail(Errc::parse, "CVD header: build time (stime) missing or out of range");
  }
  out.build_time = from_unix_seconds(stime);
  return out;
}

}  // namespace shouwei::collectors::antivirus
