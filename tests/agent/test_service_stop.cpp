// agent::request_stop(), the stop API a service manager's thread calls (the Windows service
// control handler): a stop asked for before run_forever() starts ends it at once, and one asked
// for from another thread while it runs ends it through its io_context; both return kExitOk,
// as SIGTERM does. Deterministic: the running case asks from a policy listener, which
// run_forever() calls on its own thread after it became the stop target.
#include <thread>

#include <doctest/doctest.h>

#include "../common/temp_dir.hpp"
#include "shouwei/agent/runtime.hpp"
#include "shouwei/agent/service.hpp"
#include "shouwei/common/exit_codes.hpp"

namespace fs = std::filesystem;
using namespace shouwei;
using namespace shouwei::agent;

namespace {

// An agent without a server, its state in dir/state, looking at an empty root.
struct Agent {
  explicit Agent(const fs::path& dir) {
    fs::create_directories(dir / "root");
    test::write_test_file(dir / "agent.toml",
                          "state_dir = 'state'\nsnapshot_interval_seconds = 3600\n");
    GlobalOptions options;
    options.config = dir / "agent.toml";
    options.root = dir / "root";
    auto config = load_agent_config(options);
    REQUIRE_MESSAGE(config, (config ? "" : config.error().message));
    auto opened = open_runtime(options, std::move(config).value());
    REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().message));
    runtime.emplace(std::move(opened).value());
    auto created = AgentService::create(*runtime);
    REQUIRE_MESSAGE(created, (created ? "" : created.error().message));
    service = std::move(created).value();
  }
  std::optional<Runtime> runtime;
  std::unique_ptr<AgentService> service;
};

}  // namespace

TEST_CASE("a stop requested before run_forever starts ends it before its first snapshot") {
  test::TempDir dir;
  Agent agent(dir.path());
  request_stop();
  CHECK(agent.service->run_forever() == kExitOk);
  auto last = agent.runtime->state.last_seq();
  REQUIRE(last);
  CHECK(*last == 0);
}

TEST_CASE("a stop requested from another thread ends the running loop") {
  test::TempDir dir;
  Agent agent(dir.path());
  bool asked = false;
  agent.service->policy_listeners().add([&](const EffectivePolicy&) {
    if (asked) return;
    asked = true;
    std::thread([] { request_stop(); }).join();
  });
  CHECK(agent.service->run_forever() == kExitOk);
  CHECK(asked);
}
