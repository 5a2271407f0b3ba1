// shouweictl policy init | sign | show | push: the administrator writes a shouwei.policy/v1
// document from a template that follows the regulations, signs it offline with the
// organisation's policy key (the envelope's payload is the canonical JSON), reads a signed
// policy back in Simplified Chinese and English after verifying it, and pushes the envelope to
// shouwei-server, which distributes it to the devices of its groups.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <curl/curl.h>

#include "commands.hpp"
#include "server_call.hpp"
#include "shouwei/common/canonical_json.hpp"
#include "shouwei/common/dsse.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/file_io.hpp"
#include "shouwei/common/json_print.hpp"
#include "shouwei/common/keys.hpp"
#include "shouwei/common/policy.hpp"
#include "shouwei/os/files.hpp"

namespace shouwei::ctl {
namespace {

struct InitOptions {
  std::string out;
  int valid_days = 30;
};

void run_init(const InitOptions& opt) {
  policy::Policy p = policy::safe_defaults();
  p.version = 1;
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  p.issued_at = now;
  p.expires_at = now + std::chrono::days(opt.valid_days);
  const std::string text = json::pretty_print(policy::policy_to_json(p)) + "\n";
  if (opt.out.empty()) {
    std::cout << text;
    return;
  }
  if (auto r = os::write_file_new(opt.out, text, os::FileMode::public_read); !r) {
    exit_with("policy init", exit_code_for(r.error().code), r.error().message);
  }
  std::cout << "wrote " << opt.out << " (version 1, expires " << format_rfc3339(p.expires_at)
            << ")\n";
}

struct SignOptions {
  std::string key_file;
  std::string input;
};

void run_sign(const SignOptions& opt) {
  auto key = value_or_exit("policy sign", PrivateKey::load(opt.key_file));
  auto text = value_or_exit("policy sign", read_file(opt.input, policy::kMaxPolicyBytes));
  auto parsed = policy::parse_policy(text);
  if (!parsed) exit_with("policy sign", kExitUsage, opt.input + ": " + parsed.error().message);
  // Every agent would refuse it; signing it would only hide the mistake until rollout.
  if (parsed->expires_at <= std::chrono::system_clock::now()) {
    exit_with("policy sign", kExitUsage, opt.input + ": policy.expires_at is already past");
  }
  auto canonical = value_or_exit("policy sign", policy::canonical_policy(*parsed));
  auto envelope =
      value_or_exit("policy sign", dsse::sign(dsse::kPolicyPayloadType, canonical, key));
  std::cout << dsse::serialize(envelope) << '\n';
}

std::string join(const std::vector<std::string>& items) {
  if (items.empty()) return "无 / none";
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string_view zh(policy::MediaMode m) {
  return m == policy::MediaMode::enforce ? "强制执行" : "仅审计";
}
std::string_view zh(policy::UnregisteredMedia u) {
  switch (u) {
    case policy::UnregisteredMedia::block:
      return "禁止使用";
    case policy::UnregisteredMedia::read_only:
      return "只读";
    case policy::UnregisteredMedia::allow:
      return "允许";
  }
  return "";
}

std::string describe(const policy::Policy& p, TimePoint now) {
  std::ostringstream o;
  const bool expired = p.expires_at <= now;
  o << "策略版本 / Policy version: " << p.version << '\n'
    << "签发时间 / Issued at: " << format_rfc3339(p.issued_at) << '\n'
    << "有效期至 / Expires at: " << format_rfc3339(p.expires_at)
    << (expired ? "  [已过期 / EXPIRED]" : "  [有效 / valid]") << '\n'
    << "适用分组 / Groups: " << join(p.groups) << "  (* = 全部 / all)\n"
    << "网络区域 / Zone: " << (p.zone ? std::string(to_string(*p.zone)) : "未指定 / not set")
    << '\n'
    << "快照间隔 / Snapshot interval: " << p.snapshot_interval_seconds << " 秒 / s\n"
    << "病毒库最大时效 / Max antivirus signature age: " << p.thresholds.max_signature_age_hours
    << " 小时 / h\n"
    << "最长未打补丁 / Max days since last patch: " << p.thresholds.max_days_since_patch
    << " 天 / days\n"
    << "待装安全更新上限 / Max pending security updates: " << p.thresholds.max_pending_security
    << '\n'
    << "禁止浏览类别 / Prohibited categories: " << join(p.prohibited_categories) << '\n'
    << "日志保留 / Log retention: " << p.log_retention_days << " 天 / days\n"
    << "移动介质模式 / Media mode: " << zh(p.media.mode) << " / " << to_string(p.media.mode) << '\n'
    << "未登记介质 / Unregistered media: " << zh(p.media.unregistered) << " / "
    << to_string(p.media.unregistered) << '\n'
    << "跨区介质 / Cross-zone media: 禁止使用 / block\n"
    << "介质白名单 / Media allow list: " << join(p.media.allow_list) << '\n';
  if (p.category_db) {
    o << "分类库 / Category database: version " << p.category_db->version << ", "
      << p.category_db->url << ", sha256 " << p.category_db->sha256 << '\n';
  } else {
    o << "分类库 / Category database: 未指定 / not set\n";
  }
  return o.str();
}

struct ShowOptions {
  std::string key_file;
  std::string input;
};

void run_show(const ShowOptions& opt) {
  auto text = value_or_exit("policy show", read_file(opt.input, policy::kMaxEnvelopeBytes));
  policy::Policy p;
  std::string signature_line;
  if (!opt.key_file.empty()) {
    auto key = value_or_exit("policy show", PublicKey::load(opt.key_file));
    auto verified = policy::verify_policy_signature(text, key);
    if (!verified)
      exit_with("policy show", kExitVerify, opt.input + ": " + verified.error().message);
    p = std::move(verified).value();
    signature_line = "签名 / Signature: 已验证 / verified, keyid " + key.keyid() + "\n";
  } else {
    // Without the organisation's key the content is shown but marked as unverified.
    auto envelope = dsse::parse(text, policy::kMaxEnvelopeBytes);
    if (!envelope)
      exit_with("policy show", kExitVerify, opt.input + ": " + envelope.error().message);
    auto parsed = policy::parse_policy(envelope->payload);
    if (!parsed) exit_with("policy show", kExitVerify, opt.input + ": " + parsed.error().message);
    p = std::move(parsed).value();
    signature_line = "签名 / Signature: 未验证（未提供 --key）/ NOT verified (no --key given)\n";
  }
  std::cout << signature_line << describe(p, std::chrono::system_clock::now());
}

struct PushOptions {
  ServerOptions server;
  std::string group;
  std::string input;
};

// The group as a query parameter: percent-encoded, since group names are often Chinese.
std::string group_query(const std::string& group) {
  std::unique_ptr<char, void (*)(void*)> escaped(
      curl_easy_escape(nullptr, group.data(), static_cast<int>(group.size())), curl_free);
  if (!escaped) exit_with("policy push", kExitFailure, "curl_easy_escape failed");
  return std::string("?group=") + escaped.get();
}

void run_push(const PushOptions& opt) {
  constexpr std::string_view kCommand = "policy push";
  auto text = value_or_exit(kCommand, read_file(opt.input, policy::kMaxEnvelopeBytes));
  // A document that was never signed is the likely mistake; say so before calling the server.
  if (auto envelope = dsse::parse(text, policy::kMaxEnvelopeBytes); !envelope) {
    exit_with(kCommand, kExitVerify,
              opt.input + ": not a signed policy envelope (run policy sign first): " +
                  envelope.error().message);
  }
  HttpsRequest request;
  request.method = "POST";
  request.path = "/api/v1/policies" + (opt.group.empty() ? "" : group_query(opt.group));
  request.body = std::move(text);
  request.content_type = "application/json";
  const std::string path = request.path;
  HttpsResponse r = call_server(kCommand, opt.server, std::move(request));
  if (r.status != 200) {
    // 400/422: the server could not verify it or will not keep it (expired, not for the
    // group); 409: not newer than a pushed one; 5xx: try later.
    const int code = r.status == 400 || r.status == 422 ? kExitVerify
                     : r.status >= 500                  ? kExitUnavailable
                                                        : kExitFailure;
    exit_refused(kCommand, code, opt.server, path, r);
  }
  const boost::json::object o = answer_object(kCommand, r);
  std::string groups;
  if (const auto* g = o.if_contains("groups"); g != nullptr && g->is_array()) {
    for (const auto& name : g->get_array()) {
      if (name.is_string()) groups += (groups.empty() ? "" : ", ") + std::string(name.get_string());
    }
  }
  std::cout << "已推送 / pushed: policy version " << scalar_text(o, "version") << ", groups "
            << groups << ", sha256 " << scalar_text(o, "sha256") << '\n';
}

}  // namespace

void add_policy_commands(CLI::App& app) {
  CLI::App* pol = app.add_subcommand("policy", "Signed policy: init | sign | show | push");
  pol->require_subcommand(1);

  auto init = std::make_shared<InitOptions>();
  CLI::App* in = pol->add_subcommand(
      "init", "Write a policy template whose defaults follow the regulations (version 1)");
  in->add_option("--out", init->out, "Output file (never overwritten); standard output if omitted");
  in->add_option("--valid-days", init->valid_days, "Days until expires_at")
      ->check(CLI::Range(1, 366))
      ->capture_default_str();
  in->callback([init] { run_init(*init); });

  auto sign = std::make_shared<SignOptions>();
  CLI::App* sg = pol->add_subcommand(
      "sign", "Validate a policy document and print its DSSE envelope signed with the policy key");
  sg->add_option("--key", sign->key_file, "Organisation policy private key (PEM)")->required();
  sg->add_option("policy", sign->input, "Policy document (JSON)")->required();
  sg->callback([sign] { run_sign(*sign); });

  auto show = std::make_shared<ShowOptions>();
  CLI::App* sh = pol->add_subcommand(
      "show",
      "Print a signed policy in Chinese and English; with --key, verify it first (exit 4 "
      "when it does not verify)");
  sh->add_option("--key", show->key_file, "Organisation policy public key (PEM)");
  sh->add_option("envelope", show->input, "Signed policy envelope")->required();
  sh->callback([show] { run_show(*show); });

  auto push = std::make_shared<PushOptions>();
  CLI::App* ps = pol->add_subcommand(
      "push",
      "Send a signed policy envelope to shouwei-server for the groups it names (or --group); "
      "exit 4 when the server does not accept its signature or dates, 1 when it is not newer");
  add_server_options(ps, push->server, "admin");
  ps->add_option("--group", push->group, "Only this group (\"*\": every group)");
  ps->add_option("envelope", push->input, "Signed policy envelope (policy sign's output)")
      ->required();
  ps->callback([push] { run_push(*push); });
}

}  // namespace shouwei::ctl
