// The inventory collector: the "inventory" section of a snapshot, i.e. the terminal-registration
// facts (hostname, OS and build, kernel, architecture, boot time, local and logged-in users,
// network interfaces with MAC and addresses) plus the asset tag and location from the config.
//
// Section layout (JSON; every absent fact is null, never a guess):
//   { "hostname": str|null,
//     "os": { "name", "version", "version_id", "id", "id_like", "pretty_name", "build",
//             "edition" }            (each str|null),
//     "kernel": str|null, "arch": str|null, "boot_time": RFC 3339 UTC str|null,
//     "users":    [ { "name", "uid": int, "home", "shell", "login": bool } ] | null,
//     "sessions": [ { "user", "tty", "host": str|null, "login_time": str|null } ] | null,
//     "interfaces": [ { "name", "mac": str|null, "ipv4": ["a.b.c.d/len"]|null,
//                       "ipv6": ["x::y/len"]|null, "up": bool|null } ] | null,
//     "asset_tag": str|null, "location": str|null,
//     "warnings": [ str ] }          (files that exist but could not be read, or only partly)
// Text taken from the system is made valid UTF-8 (invalid bytes become U+FFFD) so the section
// can always be canonicalized and signed.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "shouwei/collectors/collector.hpp"
#include "shouwei/collectors/inventory/inventory_facts.hpp"
#include "shouwei/collectors/inventory/inventory_source.hpp"

namespace shouwei::collectors {

// Operator-assigned facts from the agent config (`asset_tag`, `location`); nullopt -> null.
struct InventoryConfig {
  std::optional<std::string> asset_tag;
  std::optional<std::string> location;
};

// Pure rendering of the section from facts; no I/O.
boost::json::object render_inventory(const InventoryFacts& facts, const InventoryConfig& config);

// REQUIRES: `source` outlives the returned collector. collect() reads the source once per call
// and fails only when the source fails; the context's root is not used (the source was bound to
// its root when it was made).
std::unique_ptr<Collector> make_inventory_collector(InventorySource& source,
                                                    InventoryConfig config);

}  // namespace shouwei::collectors
