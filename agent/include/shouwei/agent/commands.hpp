// The agent's subcommands. Each returns a process exit code (common/exit_codes.hpp) after
// printing its result on stdout or its one-line error on stderr.
#pragma once

#include "shouwei/agent/runtime.hpp"

namespace shouwei::agent {

// Prints this PC's signed snapshot: the DSSE envelope as one JSON line, or with payload_only the
// decoded payload, indented. Does not queue it for upload.
int command_snapshot(const GlobalOptions& options, bool payload_only);

// Prints the device public key (PEM), generating the device key at first use.
int command_pubkey(const GlobalOptions& options);

// The service: enroll at first start, snapshot every interval, upload. With once: one cycle,
// exiting kExitPending when anything is left unsent.
int command_run(const GlobalOptions& options, bool once);

}  // namespace shouwei::agent
