#include "shouwei/common/json_print.hpp"

#include <boost/json/serialize.hpp>

namespace shouwei::json {

namespace {
void print(const boost::json::value& v, std::string& out, int depth) {
  auto newline = [&](int d) {
    out += '\n';
    out.append(static_cast<std::size_t>(d) * 2, ' ');
  };
  if (v.is_object()) {
    const auto& obj = v.get_object();
    if (obj.empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (const auto& member : obj) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      out += boost::json::serialize(boost::json::value(member.key()));
      out += ": ";
      print(member.value(), out, depth + 1);
    }
    newline(depth);
    out += '}';
  } else if (v.is_array()) {
    const auto& arr = v.get_array();
    if (arr.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    bool first = true;
    for (const auto& item : arr) {
      if (!first) out += ',';
      first = false;
      newline(depth + 1);
      print(item, out, depth + 1);
    }
    newline(depth);
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}
}  // namespace

std::string pretty_print(const boost::json::value& value) {
  std::string out;
  print(value, out, 0);
  return out;
}

}  // namespace shouwei::json
