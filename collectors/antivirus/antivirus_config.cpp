#include "shouwei/collectors/antivirus/antivirus_config.hpp"

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

Result<ProductDescriptor> parse_descriptor(const toml::table& t, const std::string& where) {
  ProductDescriptor d;
  SHOUWEI_TRY(d.name, string_key(t, "name", where, true));
  SHOUWEI_TRY(d.signature_glob, string_key(t, "signature_glob", where, false));
  SHOUWEI_TRY(d.version_file, string_key(t, "version_file", where, false));
  SHOUWEI_TRY(d.version_regex, string_key(t, "version_regex", where, false));
  SHOUWEI_TRY(d.time_file, string_key(t, "time_file", where, false));
  SHOUWEI_TRY(d.time_regex, string_key(t, "time_regex", where, false));
  if (d.name.empty()) return fail(Errc::invalid_argument, where + ".name: empty");
  if (d.version_file.empty() != d.version_regex.empty()) {
    return fail(Errc::invalid_argument, where + ": version_file and version_regex go together");
  }
  if (d.time_file.empty() != d.time_regex.empty()) {
    return fail(Errc::invalid_argument, where + ": time_file and time_regex go together");
  }
  if (d.signature_glob.empty() && d.version_file.empty() && d.time_file.empty()) {
    return fail(Errc::invalid_argument,
                where + ": needs signature_glob, version_file or time_file");
  }
  for (const std::string* path : {&d.signature_glob, &d.version_file, &d.time_file}) {
    if (!path->empty() && path->front() != '/') {
      return fail(Errc::invalid_argument, where + ": path \"" + *path + "\" is not absolute");
    }
  }
  SHOUWEI_TRY_VOID(check_regex(d.version_regex, where + ".version_regex"));
  SHOUWEI_TRY_VOID(check_regex(d.time_regex, where + ".time_regex"));
  if (const toml::node* names = t.get("process_names")) {
    const toml::array* arr = names->as_array();
    if (!arr) return fail(Errc::invalid_argument, where + ".process_names: not an array");
    for (const auto& n : *arr) {
      auto s = n.value<std::string>();
      if (!s || s->empty()) {
        return fail(Errc::invalid_argument,
                    where + ".process_names: entries must be non-empty strings");
      }
      d.process_names.push_back(*s);
    }
  }
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
