#include "shouwei/collectors/media/policy_rules.hpp"

namespace shouwei::collectors::media {
namespace {

MediaAction action_of(policy::UnregisteredMedia rule) {
  switch (rule) {
    case policy::UnregisteredMedia::allow:
      return MediaAction::allow;
    case policy::UnregisteredMedia::read_only:
      return MediaAction::read_only;
    case policy::UnregisteredMedia::block:
      return MediaAction::block;
  }
  return MediaAction::block;  // an out-of-range value never loosens the gate
}

}  // namespace

MediaRules media_rules_from_policy(const policy::MediaRules& rules) {
  MediaRules out;
  out.mode =
      rules.mode == policy::MediaMode::audit ? EnforcementMode::audit : EnforcementMode::enforce;
  out.unregistered = action_of(rules.unregistered);
  // policy::CrossZoneMedia has a single value, block; anything else would be a newer schema.
  out.cross_zone = MediaAction::block;
  out.allow_list = rules.allow_list;
  return out;
}

}  // namespace shouwei::collectors::media
