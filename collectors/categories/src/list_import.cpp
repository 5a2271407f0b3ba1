#include "shouwei/collectors/categories/list_import.hpp"

#include <algorithm>
#include <system_error>

#include "shouwei/common/file_io.hpp"

namespace shouwei::collectors::categories {
namespace fs = std::filesystem;

namespace {

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

void reject(ImportReport& report, std::string_view file, std::size_t line,
            std::string_view reason) {
  ++report.rejected_lines;
  if (report.rejected_examples.size() < ImportReport::kMaxRejectedExamples) {
    report.rejected_examples.push_back({std::string(file), line, std::string(reason)});
  }
}

Result<void> import_file(const fs::path& path, std::string_view category, std::string_view kind,
                         CategoryDbBuilder& builder, ImportReport& report) {
  SHOUWEI_TRY(const std::string text, read_file(path, kMaxListFileBytes));
  import_list_text(text, category, kind, path.string(), builder, report);
  return {};
}

bool is_regular(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// Imports dir as one UT1 category folder named category; false when it holds no list.
Result<bool> import_category_folder(const fs::path& dir, std::string_view category,
                                    CategoryDbBuilder& builder, ImportReport& report) {
  bool found = false;
  for (const std::string_view kind : {"domains", "urls"}) {
    const fs::path list = dir / kind;
    if (!is_regular(list)) continue;
    SHOUWEI_TRY_VOID(import_file(list, category, kind, builder, report));
    found = true;
  }
  if (is_regular(dir / "expressions"))
    report.skipped_paths.push_back((dir / "expressions").string());
  if (found) ++report.categories;
  return found;
}

}  // namespace

void import_list_text(std::string_view text, std::string_view category, std::string_view kind,
                      std::string_view file, CategoryDbBuilder& builder, ImportReport& report) {
  if (!CategoryDbBuilder::valid_category_name(category)) {
    reject(report, file, 0, "invalid category name (1..64 printable bytes, no space or '/')");
    return;
  }
  const bool urls = kind == "urls";
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t eol = std::min(text.find('\n'), text.size());
    const std::string_view line = trim(text.substr(0, eol));
    text.remove_prefix(std::min(eol + 1, text.size()));
    ++line_number;
    if (line.empty() || line.front() == '#') {
      ++report.skipped_lines;
      continue;
    }
    const std::size_t field_end = std::min(line.find_first_of(" \t"), line.size());
    const std::string_view entry = line.substr(0, field_end);
    const std::string_view rest = trim(line.substr(field_end));
    if (!rest.empty() && rest.front() != '#') {
      reject(report, file, line_number, "more than one field");
      continue;
    }
    std::string_view why = "rejected";
    const bool ok =
        urls ? builder.add_url(category, entry, &why) : builder.add_domain(category, entry, &why);
    if (!ok) {
      reject(report, file, line_number, why);
    } else if (urls) {
      ++report.url_lines;
    } else {
      ++report.domain_lines;
    }
  }
}

Result<void> import_list_dir(const fs::path& dir, CategoryDbBuilder& builder,
                             ImportReport& report) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fail(Errc::not_found, dir.string() + ": not a directory of category lists");
  }
  const std::size_t before = report.categories;
  // The folder is itself one category.
  SHOUWEI_TRY(const bool single,
              import_category_folder(dir, dir.filename().string(), builder, report));
  if (single) return {};

  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    entries.push_back(*it);
  if (ec) return fail(Errc::io, dir.string() + ": cannot list directory: " + ec.message());
  std::sort(entries.begin(), entries.end());  // deterministic reports

  for (const auto& entry : entries) {
    const fs::path& path = entry.path();
    const std::string name = path.filename().string();
    if (entry.is_symlink(ec)) {
      report.skipped_paths.push_back(path.string());
      continue;
    }
    if (entry.is_directory(ec)) {
      SHOUWEI_TRY_VOID(import_category_folder(path, name, builder, report));
    } else if (entry.is_regular_file(ec) && path.extension() == ".domains") {
      SHOUWEI_TRY_VOID(import_file(path, path.stem().string(), "domains", builder, report));
      ++report.categories;
    }
  }
  if (report.categories == before) {
    return fail(Errc::not_found, dir.string() +
                                     ": no category lists (<category>/domains, "
                                     "<category>/urls or <category>.domains)");
  }
  return {};
}

}  // namespace shouwei::collectors::categories
