// How the server judges an endpoint by its own clock (threats.md): an endpoint that has been
// silent too long, or whose clock disagreed with the server's, is not compliant whatever its
// last snapshot claimed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/server/compliance_csv.hpp"
#include "shouwei/server/store.hpp"

namespace shouwei::server {

struct JudgePolicy {
  std::chrono::seconds silent_after{24 * 3600};
  std::chrono::seconds max_clock_skew{300};
};

struct EndpointStatus {
  bool silent = false;  // no snapshot received within silent_after (since enrollment if none)
  std::optional<std::int64_t> clock_skew_seconds;  // taken_at - received_at of the last snapshot
  bool clock_skewed = false;                       // |skew| > max_clock_skew
  std::string effective_compliance;                // fail if silent or skewed, else reported
};

EndpointStatus judge_endpoint(const EndpointRecord& e, TimePoint now, const JudgePolicy& policy);

// The two checks the server adds to every endpoint's report rows.
inline constexpr std::string_view kCheckLastSeen = "server.last_seen";
inline constexpr std::string_view kCheckClockSkew = "server.clock_skew";
std::vector<ComplianceCheck> server_checks(const EndpointRecord& e, const EndpointStatus& status,
                                           const JudgePolicy& policy);

// Every endpoint (revoked ones excluded), its latest snapshot's checks followed by the server's.
Result<std::vector<ComplianceRow>> build_compliance_rows(Store& store, TimePoint now,
                                                         const JudgePolicy& policy);

}  // namespace shouwei::server
