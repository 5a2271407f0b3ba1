// Windows: Microsoft Defender's own status and Windows Security Center's products, merged
// with the descriptor-based records they describe.
#include <algorithm>

#include <boost/json.hpp>

#include "product_record.hpp"
#include "shouwei/collectors/json_text.hpp"

namespace shouwei::collectors::antivirus {
namespace json = boost::json;
namespace {

constexpr std::string_view kDefenderName = "Microsoft Defender Antivirus";
// Defender registers with Security Center under this pseudo path instead of an executable.
constexpr std::string_view kDefenderPath = "windowsdefender://";

json::value opt(const std::optional<bool>& b) {
  return b ? json::value(*b) : json::value(nullptr);
}

template <typename T>
json::object source_status(const Result<T>& r) {
  return json::object{{"answered", r.ok()},
                      {"error", r.ok() ? json::value(nullptr) : json::value(r.error().message)}};
}

bool is_defender(const SecurityCenterProduct& p) {
  return p.path_to_signed_product_exe.rfind(kDefenderPath, 0) == 0;
}

json::object defender_record(const DefenderStatus& d, TimePoint now, double max_age_hours) {
  ProductFacts facts{std::string(kDefenderName), "defender", d.signature_version, std::nullopt,
                     std::nullopt};
  if (d.signature_last_updated)
    facts.signature_time = parse_cim_datetime(*d.signature_last_updated);
  // Real-time protection needs the antimalware service running too.
  if (d.realtime_protection_enabled == false || d.am_service_enabled == false) {
    facts.realtime = false;
  } else if (d.realtime_protection_enabled && d.am_service_enabled) {
    facts.realtime = true;
  }
  json::object record = product_record(facts, now, max_age_hours);
  record["errors"] = json::array();
  if (d.signature_last_updated && !facts.signature_time) {
    record["errors"].as_array().push_back(
        json::string("MSFT_MpComputerStatus.AntivirusSignatureLastUpdated: not a CIM datetime: " +
                     to_valid_utf8(*d.signature_last_updated)));
  }
  return record;
}

json::object defender_details(const DefenderStatus& d) {
  return json::object{
      {"antivirus_enabled", opt(d.antivirus_enabled)},
      {"am_service_enabled", opt(d.am_service_enabled)},
      {"realtime_protection_enabled", opt(d.realtime_protection_enabled)},
      {"signature_version", text_or_null(d.signature_version)},
      {"signature_age_days",
       d.signature_age_days ? json::value(*d.signature_age_days) : json::value(nullptr)},
      {"am_product_version", text_or_null(d.am_product_version)},
      {"am_running_mode", text_or_null(d.am_running_mode)}};
}

// Adds what Security Center says to a record; fills realtime and a known-stale up_to_date
// only where the record's own sources left them unknown.
void attach_security_center(json::object& record, const SecurityCenterProduct& p) {
  std::optional<WscProductState> decoded;
  if (p.product_state) decoded = decode_product_state(*p.product_state);
  auto when = parse_rfc1123(p.timestamp);
  record["security_center"] = json::object{
      {"display_name", to_valid_utf8(p.display_name)},
      {"instance_guid", to_valid_utf8(p.instance_guid)},
      {"product_state", p.product_state ? json::value(*p.product_state) : json::value(nullptr)},
      {"state", decoded ? json::value(to_string(decoded->state)) : json::value(nullptr)},
      {"signatures_up_to_date",
       decoded ? opt(decoded->signatures_up_to_date) : json::value(nullptr)},
      {"timestamp", when ? json::value(format_rfc3339(*when)) : json::value(nullptr)}};
  if (!decoded) return;
  if (record["realtime"].is_null() && decoded->state != WscState::unknown)
    record["realtime"] = decoded->state == WscState::on;
  if (record["up_to_date"].is_null() && decoded->signatures_up_to_date == false)
    record["up_to_date"] = false;  // the product itself says so; a true stays "age unknown"
}

}  // namespace

json::object add_windows_products(WindowsSecuritySource& windows, json::array& products,
                                  const std::vector<NamedRecord>& described, TimePoint now,
                                  double max_age_hours, json::array& warnings) {
  auto defender = windows.defender_status();
  auto centre = windows.security_center_products();
  std::optional<std::size_t> defender_at;
  json::value defender_info = nullptr;
  if (defender) {
    defender_info = defender_details(*defender);
    // Defender is part of Windows: it counts as an antivirus product only while enabled.
    if (defender->antivirus_enabled == true || defender->am_service_enabled == true) {
      defender_at = products.size();
      products.push_back(defender_record(*defender, now, max_age_hours));
    }
  } else {
    warnings.push_back(json::string(defender.error().message));
  }
  if (centre) {
    for (const auto& p : *centre) {
      json::object* target = nullptr;
      if (is_defender(p) && defender_at) {
        target = &products[*defender_at].as_object();
      } else {
        for (const auto& d : described) {
          const auto& names = d.descriptor->security_center_names;
          if (std::find(names.begin(), names.end(), p.display_name) != names.end()) {
            target = &products[d.index].as_object();
            break;
          }
        }
      }
      if (!target) {
        ProductFacts facts{p.display_name, is_defender(p) ? "defender" : "security_center",
                           std::nullopt, std::nullopt, std::nullopt};
        products.push_back(product_record(facts, now, max_age_hours));
        target = &products.back().as_object();
        (*target)["name"] = to_valid_utf8(p.display_name);
      }
      attach_security_center(*target, p);
    }
  } else {
    warnings.push_back(json::string(centre.error().message));
  }
  return json::object{{"defender", std::move(defender_info)},
                      {"sources", json::object{{"security_center", source_status(centre)},
                                               {"defender", source_status(defender)}}}};
}

}  // namespace shouwei::collectors::antivirus
