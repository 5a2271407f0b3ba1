#include "shouwei/collectors/compliance/compliance.hpp"

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include <boost/json.hpp>

namespace shouwei::collectors::compliance {
namespace json = boost::json;
namespace {

enum class Outcome { pass, fail, unknown };

struct Verdict {
  Outcome outcome;
  std::string en, zh;  // the detail, in both languages
};

struct CheckDef {
  const char* id;
  const char* title_zh;
  const char* title_en;
  const char* regulation;
};

// The regulations are in ../shared/docs/regulations.md; names as the security office cites them.
constexpr CheckDef kAvPresent{"av.present", "已安装防病毒软件", "Antivirus software installed",
                              "Shenzhen; Miyun art. 22; Guangdong art. 15: 安装防病毒软件"};
constexpr CheckDef kAvFresh{"av.signatures_fresh", "病毒特征库及时更新",
                            "Antivirus signatures up to date", "Shenzhen: 特征库及时更新"};
constexpr CheckDef kSecurityPending{"patches.security_pending", "无待安装的安全补丁",
                                    "No pending security updates",
                                    "Shenzhen: 系统漏洞检查、系统补丁自动分发"};
constexpr CheckDef kRecent{"patches.recent", "近期已安装系统补丁", "System patched recently",
                           "Shenzhen; Miyun art. 22: 补丁及时安装"};
constexpr CheckDef kReboot{"reboot.pending", "补丁已生效（无待重启）",
                           "No reboot pending for installed updates", "Shenzhen: 系统补丁自动分发"};

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// The section, or why it cannot be used.
const json::object* section(const json::object& payload, const char* name, Verdict& missing) {
  const json::value* v = payload.if_contains(name);
  if (!v || !v->is_object()) {
    missing = {Outcome::unknown, std::string("section ") + name + " missing",
               std::string("缺少 ") + name + " 数据"};
    return nullptr;
  }
  const json::object& o = v->as_object();
  if (const json::value* err = o.if_contains("error")) {
    std::string msg = err->is_string() ? std::string(err->as_string()) : "error";
    missing = {Outcome::unknown, std::string(name) + " collection failed: " + msg,
               std::string(name) + " 数据采集失败：" + msg};
    return nullptr;
  }
  return &o;
}

std::optional<double> number(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

// antivirus.products, or why it cannot be used.
const json::array* av_products(const json::object& payload, Verdict& missing) {
  const json::object* av = section(payload, "antivirus", missing);
  if (!av) return nullptr;
  const json::value* products = av->if_contains("products");
  if (!products || !products->is_array()) {
    missing = {Outcome::unknown, "antivirus.products missing", "缺少防病毒产品列表"};
    return nullptr;
  }
  return &products->as_array();
}

Verdict av_present(const json::object& payload) {
  Verdict v;
  const json::array* products = av_products(payload, v);
  if (!products) return v;
  if (products->empty()) return {Outcome::fail, "no antivirus product found", "未发现防病毒软件"};
  std::string n = std::to_string(products->size());
  return {Outcome::pass, n + " antivirus product(s) found", "发现 " + n + " 个防病毒产品"};
}

Verdict av_fresh(const json::object& payload, const ComplianceThresholds& t) {
  Verdict v;
  const json::array* products = av_products(payload, v);
  if (!products) return v;
  if (products->empty()) return {Outcome::fail, "no antivirus product found", "未发现防病毒软件"};
  std::optional<double> best_age;
  std::string best_name, stale, stale_reported;
  bool future = false, missing = false;
  for (const auto& p : *products) {
    if (!p.is_object()) continue;
    const auto& o = p.as_object();
    const json::value* none = o.if_contains("signatures_missing");
    if (none && none->is_bool() && none->as_bool()) missing = true;
    auto age = number(o, "age_hours");
    // Windows Security Center: the product itself reports its signatures out of date.
    const json::value* current = o.if_contains("up_to_date");
    if (!age && current && current->is_bool() && !current->as_bool() && stale_reported.empty() &&
        o.contains("name") && o.at("name").is_string()) {
      stale_reported = std::string(o.at("name").as_string());
    }
    if (!age) continue;
    const json::value* fut = o.if_contains("future_build_time");
    std::string name = o.contains("name") && o.at("name").is_string()
                           ? std::string(o.at("name").as_string())
                           : "?";
    if (fut && fut->is_bool() && fut->as_bool()) {
      future = true;
      continue;
    }
    if (!best_age || *age < *best_age) {
      best_age = age;
      best_name = name;
    }
  }
  if (best_age) {
    std::string age = fmt(*best_age), max = fmt(t.max_signature_age_hours);
    return {*best_age <= t.max_signature_age_hours ? Outcome::pass : Outcome::fail,
            best_name + ": signatures " + age + " h old (max " + max + " h)",
            best_name + "：特征库距今 " + age + " 小时（上限 " + max + " 小时）"};
  }
  if (future) {
    return {Outcome::fail,
            "signature build time lies in the future (clock set back or forged database)",
            "特征库生成时间晚于本机时间（时钟被回拨或特征库被篡改）"};
  }
  if (missing) {
    return {Outcome::fail, "antivirus installed without any signature database",
            "防病毒软件缺少病毒特征库"};
  }
  if (!stale_reported.empty()) {
    return {Outcome::fail, stale_reported + " reports its signatures out of date",
            stale_reported + " 报告病毒特征库已过期"};
  }
  return {Outcome::unknown, "no product reports a signature age", "无法获得特征库更新时间"};
}

Verdict security_pending(const json::object& payload, const ComplianceThresholds& t) {
  Verdict v;
  const json::object* patches = section(payload, "patches", v);
  if (!patches) return v;
  auto n = number(*patches, "pending_security_count");
  const json::value* family = patches->if_contains("family");
  if (!n && family && family->is_string() && family->as_string() == "windows") {
    return {Outcome::unknown,
            "pending security updates unknown (Windows Update search did not answer)",
            "无法确定待安装安全补丁数量（Windows 更新搜索无应答）"};
  }
  if (!n)
    return {Outcome::unknown, "pending security updates unknown (no readable package index)",
            "无法确定待安装安全补丁数量"};
  std::string count = std::to_string(static_cast<long long>(*n));
  std::string max = std::to_string(t.max_pending_security);
  return {*n <= static_cast<double>(t.max_pending_security) ? Outcome::pass : Outcome::fail,
          count + " pending security update(s) (max " + max + ")",
          "待安装安全补丁 " + count + " 个（上限 " + max + "）"};
}

Verdict recent(const json::object& payload, const ComplianceThresholds& t, TimePoint now) {
  Verdict v;
  const json::object* patches = section(payload, "patches", v);
  if (!patches) return v;
  const json::value* at = patches->if_contains("last_patched_at");
  std::optional<TimePoint> when;
  if (at && at->is_string()) when = parse_rfc3339(std::string_view(at->as_string()));
  if (!when)
    return {Outcome::unknown, "time of the last patch unknown", "无法确定最近一次补丁安装时间"};
  double days = std::chrono::duration<double, std::ratio<86400>>(now - *when).count();
  std::string text = fmt(days);
  std::string max = std::to_string(t.max_days_since_patch);
  if (days < -1) {
    return {Outcome::unknown, "last patch time lies in the future (clock set back?)",
            "最近补丁时间晚于本机时间（时钟可能被回拨）"};
  }
  return {days <= static_cast<double>(t.max_days_since_patch) ? Outcome::pass : Outcome::fail,
          "last patched " + text + " days ago (max " + max + ")",
          "最近一次补丁安装于 " + text + " 天前（上限 " + max + " 天）"};
}

Verdict reboot(const json::object& payload) {
  Verdict v;
  const json::object* patches = section(payload, "patches", v);
  if (!patches) return v;
  const json::value* r = patches->if_contains("reboot_required");
  if (!r || !r->is_bool())
    return {Outcome::unknown, "reboot state unknown", "无法确定是否需要重启"};
  if (r->as_bool())
    return {Outcome::fail, "a reboot is required for installed updates to take effect",
            "需要重启以使已安装的补丁生效"};
  return {Outcome::pass, "no reboot required", "无需重启"};
}

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::pass:
      return "pass";
    case Outcome::fail:
      return "fail";
    case Outcome::unknown:
      break;
  }
  return "unknown";
}

json::object check(const CheckDef& def, const std::string& rule, const Verdict& v) {
  return json::object{{"id", def.id},
                      {"title", json::object{{"zh", def.title_zh}, {"en", def.title_en}}},
                      {"rule", rule},
                      {"regulation", def.regulation},
                      {"result", outcome_name(v.outcome)},
                      {"detail", json::object{{"zh", v.zh}, {"en", v.en}}}};
}

}  // namespace

