// `shouwei-agent [--root DIR] media scan [--apply]`: the media gate's decision for every USB
// storage device present, one JSON object per line (collectors/media/media_event_store.hpp's
// to_json: identity, tag_found, tag_zone, tag_media_id, decision, reason, ...). Only with apply
// (and rules.mode == enforce) is anything done to a device; nothing is recorded. Under --root,
// sysfs is read from DIR/sys and each raw disk from DIR/dev/<name>.
#pragma once

#include <ostream>

#include "shouwei/collectors/media/media_rules.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/root_fs.hpp"
#include "shouwei/common/zone.hpp"

namespace shouwei::platform::linux_media {

// Returns an exit code: kExitOk, or the code of the error (written to out as one line
// {"error": "..."}) when the USB devices cannot be listed, or kExitFailure when an action could
// not be applied. media_key may be null (tags are then reported "unverified").
int run_media_scan(const RootFs& root, Zone zone, const PublicKey* media_key,
                   const collectors::media::MediaRules& rules, bool apply, std::ostream& out);

}  // namespace shouwei::platform::linux_media
