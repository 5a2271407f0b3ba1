// Facts -> the "inventory" section. Pure: the same facts always give the same JSON.
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "shouwei/collectors/inventory/inventory_collector.hpp"
#include "shouwei/collectors/json_text.hpp"
#include "shouwei/common/utf8.hpp"

namespace shouwei::collectors {
namespace json = boost::json;
namespace {

json::value text(std::string_view s) {
  return json::value(to_valid_utf8(s));
}

json::value time_or_null(const std::optional<TimePoint>& t) {
  return t ? json::value(format_rfc3339(*t)) : json::value(nullptr);
}

json::object render_os(const OsInfo& os) {
  return {{"name", text_or_null(os.name)},
          {"version", text_or_null(os.version)},
          {"version_id", text_or_null(os.version_id)},
          {"id", text_or_null(os.id)},
          {"id_like", text_or_null(os.id_like)},
          {"pretty_name", text_or_null(os.pretty_name)},
          {"build", text_or_null(os.build)},
          {"edition", text_or_null(os.edition)}};
}

json::object render_user(const LocalUser& user) {
  return {{"name", text(user.name)},
          {"uid", user.uid},
          {"home", text(user.home)},
          {"shell", text(user.shell)},
          {"login", user.login}};
}

json::object render_session(const LoginSession& session) {
  return {{"user", text(session.user)},
          {"tty", text(session.tty)},
          {"host", text_or_null(session.host)},
          {"login_time", time_or_null(session.login_time)}};
}

json::value render_prefixes(const std::optional<std::vector<IpPrefix>>& prefixes) {
  if (!prefixes) return nullptr;
  json::array out;
  for (const auto& p : *prefixes) {
    out.emplace_back(to_valid_utf8(p.address) + "/" + std::to_string(p.prefix_length));
  }
  return out;
}

json::object render_interface(const NetworkInterface& nic) {
  return {{"name", text(nic.name)},
          {"mac", text_or_null(nic.mac)},
          {"ipv4", render_prefixes(nic.ipv4)},
          {"ipv6", render_prefixes(nic.ipv6)},
          {"up", nic.up ? json::value(*nic.up) : json::value(nullptr)}};
}

const char* join_name(DomainJoin join) {
  switch (join) {
    case DomainJoin::domain:
      return "domain";
    case DomainJoin::workgroup:
      return "workgroup";
    case DomainJoin::unjoined:
      break;
  }
  return "unjoined";
}

json::value render_domain(const std::optional<DomainMembership>& domain) {
  if (!domain) return nullptr;
  return json::object{{"name", text_or_null(domain->name)}, {"type", join_name(domain->join)}};
}

// A list fact: null when unknown, else one rendered object per item.
template <typename T, typename Render>
json::value render_list(const std::optional<std::vector<T>>& items, Render render) {
  if (!items) return nullptr;
  json::array out;
  out.reserve(items->size());
  for (const auto& item : *items) out.emplace_back(render(item));
  return out;
}

}  // namespace

json::object render_inventory(const InventoryFacts& facts, const InventoryConfig& config) {
  json::array warnings;
  for (const auto& w : facts.warnings) warnings.emplace_back(to_valid_utf8(w));
  return {{"hostname", text_or_null(facts.hostname)},
          {"os", render_os(facts.os)},
          {"kernel", text_or_null(facts.kernel)},
          {"arch", text_or_null(facts.arch)},
          {"boot_time", time_or_null(facts.boot_time)},
          {"users", render_list(facts.users, render_user)},
          {"sessions", render_list(facts.sessions, render_session)},
          {"interfaces", render_list(facts.interfaces, render_interface)},
          {"domain", render_domain(facts.domain)},
          {"asset_tag", text_or_null(config.asset_tag)},
          {"location", text_or_null(config.location)},
          {"warnings", std::move(warnings)}};
}

}  // namespace shouwei::collectors
