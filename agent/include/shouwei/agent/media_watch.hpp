// The live media gate of `shouwei-agent run` (issue #7, docs/media-gate.md).
//
// MediaWatchCore is the logic, single-threaded and driven by calls (tests feed it uevents):
//  - scan(): at start, a decision for every USB storage device present. A device the agent
//    blocked earlier has `authorized` 0, hence no interface and no disk: it is skipped, so a
//    restart never re-authorizes it (the agent never writes "1").
//  - on_uevent(): a disk appearing below a USB device (block "add", or "change" with
//    DISK_MEDIA_CHANGE=1 for a card put into a reader) gets its device decided at once, before
//    anything else is done with the event; then USB events are recorded (UsbEventRecorder).
//    A device is decided once per set of disks: the disk events of a multi-LUN reader do not
//    repeat decisions.
//  - set_rules(): a new policy's rules. Devices present are re-decided when the new rules are
//    stricter for them (e.g. unregistered: read_only -> block, audit -> enforce); a looser rule
//    applies from the next plug (a read-only disk is never made writable again).
//
// MediaWatch runs a core on its own thread and io_context, so a decision never waits for the
// service thread (which blocks in uploads). Each recorded decision calls `wake` on that thread.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "shouwei/agent/policy_listeners.hpp"
#include "shouwei/agent/runtime.hpp"
#include "shouwei/collectors/media/media_gate.hpp"
#include "shouwei/collectors/media/media_ports.hpp"
#include "shouwei/collectors/usb/usb_event_recorder.hpp"
#include "shouwei/collectors/usb/usb_event_store.hpp"
#include "shouwei/common/sqlite.hpp"

namespace shouwei::agent {

// The devpath of the USB device a block device (or interface) sits under: the path before the
// last interface component ("1-1.2:1.0"); "" when there is none (vda, loop0, nvme0n1).
std::string usb_device_devpath_of(std::string_view devpath);

class MediaWatchCore {
 public:
  // REQUIRES: ports.bus/opener/gate, both stores and clock outlive the core; settings.media_key
  // too.
  MediaWatchCore(collectors::media::MediaPorts& ports, collectors::media::MediaEventStore& media,
                 collectors::usb::UsbEventStore& usb, const Clock& clock,
                 collectors::media::GateSettings settings);

  // What one call decided (in order) and whether a decision was stored (the service should then
  // snapshot and upload).
  struct Outcome {
    std::vector<collectors::media::MediaEvent> decisions;
    bool recorded = false;
  };

  Outcome scan();
  Outcome on_uevent(const collectors::usb::Uevent& uevent);
  Outcome set_rules(collectors::media::MediaRules rules);

 private:
  struct Decided {
    std::set<std::string> disks;
    collectors::media::MediaAction in_force = collectors::media::MediaAction::allow;
  };
  void decide(const collectors::usb::UsbDevice& device, Outcome& out);

  collectors::media::MediaPorts& ports_;
  collectors::usb::UsbEventRecorder recorder_;
  const Clock& clock_;
  collectors::media::GateSettings settings_;
  collectors::media::MediaGate gate_;
  std::map<std::string, Decided, std::less<>> decided_;  // by USB device devpath
};

class MediaWatch {
 public:
  struct Options {
    collectors::media::MediaPorts ports;
    std::filesystem::path state_db;  // the agent's state.db; the watch opens its own connection
    Zone zone = Zone::intranet;
    std::optional<PublicKey> media_key;
    collectors::media::MediaRules rules;
    std::function<void()> wake;  // called on the watch's thread after decisions were stored
  };

  // Opens the database, subscribes to device events, then (on the new thread) decides for every
  // device present. Fails when the database or the event source cannot be opened.
  static Result<std::unique_ptr<MediaWatch>> start(Options options);
  ~MediaWatch();
  MediaWatch(const MediaWatch&) = delete;
  MediaWatch& operator=(const MediaWatch&) = delete;

  // Thread-safe: the rules are handed to the watch's thread.
  void set_rules(collectors::media::MediaRules rules);
  // Stops the event source and joins the thread. Idempotent.
  void stop();

 private:
  MediaWatch(Options options, sqlite::Database db);
  void on_error(const Error& error);

  Options options_;
  SystemClock clock_;
  sqlite::Database db_;
  std::optional<collectors::media::MediaEventStore> media_store_;
  std::optional<collectors::usb::UsbEventStore> usb_store_;
  std::unique_ptr<MediaWatchCore> core_;
  boost::asio::io_context io_;
  std::thread thread_;
};

// The agent's wiring for run_forever: loads the media key named by the config, starts the watch
// with safe default rules, subscribes it to the policy (listeners), and makes each decision ask
// the service for a snapshot and upload: on_decision is posted to service_io, at most one
// pending at a time. Returns null (after logging why) when the watch cannot start; the udev
// rule then keeps USB disks away from the desktop (fail closed). REQUIRES: runtime and
// service_io outlive the returned watch; destroy it before service_io.
std::shared_ptr<MediaWatch> start_agent_media_watch(Runtime& runtime, PolicyListeners& listeners,
                                                    boost::asio::io_context& service_io,
                                                    std::function<void()> on_decision);

}  // namespace shouwei::agent
