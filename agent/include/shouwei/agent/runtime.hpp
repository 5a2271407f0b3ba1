// What every agent command needs, opened in one place and in one order: configuration, logging,
// state database, device key. Each step fails with a one-line error naming the file at fault and
// nothing after it runs, so a bad config never touches the state and a corrupt state never
// touches the key.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "shouwei/agent/config.hpp"
#include "shouwei/agent/state.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/logging.hpp"
#include "shouwei/common/root_fs.hpp"

namespace shouwei::agent {

struct GlobalOptions {
  std::optional<std::filesystem::path> config;  // --config; default kDefaultConfigPath
  std::filesystem::path root = "/";             // --root
  LogDestination log_destination = LogDestination::stderr_only;
};

struct Runtime {
  AgentConfig config;
  AgentState state;
  PrivateKey device_key;
  RootFs root;
};

// Loads the configuration: --config when given (must exist), else the default path when it
// exists, else built-in defaults.
Result<AgentConfig> load_agent_config(const GlobalOptions& options);

// Opens logging, the state and the device key for an already loaded configuration.
Result<Runtime> open_runtime(const GlobalOptions& options, AgentConfig config);

}  // namespace shouwei::agent
