#include "shouwei/collectors/compliance/compliance.hpp"

namespace shouwei::collectors::compliance {

Result<ComplianceThresholds> parse_compliance_config(const toml::table* section) {
  ComplianceThresholds t;
  if (!section) return t;
  for (const auto& [key, value] : *section) {
    std::string name = "compliance." + std::string(key.str());
    if (key.str() == "max_signature_age_hours") {
      auto v = value.value<double>();
      if (!v || *v <= 0) return fail(Errc::invalid_argument, name + ": must be a positive number");
      t.max_signature_age_hours = *v;
    } else if (key.str() == "max_pending_security" || key.str() == "max_days_since_patch") {
      auto v = value.value_exact<std::int64_t>();
      if (!v || *v < 0)
        return fail(Errc::invalid_argument, name + ": must be a non-negative integer");
      (key.str() == "max_pending_security" ? t.max_pending_security : t.max_days_since_patch) = *v;
    } else {
      return fail(Errc::invalid_argument, name + ": unknown key");
    }
  }
  return t;
}

ComplianceThresholds thresholds_from_policy(const policy::Thresholds& thresholds) {
  ComplianceThresholds t;
  t.max_signature_age_hours = static_cast<double>(thresholds.max_signature_age_hours);
  t.max_pending_security = thresholds.max_pending_security;
  t.max_days_since_patch = thresholds.max_days_since_patch;
  return t;
}

}  // namespace shouwei::collectors::compliance
