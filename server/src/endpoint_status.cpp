#include "shouwei/server/endpoint_status.hpp"

namespace shouwei::server {

EndpointStatus judge_endpoint(const EndpointRecord& e, TimePoint now, const JudgePolicy& policy) {
  EndpointStatus s;
  TimePoint reference = e.last_seen.value_or(e.device.enrolled_at);
  s.silent = now - reference > policy.silent_after;
  if (e.last_seen && e.last_taken_at) {
    s.clock_skew_seconds = to_unix_seconds(*e.last_taken_at) - to_unix_seconds(*e.last_seen);
    s.clock_skewed = *s.clock_skew_seconds > policy.max_clock_skew.count() ||
                     -*s.clock_skew_seconds > policy.max_clock_skew.count();
  }
  s.effective_compliance = (s.silent || s.clock_skewed) ? "fail" : e.reported_compliance;
  return s;
}

std::vector<ComplianceCheck> server_checks(const EndpointRecord& e, const EndpointStatus& status,
                                           const JudgePolicy& policy) {
  std::vector<ComplianceCheck> out;
  std::string seen = e.last_seen ? format_rfc3339(*e.last_seen) : std::string("never / 从未");
  out.push_back(ComplianceCheck{
      std::string(kCheckLastSeen), "终端按时上报 / Endpoint reports on time",
      status.silent ? "fail" : "pass",
      "最后上报 / last seen: " + seen +
          "; 允许静默 / allowed silence: " + std::to_string(policy.silent_after.count()) + " s"});
  if (status.clock_skew_seconds) {
    out.push_back(ComplianceCheck{
        std::string(kCheckClockSkew), "终端时钟准确 / Endpoint clock accurate",
        status.clock_skewed ? "fail" : "pass",
        "时钟偏差 / clock skew: " + std::to_string(*status.clock_skew_seconds) +
            " s; 允许 / allowed: ±" + std::to_string(policy.max_clock_skew.count()) + " s"});
  } else {
    out.push_back(ComplianceCheck{std::string(kCheckClockSkew),
                                  "终端时钟准确 / Endpoint clock accurate", "unknown",
                                  "尚无快照 / no snapshot yet"});
  }
  return out;
}

Result<std::vector<ComplianceRow>> build_compliance_rows(Store& store, TimePoint now,
                                                         const JudgePolicy& policy) {
  SHOUWEI_TRY(auto endpoints, store.list_endpoints(EndpointFilter{}));
  std::vector<ComplianceRow> rows;
  for (const auto& e : endpoints) {
    if (e.device.revoked_at) continue;
    std::vector<ComplianceCheck> checks;
    if (e.last_snapshot_id) {
      SHOUWEI_TRY(checks, store.snapshot_checks(*e.last_snapshot_id));
    }
    EndpointStatus status = judge_endpoint(e, now, policy);
    for (auto& c : server_checks(e, status, policy)) checks.push_back(std::move(c));
    for (const auto& c : checks) {
      rows.push_back(ComplianceRow{e.device.device_id, e.hostname.value_or(""), e.device.group,
                                   e.zone.value_or(""),
                                   e.last_seen ? format_rfc3339(*e.last_seen) : "",
                                   e.policy_version ? std::to_string(*e.policy_version) : "", c.id,
                                   c.title, c.result, c.detail});
    }
  }
  return rows;
}

}  // namespace shouwei::server
