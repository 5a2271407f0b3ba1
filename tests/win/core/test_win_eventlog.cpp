// The system journal on Windows is the Event Log: init_logging(system_journal) installs spdlog's
// win_eventlog_sink, and logging through it (Wine's advapi32 accepts the event source and
// reports) neither fails nor throws, including Chinese text and every level.
#include <windows.h>

#include <memory>

#include <doctest/doctest.h>
#include <spdlog/sinks/win_eventlog_sink.h>
#include <spdlog/spdlog.h>

#include "shouwei/common/logging.hpp"

using namespace shouwei;

TEST_CASE("the journal destination logs to the Windows Event Log") {
  init_logging("shouwei-test", LogDestination::system_journal, spdlog::level::trace);
  auto logger = spdlog::default_logger();
  REQUIRE(logger != nullptr);
  REQUIRE(logger->sinks().size() == 1);
  CHECK(std::dynamic_pointer_cast<spdlog::sinks::win_eventlog_sink_mt>(logger->sinks().front()) != nullptr);
  CHECK_NOTHROW(spdlog::info("Shouwei 守卫: event log test"));
  CHECK_NOTHROW(spdlog::warn("warning {}", 1));
  CHECK_NOTHROW(spdlog::error("error {}", "二"));
  CHECK_NOTHROW(spdlog::debug("debug"));
  CHECK_NOTHROW(logger->flush());
}
