#include "shouwei/common/canonical_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

namespace shouwei::json {

namespace {

namespace bj = boost::json;

// Deeper nesting than any payload of ours; bounds the recursion of canonicalize().
constexpr std::size_t kMaxDepth = 64;
// 2^53: every integer up to this magnitude is an exact IEEE double (RFC 8785 section 3.2.2.3).
constexpr std::uint64_t kMaxSafeInteger = 9007199254740992ull;

// ---- strict parsing ----

// A basic_parser handler that builds the value through value_stack (as boost::json::parser
// does) and additionally rejects an object repeating a key, which boost::json would silently
// collapse (last one wins) and which two readers could therefore understand differently.
class StrictHandler {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  StrictHandler() { stack_.reset(); }

  bj::value release() { return stack_.release(); }
  // Set when parsing stopped at a repeated key.
  bool found_duplicate() const { return found_duplicate_; }
  const std::string& duplicate_key() const { return duplicate_key_; }
  // Set when parsing stopped at a number no double can hold.
  const std::string& bad_number() const { return bad_number_; }

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_array_begin(bj::error_code&) { return true; }
  bool on_array_end(std::size_t n, bj::error_code&) {
    stack_.push_array(n);
    return true;
  }
  bool on_object_begin(bj::error_code&) {
    keys_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t n, bj::error_code&) {
    keys_.pop_back();
    stack_.push_object(n);
    return true;
  }
  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code&) {
    stack_.push_string(s);
    return true;
  }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code& ec) {
    key_.append(s.data(), s.size());
    if (!keys_.back().insert(key_).second) {
      found_duplicate_ = true;
      duplicate_key_ = key_;
      ec = bj::error::syntax;
      return false;
    }
    stack_.push_key(key_);
    key_.clear();
    return true;
  }
  bool on_number_part(bj::string_view s, bj::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  // Integers beyond 2^53 are read as the doubles RFC 8785 says every JSON number is, so that
  // canonical text parses back to the same value (and canonicalize() refuses them only when
  // they come from our own code as int64/uint64).
  bool on_int64(std::int64_t i, bj::string_view s, bj::error_code& ec) {
    std::uint64_t mag = i < 0 ? 0 - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
    if (mag > kMaxSafeInteger) return on_double(0, s, ec);
    number_.clear();
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, bj::string_view s, bj::error_code& ec) {
    if (u > kMaxSafeInteger) return on_double(0, s, ec);
    number_.clear();
    stack_.push_uint64(u);
    return true;
  }
  // Boost.JSON 1.81 converts some decimals one ulp off (333333333.33333329 of RFC 8785's
  // example), which would change the signed bytes; the text is converted again with
  // std::from_chars, which rounds correctly, and magnitudes beyond a double are refused.
  bool on_double(double, bj::string_view s, bj::error_code& ec) {
    number_.append(s.data(), s.size());
    double d = 0;
    auto [end, err] = std::from_chars(number_.data(), number_.data() + number_.size(), d);
    if (err != std::errc() || end != number_.data() + number_.size() || !std::isfinite(d)) {
      bad_number_ = number_.substr(0, 64);
      ec = bj::error::exponent_overflow;
      return false;
    }
    number_.clear();
    stack_.push_double(d);
    return true;
  }
  bool on_bool(bool b, bj::error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(bj::error_code&) {
    stack_.push_null();
    return true;
  }
  // Comments are disabled in the parse options; these are never called.
  bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
  bool on_comment(bj::string_view, bj::error_code&) { return true; }

 private:
  bj::value_stack stack_;
  std::vector<std::unordered_set<std::string>> keys_;  // keys seen, per open object
  std::string key_;                                    // the key being assembled
  std::string number_;                                 // the text of the number being parsed
  std::string duplicate_key_;
  std::string bad_number_;
  bool found_duplicate_ = false;
};

// ---- canonical output ----

// RFC 8785 3.2.2.2: only '"', '\\' and control characters are escaped, with the short forms
// where JSON has them and lowercase \u00xx otherwise; everything else is copied as UTF-8.
void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0x0f]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

// Decodes UTF-8 into UTF-16 code units; false on invalid UTF-8 (overlong forms, surrogates,
// code points beyond U+10FFFF, truncated sequences).
bool to_utf16(std::string_view s, std::u16string& out) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = b0 < 0x80           ? 1
                      : (b0 >> 5) == 0x6  ? 2
                      : (b0 >> 4) == 0xe  ? 3
                      : (b0 >> 3) == 0x1e ? 4
                                          : 0;
    if (len == 0 || i + len > s.size()) return false;
    char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xd800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xdc00 + (cp & 0x3ff)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return true;
}

Result<void> check_utf8(std::string_view s) {
  std::u16string scratch;
  if (!to_utf16(s, scratch))
    return fail(Errc::invalid_argument, "canonical JSON: string is not valid UTF-8");
  return {};
}

