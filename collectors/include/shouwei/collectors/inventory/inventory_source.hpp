// The inventory port: reads the facts of one system (the live host or a tree mounted under a
// root directory). Implemented once per platform (platform/linux/inventory on Linux); tests use
// FakeInventorySource.
#pragma once

#include <memory>

#include "shouwei/collectors/inventory/inventory_facts.hpp"
#include "shouwei/common/result.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::collectors {

class InventorySource {
 public:
  virtual ~InventorySource() = default;

  // Reads every fact. Facts that are missing or damaged come back as nullopt with a warning
  // (see InventoryFacts); the call fails only when the system cannot be inspected at all (the
  // root is not a readable directory), naming the root.
  virtual Result<InventoryFacts> read() = 0;
};

// The platform's source for the system under `root` (implemented in platform/<os>/inventory and
// linked through shouwei_platform). The root is copied; the source may outlive the argument.
// On Linux, the host root ("/") is read with live system calls where files do not carry the
// fact (uname, getifaddrs); any other root is read only from files under it. See
// collectors/inventory/README.md for where every fact comes from.
std::unique_ptr<InventorySource> make_inventory_source(const RootFs& root);

}  // namespace shouwei::collectors
