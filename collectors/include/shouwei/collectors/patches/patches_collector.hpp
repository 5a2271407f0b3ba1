// The patches section: how far behind the PC is, in the terms an inspector asks about.
//
// Fields: family ("dpkg" | "rpm"), installed_count, installed[] {name, version, architecture},
// pending[] {name, architecture, installed, candidate, security}, pending_count,
// pending_security_count (null when no apt index could be read: unknown, not zero),
// indexes[] {path, suite, origin, security, packages}, last_patched_at (latest upgrade),
// last_package_change_at, reboot_required, reboot_required_packages[], running_kernel,
// newest_kernel, warnings[] (partial problems: an unreadable log, malformed lines).
// Absent facts are null. No package database at all is an error.
#pragma once

#include <memory>

#include "shouwei/collectors/collector.hpp"
#include "shouwei/collectors/patches/package_source.hpp"

namespace shouwei::collectors::patches {

// Builds the section from a source. `now` is not needed: every time comes from the system.
Result<boost::json::object> collect_patches(PackageSource& source);

// Newest kernel release among installed packages: dpkg "linux-image-<release>" (also
// "linux-image-unsigned-<release>") ordered by package version; rpm "kernel"/"kernel-core"
// as "<version>-<release>.<arch>" ordered by install time. nullopt when none is installed.
std::optional<std::string> newest_kernel(const std::vector<InstalledPackage>& installed,
                                         bool rpm_family);

}  // namespace shouwei::collectors::patches

namespace shouwei::collectors {

// The collector the agent registers; owns its source.
std::unique_ptr<Collector> make_patches_collector(std::unique_ptr<patches::PackageSource> source);

}  // namespace shouwei::collectors
