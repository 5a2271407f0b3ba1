#include <string>

#include "shouwei/common/logging.hpp"

#ifdef SHOUWEI_HAVE_SYSTEMD
#include <spdlog/sinks/systemd_sink.h>
#else
#include <spdlog/sinks/syslog_sink.h>
#endif

namespace shouwei::os {

spdlog::sink_ptr make_system_journal_sink(std::string_view program) {
#ifdef SHOUWEI_HAVE_SYSTEMD
  (void)program;
  return std::make_shared<spdlog::sinks::systemd_sink_mt>();
#else
  return std::make_shared<spdlog::sinks::syslog_sink_mt>(std::string(program), 0, LOG_DAEMON, true);
#endif
}

}  // namespace shouwei::os
