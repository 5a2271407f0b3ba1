#include "shouwei/server/compliance_csv.hpp"

#include <array>

namespace shouwei::server {

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::array<std::string_view, 10> kHeader = {
    "终端ID / Device ID", "主机名 / Hostname",          "分组 / Group",
    "区域 / Zone",        "最后上报 / Last seen (UTC)", "策略版本 / Policy version",
    "检查项 / Check ID",  "检查名称 / Check title",     "结果 / Result",
    "详情 / Detail"};

std::string_view result_label(std::string_view result) {
  if (result == "pass") return "合规 / pass";
  if (result == "fail") return "不合规 / fail";
  return "未知 / unknown";
}
}  // namespace

std::string csv_cell(std::string_view text) {
  std::string value;
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    value = "'";
  }
  value += text;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string render_compliance_csv(const std::vector<ComplianceRow>& rows) {
  std::string out(kBom);
  auto line = [&out](const auto& cells) {
    bool first = true;
    for (const auto& c : cells) {
      if (!first) out += ',';
      first = false;
      out += csv_cell(c);
    }
    out += "\r\n";
  };
  line(kHeader);
  for (const auto& r : rows) {
    std::array<std::string_view, 10> cells = {r.device_id, r.hostname,  r.group,
                                              r.zone,      r.last_seen, r.policy_version,
                                              r.check_id,  r.title,     result_label(r.result),
                                              r.detail};
    line(cells);
  }
  return out;
}

}  // namespace shouwei::server
