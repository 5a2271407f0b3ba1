// The compliance report as a CSV file that Excel and WPS open correctly with Chinese text:
// UTF-8 with a byte order mark, CRLF line ends, RFC 4180 quoting, bilingual headers.
#pragma once

#include <string>
#include <vector>

namespace shouwei::server {

struct ComplianceRow {
  std::string device_id;
  std::string hostname;
  std::string group;
  std::string zone;
  std::string last_seen;       // RFC 3339, or empty when never seen
  std::string policy_version;  // the applied policy's version, or empty when not reported
  std::string check_id;
  std::string title;
  std::string result;  // pass | fail | unknown
  std::string detail;
};

// One line per row after the header. Cells that a spreadsheet would run as a formula (leading
// = + - @, tab or carriage return) get a leading apostrophe: the report carries text chosen by
// the endpoints, and an endpoint must not be able to plant a formula in the officer's sheet.
std::string render_compliance_csv(const std::vector<ComplianceRow>& rows);

// One cell, quoted when RFC 4180 requires it, formula-guarded as above.
std::string csv_cell(std::string_view text);

}  // namespace shouwei::server
