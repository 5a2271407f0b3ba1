// Logging goes through spdlog. Interactive runs log to stderr; a service logs to the system's
// journal (journald/syslog on Linux, the Event Log on Windows) through the sink the platform
// provides.
#pragma once

#include <string_view>

#include <spdlog/spdlog.h>

#include "shouwei/common/result.hpp"

namespace shouwei {

enum class LogDestination { stderr_only, system_journal };

// "trace" | "debug" | "info" | "warn" | "error" | "critical" | "off"
Result<spdlog::level::level_enum> parse_log_level(std::string_view name);

// Installs the default logger named `program`. system_journal falls back to stderr when the
// platform has no journal available.
void init_logging(std::string_view program, LogDestination destination, spdlog::level::level_enum level);

}  // namespace shouwei

namespace shouwei::os {
// Implemented per platform: the sink for the system journal, or nullptr when unavailable.
spdlog::sink_ptr make_system_journal_sink(std::string_view program);
}  // namespace shouwei::os
