// Exit codes shared by shouwei-agent, shouwei-server and shouweictl, so scripts and
// desktop-management tools can tell failures apart.
#pragma once

#include "shouwei/common/result.hpp"

namespace shouwei {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,       // the operation failed for a reason not listed below
  kExitUsage = 2,         // bad command line
  kExitConfig = 3,        // configuration file missing, unreadable or invalid
  kExitVerify = 4,        // a signature, envelope or policy did not verify
  kExitIo = 5,            // file system or database problem (permissions, disk full, corrupt)
  kExitUnavailable = 6,   // the server could not be reached
  kExitPending = 7,       // run --once: something is left unsent
};

inline int exit_code_for(Errc code) {
  switch (code) {
    case Errc::crypto: return kExitVerify;
    case Errc::io:
    case Errc::corrupt:
    case Errc::permission_denied: return kExitIo;
    case Errc::unavailable: return kExitUnavailable;
    case Errc::invalid_argument: return kExitUsage;
    default: return kExitFailure;
  }
}

}  // namespace shouwei
