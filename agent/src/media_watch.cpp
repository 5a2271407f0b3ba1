#include "shouwei/agent/media_watch.hpp"

#include <atomic>
#include <chrono>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "shouwei/collectors/media/policy_rules.hpp"

namespace shouwei::agent {
namespace {

namespace media = collectors::media;
namespace usb = collectors::usb;
using Ms = std::chrono::duration<double, std::milli>;

bool is_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// "<bus>-<port chain>:<configuration>.<interface>", e.g. "1-1.2:1.0".
bool is_interface_name(std::string_view name) {
  const auto dash = name.find('-');
  const auto colon = name.find(':');
  if (dash == std::string_view::npos || colon == std::string_view::npos || colon < dash) {
    return false;
  }
  const auto ports = name.substr(dash + 1, colon - dash - 1);
  const auto config = name.substr(colon + 1);
  const auto dot = config.find('.');
  return is_digits(name.substr(0, dash)) && !ports.empty() &&
         ports.find_first_not_of("0123456789.") == std::string_view::npos &&
         dot != std::string_view::npos && is_digits(config.substr(0, dot)) &&
         is_digits(config.substr(dot + 1));
}

void log_decision(const media::MediaEvent& e, Ms elapsed) {
  spdlog::info("media gate: {} ({}) {} reason {} tag {} zone {} media id {}, {} in {:.1f} ms{}{}",
               e.disk.value_or("?"), e.bus_path, media::to_string(e.decision.action),
               media::to_string(e.decision.reason), media::to_string(e.tag_status),
               e.tag_zone ? std::string(to_string(*e.tag_zone)) : "-", e.tag_media_id.value_or("-"),
               e.applied ? "applied" : "not applied", elapsed.count(), e.apply_error ? ": " : "",
               e.apply_error.value_or(""));
}

}  // namespace

std::string usb_device_devpath_of(std::string_view devpath) {
  std::size_t end = devpath.size();
  while (end > 0) {
    const std::size_t slash = devpath.rfind('/', end - 1);
    if (slash == std::string_view::npos) break;
    if (is_interface_name(devpath.substr(slash + 1, end - slash - 1))) {
      return std::string(devpath.substr(0, slash));
    }
    end = slash;
  }
  return {};
}

MediaWatchCore::MediaWatchCore(media::MediaPorts& ports, media::MediaEventStore& media_store,
                               usb::UsbEventStore& usb_store, const Clock& clock,
                               media::GateSettings settings)
    : ports_(ports),
      recorder_(*ports.bus, usb_store, clock),
      clock_(clock),
      settings_(settings),
      gate_(*ports.opener, *ports.gate, clock, std::move(settings), &media_store) {}

void MediaWatchCore::decide(const usb::UsbDevice& device, Outcome& out) {
  const auto started = std::chrono::steady_clock::now();
  auto outcome = gate_.handle(device);
  if (!outcome) {
    // The action was taken; only the record failed (disk full...). Said loudly, not retried.
    spdlog::error("media gate: {}: {}", device.bus_path, outcome.error().message);
    return;
  }
  if (!*outcome) return;
  const media::MediaEvent& e = (**outcome).event;
  log_decision(e, std::chrono::steady_clock::now() - started);
  Decided& d = decided_[usb::devpath_of(device)];
  for (const auto& disk : device.block_devices) d.disks.insert(disk.name);
  d.in_force = e.applied ? e.decision.action : media::MediaAction::allow;
  out.recorded = out.recorded || e.id != 0;
  out.decisions.push_back(e);
}

MediaWatchCore::Outcome MediaWatchCore::scan() {
  Outcome out;
  auto devices = ports_.bus->devices();
  if (!devices) {
    spdlog::error("media gate: cannot list USB devices: {}", devices.error().message);
    return out;
  }
  recorder_.prime(*devices);
  for (const auto& device : *devices) {
    if (!device.is_mass_storage() || device.block_devices.empty()) continue;
    const auto it = decided_.find(usb::devpath_of(device));
    bool known = it != decided_.end();
    for (const auto& disk : device.block_devices) {
      known = known && it->second.disks.count(disk.name) != 0;
    }
    if (!known) decide(device, out);
  }
  return out;
}

MediaWatchCore::Outcome MediaWatchCore::on_uevent(const usb::Uevent& uevent) {
  Outcome out;
  const auto subsystem = uevent.get("SUBSYSTEM").value_or("");
  const auto devtype = uevent.get("DEVTYPE").value_or("");
  const std::string owner = usb_device_devpath_of(uevent.devpath);
  // The decision first: recording the event may wait for the database.
  if (subsystem == "block" && devtype == "disk" && !owner.empty()) {
    const std::string disk(uevent.devpath.substr(uevent.devpath.rfind('/') + 1));
    const bool media_change =
        uevent.action == "change" && uevent.get("DISK_MEDIA_CHANGE").value_or("") == "1";
    if (uevent.action == "remove") {
      if (auto it = decided_.find(owner); it != decided_.end()) it->second.disks.erase(disk);
    } else if (uevent.action == "add" || media_change) {
      const auto it = decided_.find(owner);
      if (media_change || it == decided_.end() || it->second.disks.count(disk) == 0) {
        if (auto device = ports_.bus->device_at(owner)) {
          decide(*device, out);
        } else {
          spdlog::warn("media gate: disk {} appeared but its USB device is gone: {}", disk,
                       device.error().message);
        }
      }
    }
  } else if (subsystem == "usb" && devtype == "usb_device" && uevent.action == "remove") {
    decided_.erase(uevent.devpath);  // the next device on this port is another one
  }
  // Stored for the next snapshot; only decisions ask for one right away.
  if (auto recorded = recorder_.handle(uevent); !recorded) {
    spdlog::error("usb events: {}", recorded.error().message);
  }
  return out;
}

MediaWatchCore::Outcome MediaWatchCore::set_rules(media::MediaRules rules) {
  Outcome out;
  settings_.rules = rules;
  gate_.set_rules(std::move(rules));
  if (decided_.empty()) return out;
  auto devices = ports_.bus->devices();
  if (!devices) {
    spdlog::error("media gate: cannot list USB devices: {}", devices.error().message);
    return out;
  }
  // What the new rules would do, without acting or recording.
  media::MediaGate preview(*ports_.opener, *ports_.gate, clock_, settings_, nullptr);
  for (const auto& device : *devices) {
    const auto it = decided_.find(usb::devpath_of(device));
    if (it == decided_.end()) continue;
    auto would = preview.handle(device, false);
    if (!would || !*would) continue;
    const media::MediaAction wanted = settings_.rules.mode == media::EnforcementMode::enforce
                                          ? (**would).event.decision.action
                                          : media::MediaAction::allow;
    if (media::stricter(wanted, it->second.in_force) != it->second.in_force) {
      decide(device, out);
    }
  }
  return out;
}

// --- MediaWatch ---

MediaWatch::MediaWatch(Options options, sqlite::Database db)
    : options_(std::move(options)), db_(std::move(db)) {}

Result<std::unique_ptr<MediaWatch>> MediaWatch::start(Options options) {
  SHOUWEI_TRY(auto db, sqlite::Database::open(options.state_db));
  std::unique_ptr<MediaWatch> watch(new MediaWatch(std::move(options), std::move(db)));
  SHOUWEI_TRY(auto media_store, media::MediaEventStore::open(watch->db_));
  watch->media_store_.emplace(std::move(media_store));
  SHOUWEI_TRY(auto usb_store, usb::UsbEventStore::open(watch->db_));
  watch->usb_store_.emplace(std::move(usb_store));
  const PublicKey* key = watch->options_.media_key ? &*watch->options_.media_key : nullptr;
  watch->core_ = std::make_unique<MediaWatchCore>(
      watch->options_.ports, *watch->media_store_, *watch->usb_store_, watch->clock_,
      media::GateSettings{watch->options_.zone, key, watch->options_.rules});
  MediaWatch* self = watch.get();
  auto deliver = [self](MediaWatchCore::Outcome out) {
    if (out.recorded && self->options_.wake) self->options_.wake();
  };
  // Subscribed before the scan, so a stick plugged in between is seen by one or the other
  // (the core decides each device once).
  SHOUWEI_TRY_VOID(watch->options_.ports.events->start(
      watch->io_, [self, deliver](const usb::Uevent& u) { deliver(self->core_->on_uevent(u)); },
      [self](const Error& e) { self->on_error(e); }));
  boost::asio::post(watch->io_, [self, deliver] {
    auto out = self->core_->scan();
    spdlog::info("media gate: watching USB devices ({} decided at start)", out.decisions.size());
    deliver(std::move(out));
  });
  watch->thread_ = std::thread([self] {
    auto guard = boost::asio::make_work_guard(self->io_);
    self->io_.run();
  });
  return watch;
}

void MediaWatch::on_error(const Error& error) {
  if (error.code == Errc::unavailable) {
    // The kernel dropped events: a device may have appeared unseen.
    spdlog::warn("media gate: {}; rescanning", error.message);
    auto out = core_->scan();
    if (out.recorded && options_.wake) options_.wake();
  } else if (error.code == Errc::io) {
    spdlog::error("media gate: {}; devices plugged from now on are not decided", error.message);
  } else {
    spdlog::warn("media gate: {}", error.message);
  }
}

void MediaWatch::set_rules(media::MediaRules rules) {
  boost::asio::post(io_, [this, rules = std::move(rules)]() mutable {
    auto out = core_->set_rules(std::move(rules));
    if (out.recorded && options_.wake) options_.wake();
  });
}

void MediaWatch::stop() {
  if (!thread_.joinable()) return;
  // The source is stopped on the watch's thread (its handlers run there), then the loop ends.
  boost::asio::post(io_, [this] {
    options_.ports.events->stop();
    io_.stop();
  });
  thread_.join();
}

MediaWatch::~MediaWatch() {
  stop();
}

std::shared_ptr<MediaWatch> start_agent_media_watch(Runtime& runtime, PolicyListeners& listeners,
                                                    boost::asio::io_context& service_io,
                                                    std::function<void()> on_decision) {
  MediaWatch::Options options;
  options.ports = media::make_platform_media_ports(runtime.root);
  options.state_db = runtime.state.db().path();
  options.zone = runtime.config.zone;
  if (runtime.config.media_public_key) {
    if (auto key = PublicKey::load(*runtime.config.media_public_key)) {
      options.media_key.emplace(std::move(key).value());
    } else {
      // Tags then read as unverified: treated as unregistered, at least read-only.
      spdlog::error("media gate: media_public_key: {}", key.error().message);
    }
  }
  auto pending = std::make_shared<std::atomic<bool>>(false);
  options.wake = [&service_io, pending, on_decision = std::move(on_decision)] {
    if (pending->exchange(true)) return;
    boost::asio::post(service_io, [pending, on_decision] {
      pending->store(false);
      on_decision();
    });
  };
  auto watch = MediaWatch::start(std::move(options));
  if (!watch) {
    spdlog::error("media gate not running: {}", watch.error().message);
    return nullptr;
  }
  std::shared_ptr<MediaWatch> shared(std::move(watch).value());
  listeners.add([weak = std::weak_ptr<MediaWatch>(shared)](const EffectivePolicy& policy) {
    if (auto w = weak.lock()) w->set_rules(media::media_rules_from_policy(policy.policy.media));
  });
  return shared;
}

}  // namespace shouwei::agent
