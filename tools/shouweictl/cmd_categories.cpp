// shouweictl categories build | lookup: compile UT1-format category lists into the file the
// agent memory-maps, and query such a file the way the agent does.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "shouwei/collectors/categories/category_db.hpp"
#include "shouwei/collectors/categories/category_db_builder.hpp"
#include "shouwei/collectors/categories/category_map.hpp"
#include "shouwei/collectors/categories/list_import.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/os/files.hpp"

namespace shouwei::ctl {
namespace {
namespace cat = collectors::categories;

[[noreturn]] void fail_categories(std::string_view sub, const Error& error) {
  std::cerr << "shouweictl categories " << sub << ": " << error.message << '\n';
  throw CommandExit{exit_code_for(error.code)};
}

struct BuildOptions {
  std::vector<std::string> sources;
  std::string out;
};

void run_build(const BuildOptions& opt) {
  const auto start = std::chrono::steady_clock::now();
  cat::CategoryDbBuilder builder;
  cat::ImportReport report;
  for (const auto& dir : opt.sources) {
    if (auto r = cat::import_list_dir(dir, builder, report); !r)
      fail_categories("build", r.error());
  }
  cat::BuildStats stats;
  auto bytes = builder.build(&stats);
  if (!bytes) fail_categories("build", bytes.error());
  if (auto r = os::write_file_atomic(opt.out, *bytes, os::FileMode::public_read); !r) {
    fail_categories("build", r.error());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  for (const auto& rejected : report.rejected_examples) {
    std::cerr << "rejected: " << rejected.file << ':' << rejected.line << ": " << rejected.reason
              << '\n';
  }
  if (report.rejected_lines > report.rejected_examples.size()) {
    std::cerr << "rejected: ... and " << report.rejected_lines - report.rejected_examples.size()
              << " more lines\n";
  }
  for (const auto& skipped : report.skipped_paths) std::cerr << "not imported: " << skipped << '\n';
  const double per_domain = stats.domains == 0 ? 0.0
                                               : static_cast<double>(stats.file_bytes) /
                                                     static_cast<double>(stats.domains);
  std::cout << "categories:        " << stats.categories << " (" << report.categories << " lists)\n"
            << "lines accepted:    " << report.domain_lines << " domain, " << report.url_lines
            << " url\n"
            << "lines rejected:    " << report.rejected_lines << '\n'
            << "lines skipped:     " << report.skipped_lines << " (blank or comment)\n"
            << "distinct domains:  " << stats.domains << '\n'
            << "distinct urls:     " << stats.urls << " on " << stats.url_hosts << " hosts\n"
            << "category sets:     " << stats.category_sets << '\n'
            << "fp collisions:     " << stats.fingerprint_collisions << '\n'
            << "file:              " << opt.out << ", " << stats.file_bytes << " bytes ("
            << per_domain << " per domain)\n"
            << "sha256:            " << sha256_hex(*bytes) << '\n'
            << "build time:        " << seconds << " s\n";
}

struct LookupOptions {
  std::string file;
  std::vector<std::string> queries;
  bool product = false;
};

void run_lookup(const LookupOptions& opt) {
  auto db = cat::CategoryDb::open(opt.file);
  if (!db) fail_categories("lookup", db.error());
  const cat::CategoryMap map = cat::CategoryMap::defaults();
  for (const auto& query : opt.queries) {
    const auto sources = db->lookup(query);
    std::string line;
    if (opt.product) {
      for (const auto& c : map.product_categories(sources)) line += (line.empty() ? "" : ",") + c;
    } else {
      for (const auto c : sources) {
        if (!line.empty()) line += ',';
        line += c;
      }
    }
    std::cout << query << '\t' << (line.empty() ? "-" : line) << '\n';
  }
}

}  // namespace

void add_category_commands(CLI::App& app) {
  CLI::App* categories = app.add_subcommand(
      "categories", "Compile and query URL category databases (UT1 / squidGuard list format)");
  categories->require_subcommand(1);

  auto build = std::make_shared<BuildOptions>();
  CLI::App* b = categories->add_subcommand(
      "build",
      "Import UT1-format folders (<category>/domains, <category>/urls) into a compiled file");
  b->add_option("--from", build->sources, "Source directory; repeat for several")->required();
  b->add_option("--out", build->out, "Compiled category file to write (replaced atomically)")
      ->required();
  b->callback([build] { run_build(*build); });

  auto lookup = std::make_shared<LookupOptions>();
  CLI::App* l = categories->add_subcommand(
      "lookup",
      "Print the categories of hosts or URLs: one line per query, QUERY<TAB>a,b or QUERY<TAB>-");
  l->add_option("file", lookup->file, "Compiled category file")->required();
  l->add_option("queries", lookup->queries, "Hosts or URLs")->required();
  l->add_flag("--product", lookup->product,
              "Print product categories (adult, gambling, ...) through the default map");
  l->callback([lookup] { run_lookup(*lookup); });
}

}  // namespace shouwei::ctl
