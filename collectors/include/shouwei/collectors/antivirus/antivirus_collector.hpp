// The antivirus section: every product found, with how fresh its signatures are.
//
// {"products": [ {name, signature_version, signature_time, age_hours, realtime, up_to_date,
//                 source ("clamav" | "descriptor"), future_build_time, details...} ],
//  "warnings": [...]}
// Absent facts are null (an unknown age makes up_to_date null, never true). A signature build
// time in the future (clock set back, or a forged file) sets future_build_time and makes the
// product not up to date. ClamAV: databases[] {name, file, version, signatures,
// functionality_level, build_time, age_hours, future, error}, clamd_running,
// freshclam_running, clamonacc_running; realtime = clamd and clamonacc (on-access) running.
//
// On Windows (a WindowsSecuritySource given) also: Microsoft Defender as a product (source
// "defender") while its antivirus is enabled, with signature_time from
// AntivirusSignatureLastUpdated; every Security Center product (source "security_center"), or
// its facts merged into Defender's or a descriptor's record as security_center {display_name,
// instance_guid, product_state, state (on|off|snoozed|expired|unknown), signatures_up_to_date,
// timestamp}; realtime from the state when otherwise unknown; up_to_date false when Security
// Center says the signatures are out of date and no age is known. Section-level: defender
// {antivirus_enabled, am_service_enabled, realtime_protection_enabled, signature_version,
// signature_age_days, am_product_version, am_running_mode} or null, and sources
// {security_center, defender: {answered, error}}.
#pragma once

#include <memory>

#include "shouwei/collectors/antivirus/antivirus_config.hpp"
#include "shouwei/collectors/antivirus/av_products.hpp"
#include "shouwei/collectors/antivirus/windows_security.hpp"
#include "shouwei/collectors/collector.hpp"

namespace shouwei::collectors::antivirus {

// `windows` may be null (not Windows). Only descriptors whose platform is host.platform() apply.
Result<boost::json::object> collect_antivirus(AvProducts& host, const AntivirusConfig& config,
                                              TimePoint now,
                                              WindowsSecuritySource* windows = nullptr);

// The DatabaseDirectory option of a clamd.conf / freshclam.conf text; nullopt when unset.
std::optional<std::string> clamav_database_directory(std::string_view conf_text);

// A time read from a product file: "YYYY-MM-DD[ HH:MM[:SS]]" (also with '/' or 'T'),
// "YYYYMMDD[HHMM[SS]]" in local time (through the port), or Unix seconds (10 digits).
std::optional<TimePoint> parse_product_time(AvProducts& host, std::string_view text);

}  // namespace shouwei::collectors::antivirus

namespace shouwei::collectors {

// The collector the agent registers; owns its ports (`windows` may be null). Uses the
// context's clock for ages.
std::unique_ptr<Collector> make_antivirus_collector(
    std::unique_ptr<antivirus::AvProducts> host, antivirus::AntivirusConfig config,
    std::unique_ptr<antivirus::WindowsSecuritySource> windows = nullptr);

}  // namespace shouwei::collectors
