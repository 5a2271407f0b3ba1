// Parts of the agent that change behaviour with the policy (the snapshot interval, the
// compliance thresholds, the browsing categories, the media gate...) subscribe here; the service
// notifies them once at start with the policy in force (the safe defaults when none was applied)
// and again after each newly applied policy, so a policy takes effect without a restart.
//
// Listeners are called on the service's thread, in the order they were added; one that hands
// the policy to another thread must copy what it needs and synchronise itself.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "shouwei/agent/policy_store.hpp"

namespace shouwei::agent {

class PolicyListeners {
 public:
  using Listener = std::function<void(const EffectivePolicy&)>;

  void add(Listener listener) { listeners_.push_back(std::move(listener)); }
  void notify(const EffectivePolicy& policy) const {
    for (const auto& listener : listeners_) listener(policy);
  }

 private:
  std::vector<Listener> listeners_;
};

}  // namespace shouwei::agent
