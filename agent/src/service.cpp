#include "shouwei/agent/service.hpp"

#include <algorithm>
#include <mutex>
#include <random>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "shouwei/agent/device_identity.hpp"
#include "shouwei/agent/periodic_task.hpp"
#include "shouwei/agent/policy_source.hpp"
#include "shouwei/agent/media_watch.hpp"
#include "shouwei/common/exit_codes.hpp"

namespace shouwei::agent {

namespace {
constexpr std::string_view kEnrolledMeta = "enrolled_server";

// Where request_stop() finds the loop: the io_context of the run_forever() in progress, or a
// stop asked for before one started.
std::mutex g_stop_mutex;
boost::asio::io_context* g_running_loop = nullptr;
bool g_stop_pending = false;

void post_stop(boost::asio::io_context& io) {
  boost::asio::post(io, [&io] {
    spdlog::info("stop requested, stopping");
    io.stop();
  });
}

// Makes `io` the loop request_stop() stops, for its lifetime.
class StopTarget {
 public:
  explicit StopTarget(boost::asio::io_context& io) {
    std::lock_guard lock(g_stop_mutex);
    g_running_loop = &io;
    if (std::exchange(g_stop_pending, false)) post_stop(io);
  }
  StopTarget(const StopTarget&) = delete;
  StopTarget& operator=(const StopTarget&) = delete;
  ~StopTarget() {
    std::lock_guard lock(g_stop_mutex);
    g_running_loop = nullptr;
  }
};
}  // namespace

void request_stop() {
  std::lock_guard lock(g_stop_mutex);
  if (g_running_loop != nullptr) {
    post_stop(*g_running_loop);
  } else {
    g_stop_pending = true;
  }
}

Result<std::unique_ptr<AgentService>> AgentService::create(Runtime& runtime) {
  SHOUWEI_TRY(auto collectors, make_collector_set(runtime.config, runtime.state, runtime.root));
  SHOUWEI_TRY(auto outbox, Outbox::open(runtime.state.db(), runtime.config.outbox_max_bytes));
  std::optional<ServerLink> link;
  if (!runtime.config.server.url.empty()) {
    SHOUWEI_TRY(auto l, ServerLink::create(runtime.config.server));
    link.emplace(std::move(l));
  }
  SHOUWEI_TRY(auto policy, PolicyManager::open(runtime.config, runtime.state, collectors->categories()));
  collectors->builder().add_collector(policy->make_collector());
  std::unique_ptr<AgentService> service(new AgentService(runtime, std::move(collectors), std::move(outbox),
                                                         std::move(link), std::move(policy)));
  // The service's own listener, first: what the collectors judge by, and the snapshot interval.
  AgentService* self = service.get();
  service->policy_listeners_.add([self](const EffectivePolicy& in_force) {
    self->collectors_->apply_policy(in_force);
    self->policy_version_ = in_force.is_default ? std::nullopt : std::optional(in_force.policy.version);
    self->snapshot_interval_ = in_force.is_default ? self->runtime_.config.snapshot_interval
                                                   : std::chrono::seconds(in_force.policy.snapshot_interval_seconds);
    if (self->on_interval_change_) self->on_interval_change_(self->snapshot_interval_);
  });
  return service;
}

Result<void> AgentService::announce_policy() {
  SHOUWEI_TRY(auto in_force, policy_->effective(SystemClock().now()));
  if (in_force.is_default) {
    spdlog::info("policy: safe defaults in force (no signed policy applied)");
  } else {
    spdlog::info("policy: version {} in force{}", in_force.policy.version, in_force.expired ? " (expired)" : "");
  }
  policy_listeners_.notify(in_force);
  return {};
}

bool AgentService::enrolled() const {
  auto enrolled = runtime_.state.get_meta(kEnrolledMeta);
  return enrolled && *enrolled && **enrolled == runtime_.config.server.url;
}

bool AgentService::poll_policy() {
  if (!link_ || !enrolled()) return false;
  ServerPolicySource source(*link_, runtime_.device_key);
  const TimePoint now = SystemClock().now();
  PollOutcome outcome = policy_->poll(source, now);
  if (outcome.reenroll) (void)runtime_.state.set_meta(kEnrolledMeta, "");
  if (outcome.error) spdlog::warn("{}", *outcome.error);
  if (outcome.applied) {
    if (auto announced = announce_policy(); !announced) spdlog::error("policy: {}", announced.error().message);
  }
  return true;
}

Result<void> AgentService::ensure_enrolled(const boost::json::object& inventory) {
  if (!link_) return {};
  SHOUWEI_TRY(auto enrolled, runtime_.state.get_meta(kEnrolledMeta));
  if (enrolled && *enrolled == runtime_.config.server.url) return {};
  SHOUWEI_TRY(auto enrollment, link_->enroll(runtime_.config.server.enroll_secret,
                                             runtime_.device_key.public_key(), inventory));
  SHOUWEI_TRY_VOID(policy_->set_device_group(enrollment.group));
  SHOUWEI_TRY_VOID(runtime_.state.set_meta(kEnrolledMeta, runtime_.config.server.url));
  spdlog::info("enrolled with {} as device {} (group '{}')", runtime_.config.server.url,
               enrollment.device_id, enrollment.group);
  return {};
}

Result<std::int64_t> AgentService::take_snapshot() {
  SHOUWEI_TRY(auto seq, runtime_.state.next_seq());
  SystemClock clock;
  collectors::CollectContext context{runtime_.root, clock};
  SnapshotHeader header{device_id_of(runtime_.device_key), seq, runtime_.config.zone, policy_version_};
  auto& builder = collectors_->builder();
  auto payload = builder.build(context, header);
  if (const auto* inv = payload.if_contains("inventory"); inv && inv->is_object()) {
    last_inventory_ = inv->get_object();
  }
  SHOUWEI_TRY(auto signed_snapshot, sign_snapshot(payload, runtime_.device_key));
  auto markers = boost::json::serialize(builder.ack_markers());
  SHOUWEI_TRY_VOID(outbox_.enqueue(seq, signed_snapshot.envelope_json, markers, clock.now()));
  spdlog::info("snapshot {} queued ({} bytes)", seq, signed_snapshot.envelope_json.size());
  return seq;
}

DrainReport AgentService::drain() {
  DrainReport report;
  auto finish = [&] {
    auto stats = outbox_.stats();
    report.remaining = stats ? stats->queued : -1;
    return report;
  };
  if (!link_) {
    report.last_error = "no server configured";
    return finish();
  }
  if (auto enrolled = ensure_enrolled(last_inventory_); !enrolled) {
    report.last_error = enrolled.error().message;
    return finish();
  }
  for (;;) {
    auto next = outbox_.oldest();
    if (!next) {
      report.last_error = next.error().message;
      break;
    }
    if (!next->has_value()) break;
    const OutboxEntry& entry = **next;
    UploadOutcome outcome = link_->upload(entry.envelope_json);
    switch (outcome.verdict) {
      case UploadVerdict::acknowledged: {
        boost::system::error_code ec;
        auto markers = boost::json::parse(entry.ack_markers, ec);
        if (!ec && markers.is_object()) {
          if (auto r = collectors_->builder().acknowledge(markers.get_object()); !r) {
            spdlog::error("acknowledging records of snapshot {}: {}", entry.seq, r.error().message);
          }
        }
        if (auto r = outbox_.remove(entry.id); !r) {
          report.last_error = r.error().message;
          return finish();
        }
        ++report.acknowledged;
        continue;
      }
      case UploadVerdict::rejected:
        // The server will never take it (e.g. 409: its seq was used by another envelope); keeping
        // it would block every later snapshot.
        spdlog::error("server rejected snapshot {} (HTTP {}): {}; dropping it", entry.seq, outcome.status,
                      outcome.detail);
        (void)outbox_.remove(entry.id);
        ++report.rejected;
        continue;
      case UploadVerdict::reenroll:
        spdlog::warn("server refused device (HTTP {}): {}; will enroll again", outcome.status, outcome.detail);
        (void)runtime_.state.set_meta(kEnrolledMeta, "");
        break;
      case UploadVerdict::retry:
        spdlog::warn("upload of snapshot {} failed: {}", entry.seq, outcome.detail);
        break;
    }
    (void)outbox_.record_failure(entry.id, outcome.detail);
    report.last_error = outcome.detail;
    break;
  }
  return finish();
}

int AgentService::run_once() {
  if (auto announced = announce_policy(); !announced) {
    spdlog::error("policy: {}", announced.error().message);
    return exit_code_for(announced.error().code);
  }
  const bool polled = poll_policy();
  auto seq = take_snapshot();
  if (!seq) {
    spdlog::error("{}", seq.error().message);
    return exit_code_for(seq.error().code);
  }
  auto report = drain();
  if (!polled) poll_policy();  // just enrolled: the policy applies from the next cycle
  if (report.rejected > 0) {
    spdlog::error("{} snapshot(s) rejected by the server", report.rejected);
    return kExitFailure;
  }
  if (report.remaining != 0) {
    spdlog::error("{} snapshot(s) left unsent: {}", report.remaining, report.last_error.value_or("unknown error"));
    return kExitPending;
  }
  spdlog::info("cycle done: {} snapshot(s) acknowledged", report.acknowledged);
  return kExitOk;
}

std::chrono::milliseconds AgentService::backoff(int failures) {
  using namespace std::chrono;
  const milliseconds base = 5s;
  const milliseconds cap = 15min;
  milliseconds delay = cap;
  if (failures < 20) {
    delay = std::min<milliseconds>(cap, base * (std::int64_t{1} << std::max(0, failures - 1)));
  }
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return milliseconds(static_cast<long long>(static_cast<double>(delay.count()) * jitter(rng)));
}

int AgentService::run_forever() {
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer upload_timer(io);
  int failures = 0;

  std::function<void()> schedule_upload;
  auto try_upload = [&] {
    auto report = drain();
    if (report.remaining > 0) {
      ++failures;
      schedule_upload();
    } else {
      failures = 0;
    }
  };
  schedule_upload = [&] {
    auto delay = backoff(failures);
    spdlog::info("next upload attempt in {} s", delay.count() / 1000);
    upload_timer.expires_after(delay);
    upload_timer.async_wait([&](boost::system::error_code ec) {
      if (!ec) try_upload();
    });
  };
  bool polled_once = false;
  PeriodicTask<std::chrono::steady_clock> policy_poll(io, runtime_.config.server.policy_poll_interval, [&] {
    polled_once = poll_policy() || polled_once;
  });
  PeriodicTask<std::chrono::steady_clock> snapshots(io, snapshot_interval_, [&] {
    if (auto seq = take_snapshot(); !seq) spdlog::error("snapshot failed: {}", seq.error().message);
    upload_timer.cancel();
    try_upload();
    if (!polled_once) polled_once = poll_policy();  // first enrollment: no need to wait a poll interval
  });
  auto tick = [&] { snapshots.run_now(); };
  on_interval_change_ = [&](std::chrono::seconds interval) {
    spdlog::info("snapshot interval now {} s", interval.count());
    snapshots.set_interval(interval);
  };
  signals.async_wait([&](boost::system::error_code, int signo) {
    spdlog::info("signal {} received, stopping", signo);
    io.stop();
  });
  const StopTarget stop_target(io);
  // The media gate decides on its own thread (uploads block this one); a decision asks for a
  // snapshot and upload right away. Declared after io, so it is stopped before io goes away;
  // subscribed to the policy before the listeners are notified.
  auto media_watch = start_agent_media_watch(runtime_, policy_listeners_, io, [&] { tick(); });
  if (auto announced = announce_policy(); !announced) {
    spdlog::error("policy: {}", announced.error().message);
    on_interval_change_ = nullptr;
    return exit_code_for(announced.error().code);
  }
  spdlog::info("shouwei-agent {} running: device {}, zone {}, snapshot every {} s", SHOUWEI_VERSION,
               device_id_of(runtime_.device_key), to_string(runtime_.config.zone),
               snapshot_interval_.count());
  policy_poll.start();
  snapshots.start();
  io.run();
  on_interval_change_ = nullptr;
  return kExitOk;
}

}  // namespace shouwei::agent
