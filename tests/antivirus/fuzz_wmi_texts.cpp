// libFuzzer target: texts Windows hands over through WMI and the Windows Update Agent, which
// third-party products and update titles fill in: CIM DATETIME and RFC 1123 timestamps
// (AntiVirusProduct, MSFT_MpComputerStatus), hotfix InstalledOn dates, KB ids in titles.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "shouwei/collectors/antivirus/windows_security.hpp"
#include "shouwei/collectors/patches/windows_patches.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)shouwei::collectors::antivirus::parse_cim_datetime(text);
  (void)shouwei::collectors::antivirus::parse_rfc1123(text);
  (void)shouwei::collectors::patches::parse_hotfix_date(text);
  (void)shouwei::collectors::patches::normalize_kb(text);
  (void)shouwei::collectors::patches::kb_ids_in_text(text);
  if (size >= 4) {
    std::uint32_t word = std::uint32_t{data[0]} | std::uint32_t{data[1]} << 8 |
                         std::uint32_t{data[2]} << 16 | std::uint32_t{data[3]} << 24;
    (void)shouwei::collectors::antivirus::decode_product_state(word);
  }
  return 0;
}
