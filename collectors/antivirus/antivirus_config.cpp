#include "shouwei/collectors/antivirus/antivirus_config.hpp"

#include <cctype>
#include <regex>

#include "builtin_descriptors.hpp"

namespace shouwei::collectors::antivirus {
namespace {

Result<std::string> string_key(const toml::table& t, std::string_view key, std::string_view where,
                               bool required) {
  const toml::node* node = t.get(key);
  if (!node) {
    if (required)
      return fail(Errc::invalid_argument,
                  std::string(where) + "." + std::string(key) + ": missing");
    return std::string();
  }
  auto value = node->value<std::string>();
  if (!value)
    return fail(Errc::invalid_argument,
                std::string(where) + "." + std::string(key) + ": not a string");
  return *value;
}

Result<void> check_regex(const std::string& pattern, const std::string& where) {
  if (pattern.empty()) return {};
  try {
    std::regex re(pattern, std::regex::ECMAScript);
    if (re.mark_count() < 1) return fail(Errc::invalid_argument, where + ": needs a capture group");
  } catch (const std::regex_error& e) {
    return fail(Errc::invalid_argument, where + ": invalid regular expression: " + e.what());
  }
  return {};
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) !=
        std::toupper(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  return true;
}

// Linux: "/...". Windows: "C:\..." (or "C:/...") or "%VARIABLE%\..." expanded by the port.
bool absolute_for(std::string_view platform, std::string_view path) {
  if (platform == "linux") return path.front() == '/';
  if (path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' &&
      (path[2] == '\\' || path[2] == '/')) {
    return true;
  }
  std::size_t close = path.find('%', 1);
  return path.front() == '%' && close != std::string_view::npos && close > 1 &&
         close + 1 < path.size() && (path[close + 1] == '\\' || path[close + 1] == '/');
}

Result<std::optional<RegistrySource>> registry_source(const toml::table& t, std::string_view key,
                                                      const std::string& where) {
  const toml::node* node = t.get(key);
  if (!node) return std::optional<RegistrySource>();
  std::string here = where + "." + std::string(key);
  const toml::table* table = node->as_table();
  if (!table) return fail(Errc::invalid_argument, here + ": not a table {key, value[, regex]}");
  RegistrySource src;
  for (const auto& [k, v] : *table) {
    if (k.str() != "key" && k.str() != "value" && k.str() != "regex")
      return fail(Errc::invalid_argument, here + "." + std::string(k.str()) + ": unknown key");
  }
  const toml::node* keys = table->get("key");
  if (!keys) return fail(Errc::invalid_argument, here + ".key: missing");
  if (auto one = keys->value<std::string>()) {
    src.keys.push_back(*one);
  } else if (const toml::array* arr = keys->as_array()) {
    for (const auto& k : *arr) {
      auto s = k.value<std::string>();
      if (!s) return fail(Errc::invalid_argument, here + ".key: entries must be strings");
      src.keys.push_back(*s);
    }
  } else {
    return fail(Errc::invalid_argument, here + ".key: not a string or an array of strings");
  }
  if (src.keys.empty()) return fail(Errc::invalid_argument, here + ".key: empty");
  for (const auto& k : src.keys) {
    if (!(starts_with_icase(k, "HKLM\\") || starts_with_icase(k, "HKEY_LOCAL_MACHINE\\")) ||
        k.size() < 6) {
      return fail(Errc::invalid_argument, here + ".key: \"" + k + "\" is not under HKLM\\");
    }
  }
  SHOUWEI_TRY(src.value, string_key(*table, "value", here, true));
  SHOUWEI_TRY(src.regex, string_key(*table, "regex", here, false));
  SHOUWEI_TRY_VOID(check_regex(src.regex, here + ".regex"));
  return std::optional<RegistrySource>(std::move(src));
}

Result<std::vector<std::string>> string_list(const toml::table& t, std::string_view key,
                                             const std::string& where) {
  std::vector<std::string> out;
  const toml::node* node = t.get(key);
  if (!node) return out;
  const toml::array* arr = node->as_array();
  std::string here = where + "." + std::string(key);
  if (!arr) return fail(Errc::invalid_argument, here + ": not an array");
  for (const auto& n : *arr) {
    auto s = n.value<std::string>();
    if (!s || s->empty())
      return fail(Errc::invalid_argument, here + ": entries must be non-empty strings");
    out.push_back(*s);
  }
  return out;
}

Result<ProductDescriptor> parse_descriptor(const toml::table& t, const std::string& where) {
  ProductDescriptor d;
  SHOUWEI_TRY(d.name, string_key(t, "name", where, true));
  SHOUWEI_TRY(std::string platform, string_key(t, "platform", where, false));
  if (!platform.empty()) d.platform = platform;
  if (d.platform != "linux" && d.platform != "windows")
    return fail(Errc::invalid_argument, where + ".platform: must be \"linux\" or \"windows\"");
  SHOUWEI_TRY(d.signature_glob, string_key(t, "signature_glob", where, false));
  SHOUWEI_TRY(d.version_file, string_key(t, "version_file", where, false));
  SHOUWEI_TRY(d.version_regex, string_key(t, "version_regex", where, false));
  SHOUWEI_TRY(d.time_file, string_key(t, "time_file", where, false));
  SHOUWEI_TRY(d.time_regex, string_key(t, "time_regex", where, false));
  SHOUWEI_TRY(d.install_registry, registry_source(t, "install_registry", where));
  SHOUWEI_TRY(d.version_registry, registry_source(t, "version_registry", where));
  SHOUWEI_TRY(d.time_registry, registry_source(t, "time_registry", where));
  SHOUWEI_TRY(d.security_center_names, string_list(t, "security_center_names", where));
  if (d.name.empty()) return fail(Errc::invalid_argument, where + ".name: empty");
  if (d.version_file.empty() != d.version_regex.empty()) {
    return fail(Errc::invalid_argument, where + ": version_file and version_regex go together");
  }
  if (d.time_file.empty() != d.time_regex.empty()) {
    return fail(Errc::invalid_argument, where + ": time_file and time_regex go together");
  }
  bool registry = d.install_registry || d.version_registry || d.time_registry;
  if (registry && d.platform != "windows")
    return fail(Errc::invalid_argument, where + ": registry sources need platform = \"windows\"");
  if (d.signature_glob.empty() && d.version_file.empty() && d.time_file.empty() && !registry) {
    return fail(Errc::invalid_argument,
                where + ": needs signature_glob, version_file, time_file or a registry source");
  }
  for (const std::string* path : {&d.signature_glob, &d.version_file, &d.time_file}) {
    if (!path->empty() && !absolute_for(d.platform, *path)) {
      return fail(Errc::invalid_argument,
                  where + ": path \"" + *path + "\" is not absolute on " + d.platform);
    }
  }
  SHOUWEI_TRY_VOID(check_regex(d.version_regex, where + ".version_regex"));
  SHOUWEI_TRY_VOID(check_regex(d.time_regex, where + ".time_regex"));
  SHOUWEI_TRY(d.process_names, string_list(t, "process_names", where));
  return d;
}

}  // namespace

Result<std::vector<ProductDescriptor>> parse_product_descriptors(const toml::array& products,
                                                                 std::string_view where) {
  std::vector<ProductDescriptor> out;
  std::size_t i = 0;
  for (const auto& node : products) {
    std::string here = std::string(where) + "[" + std::to_string(i++) + "]";
    const toml::table* t = node.as_table();
    if (!t) return fail(Errc::invalid_argument, here + ": not a table");
    SHOUWEI_TRY(auto d, parse_descriptor(*t, here));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<ProductDescriptor>> builtin_product_descriptors() {
  toml::table doc;
  try {
    doc = toml::parse(kBuiltinDescriptorsToml, std::string_view("descriptors/products.toml"));
  } catch (const toml::parse_error& e) {
    return fail(Errc::internal, "descriptors/products.toml: " + std::string(e.description()));
  }
  const toml::array* products = doc["antivirus"]["product"].as_array();
  if (!products) return std::vector<ProductDescriptor>{};
  return parse_product_descriptors(*products, "descriptors/products.toml: antivirus.product");
}

Result<AntivirusConfig> parse_antivirus_config(const toml::table* section) {
  AntivirusConfig config;
  bool builtins = true;
  if (section) {
    for (const auto& [key, value] : *section) {
      std::string_view k = key.str();
      if (k == "clamav" || k == "builtin_products") {
        auto b = value.value_exact<bool>();
        if (!b)
          return fail(Errc::invalid_argument, "antivirus." + std::string(k) + ": not a boolean");
        (k == "clamav" ? config.clamav : builtins) = *b;
      } else if (k == "max_signature_age_hours") {
        auto hours = value.value<double>();
        if (!hours || *hours <= 0) {
          return fail(Errc::invalid_argument,
                      "antivirus.max_signature_age_hours: must be a positive number");
        }
        config.max_signature_age_hours = *hours;
      } else if (k != "product") {
        return fail(Errc::invalid_argument, "antivirus." + std::string(k) + ": unknown key");
      }
    }
  }
  if (builtins) {
    SHOUWEI_TRY(config.products, builtin_product_descriptors());
  }
  if (section) {
    if (const toml::node* products = section->get("product")) {
      const toml::array* arr = products->as_array();
      if (!arr) return fail(Errc::invalid_argument, "antivirus.product: not an array of tables");
      SHOUWEI_TRY(auto extra, parse_product_descriptors(*arr, "antivirus.product"));
      for (auto& d : extra) config.products.push_back(std::move(d));
    }
  }
  return config;
}

}  // namespace shouwei::collectors::antivirus
