// Streaming parser for deb822 control data (dpkg's status database, apt's Packages indexes,
// Release files). Only the fields the caller asks for are kept, so a 50 MB index costs the
// size of one paragraph. Input is untrusted: lines are capped (see for_each_line), and a
// malformed line is counted and skipped, never fatal.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shouwei/collectors/patches/byte_stream.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::patches {

// The wanted fields of one paragraph, in the order given to the parser; nullopt when absent.
using Deb822Fields = std::vector<std::optional<std::string>>;

struct Deb822Stats {
  std::size_t paragraphs = 0;
  std::size_t malformed_lines = 0;  // neither "Field: value", continuation, nor blank
  std::size_t overlong_lines = 0;
};

class Deb822Parser {
 public:
  // Field names match case-insensitively, as deb822 requires. `on_paragraph` returns false to
  // stop early. Values are trimmed; continuation lines are appended after a '\n'.
  Deb822Parser(std::vector<std::string> wanted,
               std::function<bool(const Deb822Fields&)> on_paragraph);

  // Feeds one line (no '\n'). Returns false once the visitor asked to stop.
  bool feed_line(std::string_view line);
  // Flushes the last paragraph when the input does not end with a blank line.
  void finish();
  // Feeds a whole stream and finishes.
  Result<Deb822Stats> parse(ByteStream& stream);

  const Deb822Stats& stats() const noexcept { return stats_; }

 private:
  bool flush();

  std::vector<std::string> wanted_;
  std::function<bool(const Deb822Fields&)> on_paragraph_;
  Deb822Fields current_;
  bool in_paragraph_ = false;
  int last_field_ = -2;  // index of the field being continued; -1 = unwanted field, -2 = none
  bool stopped_ = false;
  Deb822Stats stats_;
};

// Strips an OpenPGP clear-signature wrapper (InRelease) if present and returns the signed text.
// The signature is not verified here: apt verified it when it wrote the file.
std::string_view strip_clearsign(std::string_view text);

}  // namespace shouwei::collectors::patches