json::object evaluate_compliance(const json::object& payload, const ComplianceThresholds& t,
                                 TimePoint now) {
  json::array checks;
  checks.push_back(check(kAvPresent, "antivirus.products is not empty", av_present(payload)));
  checks.push_back(check(kAvFresh,
                         "some antivirus.products[].age_hours <= " +
                             fmt(t.max_signature_age_hours) + " and not future_build_time",
                         av_fresh(payload, t)));
  checks.push_back(
      check(kSecurityPending,
            "patches.pending_security_count <= " + std::to_string(t.max_pending_security),
            security_pending(payload, t)));
  checks.push_back(
      check(kRecent,
            "now - patches.last_patched_at <= " + std::to_string(t.max_days_since_patch) + " days",
            recent(payload, t, now)));
  checks.push_back(check(kReboot, "patches.reboot_required == false", reboot(payload)));
  std::int64_t pass = 0, failed = 0, unknown = 0;
  for (const auto& c : checks) {
    std::string_view r = c.as_object().at("result").as_string();
    (r == "pass" ? pass : r == "fail" ? failed : unknown) += 1;
  }
  json::value compliant = failed > 0    ? json::value(false)
                          : unknown > 0 ? json::value(nullptr)
                                        : json::value(true);
  json::object summary{{"pass", pass},
                       {"fail", failed},
                       {"unknown", unknown},
                       {"total", static_cast<std::int64_t>(checks.size())},
                       {"compliant", compliant}};
  json::object thresholds{{"max_signature_age_hours", t.max_signature_age_hours},
                          {"max_pending_security", t.max_pending_security},
                          {"max_days_since_patch", t.max_days_since_patch}};
  return json::object{{"checks", std::move(checks)},
                      {"summary", std::move(summary)},
                      {"thresholds", std::move(thresholds)}};
}

}  // namespace shouwei::collectors::compliance
