// Administrator actions, shared by the command line and the admin routes of the console API.
// Each one is written to the audit log together with its effect.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "shouwei/common/clock.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/server/store.hpp"

namespace shouwei::server {

struct CreatedCredential {
  std::int64_t id = 0;
  std::string text;  // shown once; only its hash is stored
};

// actor: "cli" or "token:<id>".
Result<CreatedCredential> create_console_token(Store& store, const Clock& clock, Role role,
                                               std::string_view actor);
// Fails (Errc::invalid_argument) on an empty group or one longer than 128 bytes.
Result<CreatedCredential> create_enroll_secret(Store& store, const Clock& clock,
                                               const std::string& group, bool one_time,
                                               std::string_view actor);
// Fail with Errc::not_found when there is no such secret / device.
Result<void> revoke_enroll_secret(Store& store, const Clock& clock, std::int64_t secret_id,
                                  std::string_view actor);
Result<void> revoke_device(Store& store, const Clock& clock, const std::string& device_id,
                           std::string_view actor);

}  // namespace shouwei::server
