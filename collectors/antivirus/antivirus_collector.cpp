#include "shouwei/collectors/antivirus/antivirus_collector.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <boost/json.hpp>

#include "product_record.hpp"

namespace shouwei::collectors::antivirus {
namespace json = boost::json;

bool process_running(const std::vector<std::string>& processes, std::string_view name) {
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  return std::any_of(processes.begin(), processes.end(), [&](const std::string& p) {
    return same(p, name) || (p.size() == 15 && name.size() > 15 && p == name.substr(0, 15));
  });
}

json::object product_record(const ProductFacts& f, TimePoint now, double max_age_hours) {
  json::object o;
  o["name"] = f.name;
  o["source"] = f.source;
  o["signature_version"] =
      f.signature_version ? json::value(*f.signature_version) : json::value(nullptr);
  o["realtime"] = f.realtime ? json::value(*f.realtime) : json::value(nullptr);
  if (f.signature_time) {
    double age = std::chrono::duration<double, std::ratio<3600>>(now - *f.signature_time).count();
    bool future = *f.signature_time > now + kFutureTolerance;
    o["signature_time"] = format_rfc3339(*f.signature_time);
    o["age_hours"] = std::round(age * 10) / 10;
    o["future_build_time"] = future;
    o["up_to_date"] = !future && age <= max_age_hours;
  } else {
    o["signature_time"] = nullptr;
    o["age_hours"] = nullptr;
    o["future_build_time"] = nullptr;
    o["up_to_date"] = f.signatures_missing ? json::value(false) : json::value(nullptr);
  }
  o["signatures_missing"] = f.signatures_missing;
  return o;
}

Result<json::object> collect_antivirus(AvProducts& host, const AntivirusConfig& config,
                                       TimePoint now, WindowsSecuritySource* windows) {
  json::array warnings;
  auto listed = host.process_names();
  if (!listed) warnings.push_back(json::string(listed.error().message));
  const std::vector<std::string>* processes = listed ? &*listed : nullptr;

  json::array products;
  // ClamAV's layout is the Unix one; descriptors say where they apply.
  if (config.clamav && host.platform() == "linux") {
    if (auto clam = detect_clamav(host, processes, config, now, warnings))
      products.push_back(std::move(*clam));
  }
  std::vector<NamedRecord> described;
  for (const auto& d : config.products) {
    if (d.platform != host.platform()) continue;
    if (auto p = detect_by_descriptor(host, d, processes, config, now)) {
      described.push_back({&d, products.size()});
      products.push_back(std::move(*p));
    }
  }
  json::object windows_facts;
  if (windows) {
    windows_facts = add_windows_products(*windows, products, described, now,
                                         config.max_signature_age_hours, warnings);
  }
  json::object out;
  out["product_count"] = products.size();
  out["products"] = std::move(products);
  out["max_signature_age_hours"] = config.max_signature_age_hours;
  for (auto& [key, value] : windows_facts) out[key] = std::move(value);
  out["warnings"] = std::move(warnings);
  return out;
}

}  // namespace shouwei::collectors::antivirus

namespace shouwei::collectors {
namespace {

class AntivirusCollector final : public Collector {
 public:
  AntivirusCollector(std::unique_ptr<antivirus::AvProducts> host, antivirus::AntivirusConfig config,
                     std::unique_ptr<antivirus::WindowsSecuritySource> windows)
      : host_(std::move(host)), config_(std::move(config)), windows_(std::move(windows)) {}
  std::string_view section() const override { return "antivirus"; }
  Result<boost::json::object> collect(const CollectContext& context) override {
    return antivirus::collect_antivirus(*host_, config_, context.clock.now(), windows_.get());
  }

 private:
  std::unique_ptr<antivirus::AvProducts> host_;
  antivirus::AntivirusConfig config_;
  std::unique_ptr<antivirus::WindowsSecuritySource> windows_;
};

}  // namespace

std::unique_ptr<Collector> make_antivirus_collector(
    std::unique_ptr<antivirus::AvProducts> host, antivirus::AntivirusConfig config,
    std::unique_ptr<antivirus::WindowsSecuritySource> windows) {
  return std::make_unique<AntivirusCollector>(std::move(host), std::move(config),
                                              std::move(windows));
}

}  // namespace shouwei::collectors
