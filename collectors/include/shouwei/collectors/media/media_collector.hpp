// The "media" snapshot section: media gate decisions not yet acknowledged.
//
//   media.events[]        oldest first, at most 1000: to_json(MediaEvent) (media_event_store.hpp)
//                         plus "id", the store id the acknowledgement goes through
//   media.events_dropped  events not stored because the queue was full (normally 0)
//   media.mode            "enforce" | "audit", the rules in effect now
//   media.unregistered    "allow" | "read_only" | "block", the rule for untagged sticks
#pragma once

#include <cstddef>
#include <memory>

#include "shouwei/collectors/collector.hpp"
#include "shouwei/collectors/media/media_event_store.hpp"
#include "shouwei/collectors/media/media_rules.hpp"

namespace shouwei::collectors::media {

inline constexpr std::size_t kMaxMediaEventsPerSnapshot = 1000;

// REQUIRES: store and rules outlive the collector (rules may change between snapshots).
std::unique_ptr<Collector> make_media_collector(MediaEventStore& store, const MediaRules& rules);

}  // namespace shouwei::collectors::media