// ECMAScript Number.prototype.toString (ECMA-262 Number::toString), which RFC 8785 3.2.2.3
// adopts: the shortest digits that round-trip (std::to_chars gives exactly those), placed in
// plain notation when the decimal exponent is in [-6, 21) and in d.ddde±x notation otherwise.
Result<void> append_double(std::string& out, double d) {
  if (!std::isfinite(d))
    return fail(Errc::invalid_argument, "canonical JSON: NaN or infinity is not JSON");
  if (d == 0) {  // covers -0, which ECMAScript prints as "0"
    out.push_back('0');
    return {};
  }
  if (d < 0) {
    out.push_back('-');
    d = -d;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  if (ec != std::errc()) return fail(Errc::internal, "canonical JSON: std::to_chars failed");
  std::string_view sci(buf, static_cast<std::size_t>(end - buf));  // "d[.ddd]e±xx"
  std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);

  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // the value is 0.digits * 10^n
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    out += std::to_string(n - 1 < 0 ? -(n - 1) : n - 1);
  }
  return {};
}

Result<void> append_integer(std::string& out, bool negative, std::uint64_t magnitude) {
  if (magnitude > kMaxSafeInteger) {
    return fail(Errc::invalid_argument,
                "canonical JSON: integer " + std::string(negative ? "-" : "") +
                    std::to_string(magnitude) +
                    " is beyond 2^53 and would lose precision as an RFC 8785 number");
  }
  if (negative && magnitude != 0) out.push_back('-');
  out += std::to_string(magnitude);
  return {};
}

Result<void> append_value(std::string& out, const bj::value& v, std::size_t depth);

Result<void> append_object(std::string& out, const bj::object& obj, std::size_t depth) {
  struct Member {
    std::u16string sort_key;
    const bj::key_value_pair* kv;
  };
  std::vector<Member> members;
  members.reserve(obj.size());
  for (const auto& kv : obj) {
    Member m{{}, &kv};
    if (!to_utf16(std::string_view(kv.key().data(), kv.key().size()), m.sort_key)) {
      return fail(Errc::invalid_argument, "canonical JSON: object key is not valid UTF-8");
    }
    members.push_back(std::move(m));
  }
  // RFC 8785 3.2.3: ordered by UTF-16 code units, compared as unsigned integers.
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.sort_key < b.sort_key; });
  out.push_back('{');
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out.push_back(',');
    const auto& key = members[i].kv->key();
    append_string(out, std::string_view(key.data(), key.size()));
    out.push_back(':');
    SHOUWEI_TRY_VOID(append_value(out, members[i].kv->value(), depth + 1));
  }
  out.push_back('}');
  return {};
}

Result<void> append_value(std::string& out, const bj::value& v, std::size_t depth) {
  if (depth > kMaxDepth) {
    return fail(Errc::limit_exceeded,
                "canonical JSON: nesting deeper than " + std::to_string(kMaxDepth));
  }
  switch (v.kind()) {
    case bj::kind::null:
      out += "null";
      return {};
    case bj::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return {};
    case bj::kind::int64: {
      std::int64_t i = v.get_int64();
      // Magnitude computed in unsigned arithmetic so INT64_MIN does not overflow.
      std::uint64_t mag = i < 0 ? 0 - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
      return append_integer(out, i < 0, mag);
    }
    case bj::kind::uint64:
      return append_integer(out, false, v.get_uint64());
    case bj::kind::double_:
      return append_double(out, v.get_double());
    case bj::kind::string: {
      std::string_view s(v.get_string().data(), v.get_string().size());
      SHOUWEI_TRY_VOID(check_utf8(s));
      append_string(out, s);
      return {};
    }
    case bj::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        SHOUWEI_TRY_VOID(append_value(out, item, depth + 1));
      }
      out.push_back(']');
      return {};
    }
    case bj::kind::object:
      return append_object(out, v.get_object(), depth);
  }
  return fail(Errc::internal, "canonical JSON: unknown value kind");
}

}  // namespace

Result<std::string> canonicalize(const boost::json::value& value) {
  std::string out;
  SHOUWEI_TRY_VOID(append_value(out, value, 0));
  return out;
}

Result<std::string> canonicalize_text(std::string_view text) {
  SHOUWEI_TRY(boost::json::value v, parse_strict(text));
  return canonicalize(v);
}

Result<boost::json::value> parse_strict(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return fail(Errc::limit_exceeded, "JSON document of " + std::to_string(text.size()) +
                                          " bytes exceeds the limit of " +
                                          std::to_string(max_bytes));
  }
  bj::parse_options options;  // no comments, no trailing commas, no invalid UTF-8
  options.max_depth = kMaxDepth;
  bj::basic_parser<StrictHandler> parser(options);
  bj::error_code ec;
  std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used != text.size()) ec = bj::error::extra_data;
  if (ec) {
    if (parser.handler().found_duplicate()) {
      // The key is quoted JSON-style (and cut short) so the message stays one printable line.
      std::string quoted;
      append_string(quoted, std::string_view(parser.handler().duplicate_key()).substr(0, 64));
      return fail(Errc::parse, "malformed JSON: duplicate object key " + quoted + " at byte " +
                                   std::to_string(used));
    }
    return fail(Errc::parse,
                "malformed JSON: " + ec.message() + " at byte " + std::to_string(used));
  }
  return parser.handler().release();
}

}  // namespace shouwei::json
