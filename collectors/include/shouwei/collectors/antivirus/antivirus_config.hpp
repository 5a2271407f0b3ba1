// What the antivirus collector looks for. ClamAV is detected natively; other products are
// described declaratively (descriptors) so that the domestic Linux antivirus products can be
// added without code changes. The shipped descriptors are in collectors/antivirus/descriptors/
// (compiled in); the agent config adds more:
//
//   [antivirus]
//   clamav = true                    # detect ClamAV (default true)
//   builtin_products = true          # use the shipped descriptors (default true)
//   max_signature_age_hours = 72     # what up_to_date means (default 72)
//   [[antivirus.product]]
//   name = "Example AV"
//   signature_glob = "/opt/example/db/*.dat"   # newest mtime = signature time (default)
//   version_file = "/opt/example/etc/version.ini"
//   version_regex = '^VirusLibVersion=(\S+)'   # group 1 = signature version (per line)
//   time_file = "/opt/example/etc/version.ini" # optional: time from a regex instead of mtime
//   time_regex = '^UpdateTime=(.+)$'           # "YYYY-MM-DD[ HH:MM[:SS]]", "YYYYMMDD[HHMMSS]"
//                                              # (local time) or Unix seconds
//   process_names = ["exampled"]               # real-time protection when one runs
//
// Windows products (platform = "windows") use Windows paths (C:\... or %ProgramFiles%\...)
// and may read the registry (HKLM, 64-bit view; `key` may list alternatives, such as the
// WOW6432Node path of a 32-bit product, the first present wins):
//   platform = "windows"
//   install_registry = { key = 'HKLM\SOFTWARE\Vendor\AV', value = 'InstallPath' }  # presence
//   version_registry = { key = [...], value = 'VirusLibVer', regex = '(\d+)' }  # regex optional
//   time_registry = { key = '...', value = 'UpdateTime' }  # text as time_regex's group, or
//                                        # REG_DWORD Unix seconds, or REG_QWORD FILETIME
//   security_center_names = ["Vendor AV"]  # its AntiVirusProduct displayName: merged into one
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "shouwei/common/result.hpp"

namespace shouwei::collectors::antivirus {

// A registry value a descriptor reads.
struct RegistrySource {
  std::vector<std::string> keys;  // alternatives, "HKLM\\..."; the first present wins
  std::string value;              // value name ("" = the key's default value)
  std::string regex;              // optional: group 1 of the value's text
};

struct ProductDescriptor {
  std::string name;
  std::string signature_glob;               // may be empty when version/time come from files
  std::string version_file, version_regex;  // both or neither
  std::string time_file, time_regex;        // both or neither
  std::vector<std::string> process_names;
  std::string platform = "linux";  // "linux" | "windows": where the descriptor applies
  std::optional<RegistrySource> install_registry, version_registry, time_registry;
  std::vector<std::string> security_center_names;
};

struct AntivirusConfig {
  bool clamav = true;
  double max_signature_age_hours = 72;
  std::vector<ProductDescriptor> products;  // shipped ones first unless disabled
};

// `section` is the [antivirus] table or nullptr (= defaults). Errors name the key
// ("antivirus.product[2].version_regex: ...").
Result<AntivirusConfig> parse_antivirus_config(const toml::table* section);

// The descriptors shipped in collectors/antivirus/descriptors/products.toml.
Result<std::vector<ProductDescriptor>> builtin_product_descriptors();

// Parses an array of descriptor tables (the [[antivirus.product]] form); `where` prefixes
// error messages.
Result<std::vector<ProductDescriptor>> parse_product_descriptors(const toml::array& products,
                                                                 std::string_view where);

}  // namespace shouwei::collectors::antivirus
