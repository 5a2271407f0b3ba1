// Builds the snapshot payload (shouwei.snapshot/v1) from the collectors and signs it.
// Canonical JSON (RFC 8785) is the byte form that is signed; docs/snapshot.md is the schema.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "shouwei/collectors/collector.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/zone.hpp"

namespace shouwei::agent {

inline constexpr std::string_view kSnapshotSchema = "shouwei.snapshot/v1";

struct SnapshotHeader {
  std::string device_id;
  std::int64_t seq = 0;
  Zone zone = Zone::intranet;
  std::optional<std::int64_t> policy_version;  // null until a signed policy is applied
};

// Judges the collected sections; returns the "compliance" section.
using ComplianceEvaluator =
    std::function<boost::json::object(const boost::json::object& payload, TimePoint now)>;

class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(std::vector<std::unique_ptr<collectors::Collector>> collectors,
                           ComplianceEvaluator compliance = {});

  // Appends a collector after those given to the constructor (the agent's own sections, such
  // as "policy", whose owners are created after the fact families).
  void add_collector(std::unique_ptr<collectors::Collector> collector) {
    collectors_.push_back(std::move(collector));
  }

  // Runs every collector in order. A collector that fails (or throws) yields
  // {"error": "..."} for its section; the payload is always produced.
  boost::json::object build(const collectors::CollectContext& context, const SnapshotHeader& header) const;

  // {section: marker} of what the last build() included from local stores (see
  // Collector::ack_marker); queued with the snapshot.
  boost::json::object ack_markers() const;
  // Passes each marker to its collector once the server acknowledged the snapshot.
  Result<void> acknowledge(const boost::json::object& markers);

 private:
  std::vector<std::unique_ptr<collectors::Collector>> collectors_;
  ComplianceEvaluator compliance_;
};

struct SignedSnapshot {
  std::string payload;       // canonical JSON bytes that were signed
  dsse::Envelope envelope;
  std::string envelope_json; // dsse::serialize(envelope)
};

Result<SignedSnapshot> sign_snapshot(const boost::json::object& payload, const PrivateKey& key);

}  // namespace shouwei::agent
