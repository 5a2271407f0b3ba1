#include "shouwei/agent/runtime.hpp"

#include <system_error>

#include "shouwei/agent/device_identity.hpp"

namespace shouwei::agent {

Result<AgentConfig> load_agent_config(const GlobalOptions& options) {
  if (options.config) return load_config(*options.config);
  std::error_code ec;
  if (std::filesystem::exists(kDefaultConfigPath, ec)) return load_config(kDefaultConfigPath);
  return parse_config("", "<built-in defaults>");
}

Result<Runtime> open_runtime(const GlobalOptions& options, AgentConfig config) {
  SHOUWEI_TRY(auto level, parse_log_level(config.log_level));
  init_logging("shouwei-agent", options.log_destination, level);
  SHOUWEI_TRY(auto state, AgentState::open(config.state_dir));
  SHOUWEI_TRY(auto key, load_or_create_device_key(config.state_dir, config.key_algorithm));
  RootFs root(options.root);
  return Runtime{std::move(config), std::move(state), std::move(key), std::move(root)};
}

}  // namespace shouwei::agent
