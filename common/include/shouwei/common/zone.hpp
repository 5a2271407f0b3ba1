// The network zone a PC belongs to (regulations: 政务内网 / 政务外网 / 互联网). Policies, media tags and
// snapshots all name it.
#pragma once

#include <optional>
#include <string_view>

namespace shouwei {

enum class Zone { intranet, extranet, internet };

constexpr std::string_view to_string(Zone zone) noexcept {
  switch (zone) {
    case Zone::intranet: return "intranet";
    case Zone::extranet: return "extranet";
    case Zone::internet: return "internet";
  }
  return "internet";
}

constexpr std::optional<Zone> parse_zone(std::string_view text) noexcept {
  if (text == "intranet") return Zone::intranet;
  if (text == "extranet") return Zone::extranet;
  if (text == "internet") return Zone::internet;
  return std::nullopt;
}

}  // namespace shouwei
