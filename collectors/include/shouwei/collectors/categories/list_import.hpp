// Imports category lists from disk into a CategoryDbBuilder.
//
// A source directory may hold:
//  - UT1-format category folders, "<category>/domains" and "<category>/urls" (the format
//    squidGuard and e2guardian read); "expressions" (regular expressions) are not imported;
//  - flat lists "<category>.domains" (one host per line, as in ../shared/data/categories/extra);
//  - or be a category folder itself (it holds "domains" or "urls"): its name is the category.
// Symbolic links to category folders (UT1 ships aliases such as porn -> adult) are skipped,
// so a list is never imported twice under two names.
//
// Lines: blank lines and lines starting with '#' are skipped; CR before LF, surrounding
// spaces, upper case, a trailing dot and a leading "*." or "." are tolerated. A line whose
// first field is not a usable entry, or that has more fields (hosts-file lines such as
// "0.0.0.0 example.com"), is rejected and counted, and the import carries on.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "shouwei/collectors/categories/category_db_builder.hpp"
#include "shouwei/common/result.hpp"

namespace shouwei::collectors::categories {

// Each list file is read whole; larger files are refused (the biggest UT1 list is ~5 MB).
inline constexpr std::size_t kMaxListFileBytes = std::size_t{256} << 20;

struct RejectedLine {
  std::string file;
  std::size_t line = 0;  // 1-based
  std::string reason;
};

struct ImportReport {
  std::size_t categories = 0;     // category folders and flat lists read
  std::size_t domain_lines = 0;   // accepted
  std::size_t url_lines = 0;      // accepted
  std::size_t skipped_lines = 0;  // blank or comment
  std::size_t rejected_lines = 0;
  std::vector<RejectedLine> rejected_examples;  // the first kMaxRejectedExamples
  std::vector<std::string> skipped_paths;       // aliases (symlinks) and regex lists not imported

  static constexpr std::size_t kMaxRejectedExamples = 20;
};

// Imports one source directory (see above). Fails naming the path when it is missing,
// unreadable, holds no category list at all, or a list file cannot be read; malformed lines
// are not failures (they are counted in report).
Result<void> import_list_dir(const std::filesystem::path& dir, CategoryDbBuilder& builder,
                             ImportReport& report);

// Imports one list file's text for a category. kind is "domains" or "urls"; file names the
// source in rejected-line examples.
void import_list_text(std::string_view text, std::string_view category, std::string_view kind,
                      std::string_view file, CategoryDbBuilder& builder, ImportReport& report);

}  // namespace shouwei::collectors::categories
