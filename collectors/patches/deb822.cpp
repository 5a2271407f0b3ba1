#include "shouwei/collectors/patches/deb822.hpp"

#include <algorithm>

namespace shouwei::collectors::patches {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool is_blank(std::string_view s) {
  return trim(s).empty();
}

// A per-value cap: a field may have continuation lines; keep the paragraph bounded.
constexpr std::size_t kMaxValueBytes = 256 * 1024;

}  // namespace

Deb822Parser::Deb822Parser(std::vector<std::string> wanted,
                           std::function<bool(const Deb822Fields&)> on_paragraph)
    : wanted_(std::move(wanted)),
      on_paragraph_(std::move(on_paragraph)),
      current_(wanted_.size()) {}

bool Deb822Parser::flush() {
  if (in_paragraph_) {
    ++stats_.paragraphs;
    if (!on_paragraph_(current_)) stopped_ = true;
  }
  for (auto& f : current_) f.reset();
  in_paragraph_ = false;
  last_field_ = -2;
  return !stopped_;
}

bool Deb822Parser::feed_line(std::string_view line) {
  if (stopped_) return false;
  if (is_blank(line)) return flush();
  if (line.front() == ' ' || line.front() == '\t') {
    if (last_field_ == -2) {
      ++stats_.malformed_lines;
    } else if (last_field_ >= 0) {
      auto& value = current_[static_cast<std::size_t>(last_field_)];
      std::string_view more = trim(line);
      if (value->size() + more.size() + 1 <= kMaxValueBytes) {
        value->push_back('\n');
        value->append(more);
      }
    }
    return true;
  }
  if (line.front() == '#') return true;  // comment lines are allowed in deb822
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    ++stats_.malformed_lines;
    last_field_ = -2;
    return true;
  }
  in_paragraph_ = true;
  std::string_view name = trim(line.substr(0, colon));
  last_field_ = -1;
  for (std::size_t i = 0; i < wanted_.size(); ++i) {
    if (iequals(name, wanted_[i])) {
      current_[i] = std::string(trim(line.substr(colon + 1)));
      last_field_ = static_cast<int>(i);
      break;
    }
  }
  return true;
}

void Deb822Parser::finish() {
  if (!stopped_) flush();
}

Result<Deb822Stats> Deb822Parser::parse(ByteStream& stream) {
  SHOUWEI_TRY(LineStats lines,
              for_each_line(stream, [this](std::string_view line) { return feed_line(line); }));
  finish();
  stats_.overlong_lines += lines.overlong;
  return stats_;
}

std::string_view strip_clearsign(std::string_view text) {
  constexpr std::string_view kBegin = "-----BEGIN PGP SIGNED MESSAGE-----";
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text.substr(start, kBegin.size()) != kBegin) return text;
  // Armor headers ("Hash: SHA256") end at the first empty line.
  std::size_t body = text.find("\n\n", start);
  std::size_t body_crlf = text.find("\n\r\n", start);
  if (body == std::string_view::npos && body_crlf == std::string_view::npos) return {};
  std::size_t skip = body <= body_crlf ? body + 2 : body_crlf + 3;
  std::string_view signed_text = text.substr(skip);
  std::size_t sig = signed_text.find("\n-----BEGIN PGP SIGNATURE-----");
  return sig == std::string_view::npos ? signed_text : signed_text.substr(0, sig + 1);
}

}  // namespace shouwei::collectors::patches
