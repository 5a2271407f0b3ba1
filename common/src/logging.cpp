#include "shouwei/common/logging.hpp"

#include <memory>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace shouwei {

Result<spdlog::level::level_enum> parse_log_level(std::string_view name) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},   {"critical", spdlog::level::critical},
      {"off", spdlog::level::off},
  };
  for (const auto& [text, level] : kLevels) {
    if (name == text) return level;
  }
  return fail(Errc::invalid_argument, "unknown log level '" + std::string(name) +
                                          "' (expected trace, debug, info, warn, error, critical or off)");
}

void init_logging(std::string_view program, LogDestination destination,
                  spdlog::level::level_enum level) {
  spdlog::sink_ptr sink;
  if (destination == LogDestination::system_journal) sink = os::make_system_journal_sink(program);
  if (!sink) sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(std::string(program), std::move(sink));
  logger->set_level(level);
  if (destination == LogDestination::stderr_only) logger->set_pattern("%Y-%m-%dT%H:%M:%S %^%l%$ %v");
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace shouwei
