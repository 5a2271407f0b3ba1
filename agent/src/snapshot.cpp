#include "shouwei/agent/snapshot.hpp"

#include <exception>

#include <spdlog/spdlog.h>

#include "shouwei/agent/version.hpp"
#include "shouwei/common/canonical_json.hpp"

namespace shouwei::agent {

SnapshotBuilder::SnapshotBuilder(std::vector<std::unique_ptr<collectors::Collector>> collectors,
                                 ComplianceEvaluator compliance)
    : collectors_(std::move(collectors)), compliance_(std::move(compliance)) {}

namespace {
boost::json::object error_section(std::string message) {
  boost::json::object section;
  section["error"] = std::move(message);
  return section;
}
}  // namespace

boost::json::object SnapshotBuilder::build(const collectors::CollectContext& context,
                                           const SnapshotHeader& header) const {
  boost::json::object payload;
  payload["schema"] = kSnapshotSchema;
  payload["device_id"] = header.device_id;
  payload["seq"] = header.seq;
  payload["taken_at"] = format_rfc3339(context.clock.now());
  payload["agent_version"] = agent_version();
  if (header.policy_version) {
    payload["policy_version"] = *header.policy_version;
  } else {
    payload["policy_version"] = nullptr;
  }
  payload["zone"] = to_string(header.zone);

  for (const auto& collector : collectors_) {
    const std::string name(collector->section());
    // A collector is third-party-format parsing at heart; whatever it does, the snapshot goes out.
    try {
      auto section = collector->collect(context);
      if (section) {
        payload[name] = std::move(section).value();
      } else {
        spdlog::warn("{} collector failed: {}", name, section.error().message);
        payload[name] = error_section(section.error().message);
      }
    } catch (const std::exception& e) {
      spdlog::error("{} collector threw: {}", name, e.what());
      payload[name] = error_section(std::string("collector failed unexpectedly: ") + e.what());
    }
  }
  if (compliance_) {
    try {
      payload["compliance"] = compliance_(payload, context.clock.now());
    } catch (const std::exception& e) {
      payload["compliance"] = error_section(std::string("compliance evaluation failed: ") + e.what());
    }
  }
  return payload;
}

boost::json::object SnapshotBuilder::ack_markers() const {
  boost::json::object markers;
  for (const auto& collector : collectors_) {
    if (auto marker = collector->ack_marker()) markers[collector->section()] = *marker;
  }
  return markers;
}

Result<void> SnapshotBuilder::acknowledge(const boost::json::object& markers) {
  for (const auto& collector : collectors_) {
    const auto* marker = markers.if_contains(collector->section());
    if (marker != nullptr && marker->is_string()) {
      SHOUWEI_TRY_VOID(collector->acknowledge(marker->get_string()));
    }
  }
  return {};
}

Result<SignedSnapshot> sign_snapshot(const boost::json::object& payload, const PrivateKey& key) {
  SignedSnapshot out;
  SHOUWEI_TRY(out.payload, json::canonicalize(boost::json::value(payload)));
  SHOUWEI_TRY(out.envelope, dsse::sign(dsse::kSnapshotPayloadType, out.payload, key));
  out.envelope_json = dsse::serialize(out.envelope);
  return out;
}

}  // namespace shouwei::agent
