// Internal: the common shape of one product in the antivirus section, and the two detectors
// (ClamAV natively, others by descriptor) that fill it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "shouwei/collectors/antivirus/antivirus_config.hpp"
#include "shouwei/collectors/antivirus/av_products.hpp"
#include "shouwei/collectors/antivirus/windows_security.hpp"

namespace shouwei::collectors::antivirus {

// A build time this far ahead of the PC's clock is "in the future" (clock set back, or forged).
inline constexpr std::chrono::hours kFutureTolerance{1};

struct ProductFacts {
  std::string name;
  std::string source;  // "clamav" | "descriptor" | "defender" | "security_center"
  std::optional<std::string> signature_version;
  std::optional<TimePoint> signature_time;
  std::optional<bool> realtime;
  bool signatures_missing = false;  // installed, but no signature file exists at all
};

// {name, source, signature_version, signature_time, age_hours, realtime, up_to_date,
//  future_build_time, signatures_missing}; unknown facts are null. A product without any
//  signature file is known not to be up to date.
boost::json::object product_record(const ProductFacts& facts, TimePoint now, double max_age_hours);

// nullptr `processes` means the process list could not be read.
std::optional<boost::json::object> detect_clamav(AvProducts& host,
                                                 const std::vector<std::string>* processes,
                                                 const AntivirusConfig& config, TimePoint now,
                                                 boost::json::array& warnings);

std::optional<boost::json::object> detect_by_descriptor(AvProducts& host,
                                                        const ProductDescriptor& descriptor,
                                                        const std::vector<std::string>* processes,
                                                        const AntivirusConfig& config,
                                                        TimePoint now);

// Whether `name` runs: equal ignoring ASCII case (Windows file names), or, for a listed name
// of exactly 15 characters, equal to the first 15 of `name` (/proc/<pid>/comm truncates).
bool process_running(const std::vector<std::string>& processes, std::string_view name);

// A descriptor's record at products[index].
struct NamedRecord {
  const ProductDescriptor* descriptor;
  std::size_t index;
};

// Windows: adds Defender (while enabled) and every Security Center product to `products`,
// merging Security Center entries into Defender's record or into the descriptor record whose
// security_center_names lists them. Returns {"defender": details | null, "sources":
// {security_center, defender: {answered, error}}}; failures also go to `warnings`.
boost::json::object add_windows_products(WindowsSecuritySource& windows,
                                         boost::json::array& products,
                                         const std::vector<NamedRecord>& described, TimePoint now,
                                         double max_age_hours, boost::json::array& warnings);

}  // namespace shouwei::collectors::antivirus
