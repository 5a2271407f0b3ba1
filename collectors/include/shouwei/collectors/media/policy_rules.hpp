// The signed policy's media rules (shouwei/common/policy.hpp, policy::MediaRules) as the media
// gate applies them (media_rules.hpp). Pure: the agent's media watch calls it with the policy in
// force at start and after each newly applied policy.
#pragma once

#include "shouwei/collectors/media/media_rules.hpp"
#include "shouwei/common/policy.hpp"

namespace shouwei::collectors::media {

// mode, unregistered, cross_zone (the policy can only say block) and the allow list, one to one.
MediaRules media_rules_from_policy(const policy::MediaRules& rules);

}  // namespace shouwei::collectors::media
