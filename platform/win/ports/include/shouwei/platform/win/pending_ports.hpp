// Ports not implemented on Windows yet. Each fails every call with Errc::unsupported "not yet
// implemented on Windows", so the agent builds, runs and reports the gap in the snapshot (the
// collector's section becomes an error) instead of guessing. Removed family by family as the
// real ports land (patches/antivirus: platform/win/{patches,antivirus}; the media gate:
// platform/win/media).
#pragma once

#include <memory>

#include "shouwei/collectors/antivirus/av_products.hpp"
#include "shouwei/collectors/patches/package_source.hpp"

namespace shouwei::platform::win {

std::unique_ptr<collectors::patches::PackageSource> make_pending_package_source();
std::unique_ptr<collectors::antivirus::AvProducts> make_pending_av_products();

}  // namespace shouwei::platform::win
