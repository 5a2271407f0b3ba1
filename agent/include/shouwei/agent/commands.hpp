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

// Prints, one JSON object per line, the media-gate decision for every USB storage device present;
// acts on them only with apply. Rules: safe defaults until a signed policy is applied.
int command_media_scan(const GlobalOptions& options, bool apply);

// The service: enroll at first start, snapshot every interval, upload. With once: one cycle,
// exiting kExitPending when anything is left unsent.
int command_run(const GlobalOptions& options, bool once);

}  // namespace shouwei::agent
