#include <algorithm>
#include <array>
#include <cmath>

#include <boost/json.hpp>

#include "product_record.hpp"
#include "shouwei/collectors/antivirus/antivirus_collector.hpp"
#include "shouwei/collectors/antivirus/cvd_header.hpp"

namespace shouwei::collectors::antivirus {
namespace json = boost::json;
namespace {

// Where distributions put ClamAV's configuration (Debian/Ubuntu, RHEL/openEuler, source builds).
constexpr std::array<std::string_view, 6> kConfigFiles = {
    "/etc/clamav/freshclam.conf", "/etc/clamav/clamd.conf",        "/etc/freshclam.conf",
    "/etc/clamd.d/scan.conf",     "/usr/local/etc/freshclam.conf", "/usr/local/etc/clamd.conf"};
constexpr std::string_view kDefaultDatabaseDirectory = "/var/lib/clamav";
constexpr std::size_t kMaxConfigBytes = 1u << 20;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

struct Database {
  std::string name, file;
  std::optional<CvdHeader> header;
  std::string error;
};

// main/daily/bytecode as .cld (after incremental updates) or .cvd; the higher version wins
// when both are present.
std::optional<Database> read_database(AvProducts& host, const std::string& dir,
                                      const std::string& name) {
  std::optional<Database> best;
  for (const char* ext : {".cld", ".cvd"}) {
    std::string path = dir + "/" + name + ext;
    auto head = host.read_head(path, kCvdHeaderBytes);
    if (!head && head.error().code == Errc::not_found) continue;
    Database db{name, path, std::nullopt, {}};
    if (!head) {
      db.error = head.error().message;
    } else if (auto parsed = parse_cvd_header(*head)) {
      db.header = std::move(*parsed);
    } else {
      db.error = path + ": " + parsed.error().message;
    }
    if (!best || (db.header && (!best->header || db.header->version > best->header->version)))
      best = std::move(db);
  }
  return best;
}

double hours_between(TimePoint from, TimePoint to) {
  return std::chrono::duration<double, std::ratio<3600>>(to - from).count();
}

}  // namespace

std::optional<std::string> clamav_database_directory(std::string_view text) {
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line.front() == '#') continue;
    std::size_t sep = line.find_first_of(" \t");
    if (sep == std::string_view::npos || line.substr(0, sep) != "DatabaseDirectory") continue;
    std::string_view value = trim(line.substr(sep));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (!value.empty()) return std::string(value);
  }
  return std::nullopt;
}

std::optional<json::object> detect_clamav(AvProducts& host,
                                          const std::vector<std::string>* processes,
                                          const AntivirusConfig& config, TimePoint now,
                                          json::array& warnings) {
  bool configured = false;
  std::string dir(kDefaultDatabaseDirectory);
  for (std::string_view conf : kConfigFiles) {
    auto text = host.read_text(conf, kMaxConfigBytes);
    if (!text) {
      if (text.error().code != Errc::not_found)
        warnings.push_back(json::string(text.error().message));
      continue;
    }
    configured = true;
    if (auto d = clamav_database_directory(*text)) {
      dir = *d;
      break;
    }
  }
  std::vector<Database> dbs;
  for (const char* name : {"main", "daily", "bytecode"}) {
    if (auto db = read_database(host, dir, name)) dbs.push_back(std::move(*db));
  }
  std::optional<bool> clamd, freshclam, clamonacc;
  if (processes) {
    clamd = process_running(*processes, "clamd");
    freshclam = process_running(*processes, "freshclam");
    clamonacc = process_running(*processes, "clamonacc");
  }
  if (!configured && dbs.empty() && !clamd.value_or(false) && !freshclam.value_or(false))
    return std::nullopt;

  ProductFacts facts{"ClamAV", "clamav", std::nullopt, std::nullopt, std::nullopt};
  if (clamd && clamonacc) facts.realtime = *clamd && *clamonacc;
  json::array databases;
  const Database* daily = nullptr;
  const Database* main = nullptr;
  for (const auto& db : dbs) {
    json::object o{{"name", db.name}, {"file", db.file}};
    if (db.header) {
      const auto& h = *db.header;
      o["version"] = h.version;
      o["signatures"] = h.signatures;
      o["functionality_level"] = h.functionality_level;
      o["build_time"] = format_rfc3339(h.build_time);
      o["age_hours"] = std::round(hours_between(h.build_time, now) * 10) / 10;
      o["future"] = h.build_time > now + kFutureTolerance;
      if (!facts.signature_time || *facts.signature_time < h.build_time)
        facts.signature_time = h.build_time;
      if (db.name == "daily") daily = &db;
      if (db.name == "main") main = &db;
    } else {
      o["error"] = db.error;
      warnings.push_back(json::string(db.error));
    }
    databases.push_back(std::move(o));
  }
  if (const Database* v = daily ? daily : main)
    facts.signature_version = std::to_string(v->header->version);
  if (dbs.empty()) {
    facts.signatures_missing = true;
    warnings.push_back(json::string(dir + ": no main, daily or bytecode database (.cvd/.cld)"));
  }
  json::object record = product_record(facts, now, config.max_signature_age_hours);
  record["database_directory"] = dir;
  record["databases"] = std::move(databases);
  record["clamd_running"] = clamd ? json::value(*clamd) : json::value(nullptr);
  record["freshclam_running"] = freshclam ? json::value(*freshclam) : json::value(nullptr);
  record["clamonacc_running"] = clamonacc ? json::value(*clamonacc) : json::value(nullptr);
  return record;
}

}  // namespace shouwei::collectors::antivirus
