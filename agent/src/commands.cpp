#include <iostream>

#include <boost/json.hpp>

#include "shouwei/agent/collector_registry.hpp"
#include "shouwei/agent/commands.hpp"
#include "shouwei/agent/device_identity.hpp"
#include "shouwei/agent/service.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/json_print.hpp"

namespace shouwei::agent {

namespace {
int report(const Error& e) {
  std::cerr << "shouwei-agent: " << e.message << "\n";
  return exit_code_for(e.code) == kExitUsage ? kExitConfig : exit_code_for(e.code);
}
}  // namespace

int command_snapshot(const GlobalOptions& options, bool payload_only) {
  auto runtime = open_runtime(options);
  if (!runtime) return report(runtime.error());
  auto collectors = make_collector_set(runtime->config, runtime->state, runtime->root);
  if (!collectors) return report(collectors.error());
  auto seq = runtime->state.next_seq();
  if (!seq) return report(seq.error());

  SystemClock clock;
  collectors::CollectContext context{runtime->root, clock};
  SnapshotHeader header{device_id_of(runtime->device_key), *seq, runtime->config.zone, std::nullopt};
  auto payload = (*collectors)->builder().build(context, header);
  auto signed_snapshot = sign_snapshot(payload, runtime->device_key);
  if (!signed_snapshot) return report(signed_snapshot.error());

  if (payload_only) {
    std::cout << json::pretty_print(boost::json::parse(signed_snapshot->payload)) << "\n";
  } else {
    std::cout << signed_snapshot->envelope_json << "\n";
  }
  return kExitOk;
}

int command_pubkey(const GlobalOptions& options) {
  auto runtime = open_runtime(options);
  if (!runtime) return report(runtime.error());
  std::cout << runtime->device_key.public_key().to_pem();
  return kExitOk;
}

int command_run(const GlobalOptions& options, bool once) {
  auto runtime = open_runtime(options);
  if (!runtime) return report(runtime.error());
  auto service = AgentService::create(*runtime);
  if (!service) return report(service.error());
  return once ? (*service)->run_once() : (*service)->run_forever();
}

}  // namespace shouwei::agent
