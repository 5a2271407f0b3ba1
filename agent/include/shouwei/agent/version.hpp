#pragma once
#include <string_view>
namespace shouwei::agent {
// The agent's version as reported in every snapshot.
std::string_view agent_version() noexcept;
}  // namespace shouwei::agent
