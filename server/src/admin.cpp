#include "shouwei/server/admin.hpp"

#include "shouwei/common/policy.hpp"
#include "shouwei/server/credentials.hpp"

namespace shouwei::server {

namespace {
AuditEntry audit(const Clock& clock, std::string_view actor, std::string_view action,
                 std::string target, std::string detail) {
  return AuditEntry{0,
                    clock.now(),
                    std::string(actor),
                    std::string(action),
                    std::move(target),
                    std::move(detail)};
}
}  // namespace

Result<CreatedCredential> create_console_token(Store& store, const Clock& clock, Role role,
                                               std::string_view actor) {
  std::string token = new_credential(kTokenPrefix);
  SHOUWEI_TRY(std::int64_t id, store.create_token(credential_hash(token), role, clock.now(),
                                                  audit(clock, actor, "token.create", {},
                                                        "role=" + std::string(to_string(role)))));
  return CreatedCredential{id, std::move(token)};
}

Result<CreatedCredential> create_enroll_secret(Store& store, const Clock& clock,
                                               const std::string& group, bool one_time,
                                               std::string_view actor) {
  // The rule of a policy's `groups`, so every enrollment group can be addressed by a policy.
  if (!policy::is_valid_group_name(group)) {
    return fail(Errc::invalid_argument,
                "group: must be 1 to 128 bytes of UTF-8 without spaces or control characters");
  }
  std::string secret = new_credential(kSecretPrefix);
  SHOUWEI_TRY(std::int64_t id,
              store.create_secret(credential_hash(secret), group, one_time, clock.now(),
                                  audit(clock, actor, "secret.create", {},
                                        "group=" + group + (one_time ? " one_time" : ""))));
  return CreatedCredential{id, std::move(secret)};
}

Result<void> revoke_enroll_secret(Store& store, const Clock& clock, std::int64_t secret_id,
                                  std::string_view actor) {
  std::string target = "secret:" + std::to_string(secret_id);
  SHOUWEI_TRY(bool found, store.revoke_secret(secret_id, clock.now(),
                                              audit(clock, actor, "secret.revoke", target, {})));
  if (!found)
    return fail(Errc::not_found,
                "enrollment secret " + std::to_string(secret_id) + ": no such secret");
  return {};
}

Result<void> revoke_device(Store& store, const Clock& clock, const std::string& device_id,
                           std::string_view actor) {
  SHOUWEI_TRY(bool found,
              store.revoke_device(device_id, clock.now(),
                                  audit(clock, actor, "device.revoke", "device:" + device_id, {})));
  if (!found) return fail(Errc::not_found, "device " + device_id + ": no such device");
  return {};
}

}  // namespace shouwei::server
