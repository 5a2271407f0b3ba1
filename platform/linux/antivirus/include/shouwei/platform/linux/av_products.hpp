// The Linux AvProducts port: files and globs resolved under a RootFs, processes from
// <root>/proc/<pid>/comm. With a root that has no /proc, process_names() fails and real-time
// protection is reported unknown rather than off.
#pragma once

#include <memory>

#include "shouwei/collectors/antivirus/av_products.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::platform {

// The root is copied.
std::unique_ptr<collectors::antivirus::AvProducts> make_linux_av_products(const RootFs& root);

}  // namespace shouwei::platform
