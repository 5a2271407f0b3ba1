#include <iostream>

#include <boost/json.hpp>

#include "shouwei/agent/collector_registry.hpp"
#include "shouwei/agent/commands.hpp"
#include "shouwei/agent/device_identity.hpp"
#include "shouwei/agent/policy_manager.hpp"
#include "shouwei/agent/service.hpp"
#include "shouwei/collectors/platform_ports.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/json_print.hpp"

namespace shouwei::agent {

namespace {
int report(const Error& e) {
  std::cerr << "shouwei-agent: " << e.message << "\n";
  return exit_code_for(e.code) == kExitUsage ? kExitConfig : exit_code_for(e.code);
}

// Every problem with the configuration file itself exits kExitConfig.
Result<Runtime> open_runtime_or_report(const GlobalOptions& options, int& exit_code) {
  auto config = load_agent_config(options);
  if (!config) {
    std::cerr << "shouwei-agent: " << config.error().message << "\n";
    exit_code = kExitConfig;
    return fail(std::move(config).error());
  }
  auto runtime = open_runtime(options, std::move(config).value());
  if (!runtime) exit_code = report(runtime.error());
  return runtime;
}
}  // namespace

int command_snapshot(const GlobalOptions& options, bool payload_only) {
  int exit_code = kExitOk;
  auto runtime = open_runtime_or_report(options, exit_code);
  if (!runtime) return exit_code;
  auto collectors = make_collector_set(runtime->config, runtime->state, runtime->root);
  if (!collectors) return report(collectors.error());
  // The policy in force judges this snapshot too, and its section is part of it.
  auto policy = PolicyManager::open(runtime->config, runtime->state, (*collectors)->categories());
  if (!policy) return report(policy.error());
  SystemClock clock;
  auto in_force = (*policy)->effective(clock.now());
  if (!in_force) return report(in_force.error());
  (*collectors)->apply_policy(*in_force);
  (*collectors)->builder().add_collector((*policy)->make_collector());
  auto seq = runtime->state.next_seq();
  if (!seq) return report(seq.error());

  collectors::CollectContext context{runtime->root, clock};
  SnapshotHeader header{device_id_of(runtime->device_key), *seq, runtime->config.zone,
                        in_force->is_default ? std::nullopt : std::optional(in_force->policy.version)};
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
  int exit_code = kExitOk;
  auto runtime = open_runtime_or_report(options, exit_code);
  if (!runtime) return exit_code;
  std::cout << runtime->device_key.public_key().to_pem();
  return kExitOk;
}

int command_media_scan(const GlobalOptions& options, bool apply) {
  auto config = load_agent_config(options);
  if (!config) {
    std::cerr << "shouwei-agent: " << config.error().message << "\n";
    return kExitConfig;
  }
  std::optional<PublicKey> media_key;
  if (config->media_public_key) {
    auto key = PublicKey::load(*config->media_public_key);
    if (!key) return report(key.error());
    media_key.emplace(std::move(key).value());
  }
  RootFs root(options.root);
  return collectors::run_media_scan(root, config->zone, media_key ? &*media_key : nullptr,
                                    collectors::media::MediaRules{}, apply, std::cout);
}

int command_run(const GlobalOptions& options, bool once) {
  int exit_code = kExitOk;
  auto runtime = open_runtime_or_report(options, exit_code);
  if (!runtime) return exit_code;
  auto service = AgentService::create(*runtime);
  if (!service) return report(service.error());
  return once ? (*service)->run_once() : (*service)->run_forever();
}

}  // namespace shouwei::agent
