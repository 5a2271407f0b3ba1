// shouweictl categories build | lookup | push: compile UT1-format category lists into the file
// the agent memory-maps, query such a file the way the agent does, and upload it to
// shouwei-server, which serves it by its SHA-256 to the agents whose policy names it.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "server_call.hpp"
#include "shouwei/collectors/categories/category_db.hpp"
#include "shouwei/collectors/categories/category_db_builder.hpp"
#include "shouwei/collectors/categories/category_map.hpp"
#include "shouwei/collectors/categories/list_import.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/common/exit_codes.hpp"
#include "shouwei/common/file_io.hpp"
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

struct PushOptions {
  ServerOptions server;
  std::string file;
};

// The largest file read for an upload; the server enforces its own max_category_bytes.
constexpr std::size_t kMaxUploadBytes = 1u << 30;

void run_push(const PushOptions& opt) {
  constexpr std::string_view kCommand = "categories push";
  auto bytes = value_or_exit(kCommand, read_file(opt.file, kMaxUploadBytes));
  // The agents' reader checks it whole (offsets, trailer hash): a truncated copy is caught here
  // rather than by the server after the upload.
  if (auto db = cat::CategoryDb::from_bytes(bytes, opt.file); !db)
    fail_categories("push", db.error());
  HttpsRequest request;
  request.method = "POST";
  request.path = "/api/v1/categories";
  request.body = std::move(bytes);
  request.content_type = "application/octet-stream";
  HttpsResponse r = call_server(kCommand, opt.server, std::move(request));
  if (r.status != 200) {
    exit_refused(kCommand, r.status >= 500 ? kExitUnavailable : kExitFailure, opt.server,
                 "/api/v1/categories", r);
  }
  const boost::json::object o = answer_object(kCommand, r);
  const std::string sha = scalar_text(o, "sha256");
  const std::string url = scalar_text(o, "url");
  const boost::json::value* version = o.if_contains("version");
  std::cout << "sha256:  " << sha << '\n'
            << "url:     " << url << '\n'
            << "bytes:   " << scalar_text(o, "bytes") << '\n'
            << "version: " << scalar_text(o, "version") << '\n'
            << "policy category_db: "
            << boost::json::serialize(boost::json::object{
                   {"url", url},
                   {"sha256", sha},
                   {"version", version != nullptr ? *version : boost::json::value()}})
            << '\n';
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

  auto push = std::make_shared<PushOptions>();
  CLI::App* p = categories->add_subcommand(
      "push",
      "Upload a compiled category file to shouwei-server; prints the category_db entry (url, "
      "sha256, version) to put into the policy");
  add_server_options(p, push->server, "admin");
  p->add_option("file", push->file, "Compiled category file (categories build's output)")
      ->required();
  p->callback([push] { run_push(*push); });
}

}  // namespace shouwei::ctl
