#include "shouwei/agent/version.hpp"
namespace shouwei::agent {
std::string_view agent_version() noexcept { return SHOUWEI_VERSION; }
}  // namespace shouwei::agent
