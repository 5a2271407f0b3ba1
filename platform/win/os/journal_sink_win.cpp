// The system journal on Windows is the Event Log (Application log), through spdlog's
// win_eventlog_sink. The event source is the program name; `shouwei-agent service install`
// registers it so that the Event Viewer shows the messages without a "description not found"
// preamble.
#include <string>
#include <windows.h>

#include <spdlog/sinks/win_eventlog_sink.h>

#include "shouwei/common/logging.hpp"

namespace shouwei::os {

spdlog::sink_ptr make_system_journal_sink(std::string_view program) {
  try {
    return std::make_shared<spdlog::sinks::win_eventlog_sink_mt>(std::string(program));
  } catch (const spdlog::spdlog_ex&) {
    return nullptr;  // no Event Log service: init_logging falls back to stderr
  }
}

}  // namespace shouwei::os
