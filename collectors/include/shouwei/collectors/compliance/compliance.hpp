// The compliance section: declarative checks in the manner of Wazuh SCA, evaluated on the PC
// over the sections just collected. Each check has an id, a bilingual title, the rule it
// applies, the regulation it serves, and a result:
//   "pass" - the facts are present and satisfy the rule;
//   "fail" - the facts are present and violate it;
//   "unknown" - a fact is missing (section failed, value null): never reported as pass.
//
// {"checks": [{id, title: {zh, en}, rule, regulation, result, detail: {zh, en}}],
//  "summary": {pass, fail, unknown, total, compliant (true | false | null)},
//  "thresholds": {...}}
//
// Checks: av.present, av.signatures_fresh, patches.security_pending, patches.recent,
// reboot.pending. Thresholds come from the signed policy in force; while none is applied, from
// [compliance] in the config (whose defaults are the policy's safe defaults).
#pragma once

#include <cstdint>

#include <boost/json/object.hpp>
#include <toml++/toml.h>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/policy.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::compliance {

struct ComplianceThresholds {
  double max_signature_age_hours = 72;     // av.signatures_fresh
  std::int64_t max_pending_security = 0;   // patches.security_pending
  std::int64_t max_days_since_patch = 30;  // patches.recent
};

// `section` is the [compliance] table or nullptr (= defaults): max_signature_age_hours,
// max_pending_security, max_days_since_patch. Errors name the key.
Result<ComplianceThresholds> parse_compliance_config(const toml::table* section);

// The thresholds a signed policy sets.
ComplianceThresholds thresholds_from_policy(const policy::Thresholds& thresholds);

// `snapshot_payload` holds the collected sections ("patches", "antivirus"; a failed one is
// {"error": ...}). Never throws on any input shape.
boost::json::object evaluate_compliance(const boost::json::object& snapshot_payload,
                                        const ComplianceThresholds& thresholds, TimePoint now);

}  // namespace shouwei::collectors::compliance
