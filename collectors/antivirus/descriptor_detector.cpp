#include <algorithm>
#include <charconv>
#include <regex>

#include <boost/json.hpp>

#include "product_record.hpp"
#include "shouwei/collectors/antivirus/antivirus_collector.hpp"

namespace shouwei::collectors::antivirus {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxInfoFileBytes = 1u << 20;
constexpr std::size_t kMaxRegexLine = 4096;  // std::regex recursion grows with the input

// Group 1 of the first line matching `pattern`.
std::optional<std::string> first_match(std::string_view text, const std::string& pattern) {
  std::regex re(pattern, std::regex::ECMAScript);  // validated when the config was parsed
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string line(text.substr(0, std::min(nl, text.size())));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > kMaxRegexLine) continue;
    std::smatch m;
    if (std::regex_search(line, m, re) && m.size() > 1 && m[1].matched) return m[1].str();
  }
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// The value of the first key of `src` that has it; errors other than absence are recorded.
std::optional<RegistryValue> read_registry(AvProducts& host, const RegistrySource& src,
                                           json::array& errors) {
  for (const auto& key : src.keys) {
    auto v = host.read_registry_value(key, src.value);
    if (v) return std::move(*v);
    if (v.error().code != Errc::not_found) errors.push_back(json::string(v.error().message));
  }
  return std::nullopt;
}

std::string registry_name(const RegistrySource& src) {
  return src.keys.front() + "\\" + src.value;
}

// The text of a value, through the source's regex when it has one.
std::optional<std::string> registry_text(const RegistryValue& v, const RegistrySource& src) {
  std::string text = v.kind == RegistryValue::Kind::number ? std::to_string(v.number) : v.text;
  if (v.kind == RegistryValue::Kind::other) return std::nullopt;
  if (src.regex.empty()) return text;
  return first_match(text, src.regex);
}

// Numbers: REG_DWORD Unix seconds, or REG_QWORD FILETIME (100 ns ticks since 1601).
std::optional<TimePoint> registry_time(AvProducts& host, const RegistryValue& v,
                                       const RegistrySource& src) {
  if (v.kind == RegistryValue::Kind::number && src.regex.empty()) {
    constexpr std::uint64_t kUnixEpochTicks = 116444736000000000ULL;
    std::uint64_t seconds = v.number;
    if (v.number > 0xFFFFFFFFULL) {
      if (v.number < kUnixEpochTicks) return std::nullopt;
      seconds = (v.number - kUnixEpochTicks) / 10000000ULL;
    }
    if (seconds < 946684800ULL || seconds > 7258118400ULL) return std::nullopt;  // 2000..2200
    return from_unix_seconds(static_cast<std::int64_t>(seconds));
  }
  auto text = registry_text(v, src);
  return text ? parse_product_time(host, *text) : std::nullopt;
}

}  // namespace

std::optional<TimePoint> parse_product_time(AvProducts& host, std::string_view text) {
  if (all_digits(text) && text.size() == 10) {  // Unix seconds
    long long s = 0;
    std::from_chars(text.data(), text.data() + text.size(), s);
    return from_unix_seconds(s);
  }
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != '-' && c != '/' && c != ':' && c != ' ' && c != 'T') {
      return std::nullopt;
    }
  }
  if (digits.size() != 8 && digits.size() != 12 && digits.size() != 14) return std::nullopt;
  std::string_view d = digits;
  int y = number(d.substr(0, 4)), mo = number(d.substr(4, 2)), day = number(d.substr(6, 2));
  int h = d.size() >= 12 ? number(d.substr(8, 2)) : 0;
  int mi = d.size() >= 12 ? number(d.substr(10, 2)) : 0;
  int s = d.size() == 14 ? number(d.substr(12, 2)) : 0;
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                  std::chrono::day(unsigned(day))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return host.local_to_utc(y, mo, day, h, mi, s);
}

std::optional<json::object> detect_by_descriptor(AvProducts& host, const ProductDescriptor& d,
                                                 const std::vector<std::string>* processes,
                                                 const AntivirusConfig& config, TimePoint now) {
  json::array errors;
  bool present = false;
  ProductFacts facts{d.name, "descriptor", std::nullopt, std::nullopt, std::nullopt};

  std::optional<TimePoint> newest_mtime;
  std::size_t signature_files = 0;
  if (!d.signature_glob.empty()) {
    if (auto files = host.glob(d.signature_glob)) {
      signature_files = files->size();
      for (const auto& f : *files) {
        if (!newest_mtime || *newest_mtime < f.modified) newest_mtime = f.modified;
      }
    } else {
      errors.push_back(json::string(files.error().message));
    }
  }
  present = signature_files > 0;

  auto read_info = [&](const std::string& path) -> std::optional<std::string> {
    auto text = host.read_text(path, kMaxInfoFileBytes);
    if (text) return std::move(*text);
    if (text.error().code != Errc::not_found) errors.push_back(json::string(text.error().message));
    return std::nullopt;
  };
  if (!d.version_file.empty()) {
    if (auto text = read_info(d.version_file)) {
      present = true;
      facts.signature_version = first_match(*text, d.version_regex);
      if (!facts.signature_version)
        errors.push_back(json::string(d.version_file + ": version_regex matched no line"));
    }
  } else if (d.version_registry) {
    if (auto v = read_registry(host, *d.version_registry, errors)) {
      present = true;
      facts.signature_version = registry_text(*v, *d.version_registry);
      if (!facts.signature_version)
        errors.push_back(
            json::string(registry_name(*d.version_registry) + ": no version in the value"));
    }
  } else if (newest_mtime) {
    facts.signature_version = format_rfc3339(*newest_mtime);
  }
  if (!d.time_file.empty()) {
    if (auto text = read_info(d.time_file)) {
      present = true;
      auto raw = first_match(*text, d.time_regex);
      if (raw) facts.signature_time = parse_product_time(host, *raw);
      if (!facts.signature_time)
        errors.push_back(json::string(d.time_file + ": no readable time matched time_regex"));
    }
  } else if (d.time_registry) {
    if (auto v = read_registry(host, *d.time_registry, errors)) {
      present = true;
      facts.signature_time = registry_time(host, *v, *d.time_registry);
      if (!facts.signature_time)
        errors.push_back(
            json::string(registry_name(*d.time_registry) + ": no readable time in the value"));
    }
  } else {
    facts.signature_time = newest_mtime;
  }
  if (d.install_registry && read_registry(host, *d.install_registry, errors)) present = true;
  if (processes && !d.process_names.empty()) {
    facts.realtime =
        std::any_of(d.process_names.begin(), d.process_names.end(),
                    [&](const std::string& n) { return process_running(*processes, n); });
    present = present || *facts.realtime;
  }
  if (!present) return std::nullopt;
  // A glob matching nothing proves little (the layout may differ from the descriptor), so
  // unlike ClamAV's known layout this stays "age unknown" rather than "no signatures".
  json::object record = product_record(facts, now, config.max_signature_age_hours);
  record["signature_files"] = signature_files;
  record["errors"] = std::move(errors);
  return record;
}

}  // namespace shouwei::collectors::antivirus
