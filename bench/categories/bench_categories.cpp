// Category lookup benchmarks.
//
//   bench_categories [benchmark flags]
//       Google Benchmark: match() and lookup() over a query stream, single thread. The compiled
//       file and the queries come from SHOUWEI_CATEGORY_FILE and SHOUWEI_CATEGORY_QUERIES
//       (one host or URL per line); without them the UT1 lists and the Tranco top 10k of
//       ../shared/data/categories are used (compiled in memory first).
//   bench_categories --stream FILE
//       Redirector-style: reads queries from stdin, writes "categories" or "-" per line to
//       stdout, like squidGuard does; run.sh times it and reads its peak RSS.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "shouwei/collectors/categories/category_db.hpp"
#include "shouwei/collectors/categories/category_db_builder.hpp"
#include "shouwei/collectors/categories/list_import.hpp"
#include "shouwei/common/file_io.hpp"

namespace cat = shouwei::collectors::categories;

namespace {

std::string data_path(const char* relative) {
  return std::string(SHOUWEI_SHARED_DATA) + "/categories/" + relative;
}

struct Fixture {
  std::string bytes;  // when compiled in memory
  std::shared_ptr<const cat::CategoryDb> db;
  std::vector<std::string> queries;

  Fixture() {
    const char* file = std::getenv("SHOUWEI_CATEGORY_FILE");
    if (file != nullptr) {
      auto opened = cat::CategoryDb::open(file);
      if (!opened) die(opened.error().message);
      db = std::make_shared<const cat::CategoryDb>(std::move(opened).value());
    } else {
      cat::CategoryDbBuilder builder;
      cat::ImportReport report;
      if (auto r = cat::import_list_dir(data_path("ut1"), builder, report); !r)
        die(r.error().message);
      auto built = builder.build();
      if (!built) die(built.error().message);
      bytes = std::move(built).value();
      auto opened = cat::CategoryDb::from_bytes(bytes, "ut1");
      if (!opened) die(opened.error().message);
      db = std::make_shared<const cat::CategoryDb>(std::move(opened).value());
    }
    const char* query_file = std::getenv("SHOUWEI_CATEGORY_QUERIES");
    const std::string qpath =
        query_file != nullptr ? query_file : data_path("top/tranco_top10k_2025-06.txt");
    auto text = shouwei::read_file(qpath);
    if (!text) die(text.error().message);
    std::string_view rest = *text;
    while (!rest.empty()) {
      const auto eol = std::min(rest.find('\n'), rest.size());
      if (eol > 0) queries.emplace_back(rest.substr(0, eol));
      rest.remove_prefix(std::min(eol + 1, rest.size()));
    }
    if (queries.empty()) die(qpath + ": no queries");
  }

  [[noreturn]] static void die(const std::string& message) {
    std::cerr << "bench_categories: " << message << '\n';
    std::exit(1);
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

void BM_match(benchmark::State& state) {
  const auto& f = fixture();
  std::size_t i = 0;
  std::size_t hits = 0;
  for (auto _ : state) {
    const cat::Match m = f.db->match(f.queries[i]);
    hits += m.any();
    benchmark::DoNotOptimize(m);
    if (++i == f.queries.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["hit_rate"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_match);

void BM_lookup_names(benchmark::State& state) {
  const auto& f = fixture();
  std::size_t i = 0;
  for (auto _ : state) {
    auto names = f.db->lookup(f.queries[i]);
    benchmark::DoNotOptimize(names.data());
    if (++i == f.queries.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_lookup_names);

// Stream mode: one lookup per stdin line, answers on stdout.
int stream(const char* file) {
  auto db = cat::CategoryDb::open(file);
  if (!db) {
    std::cerr << "bench_categories: " << db.error().message << '\n';
    return 1;
  }
  std::ios::sync_with_stdio(false);
  std::string line;
  std::string out;
  while (std::getline(std::cin, line)) {
    // squidGuard's input is "URL client/fqdn ident method"; the URL is the first field.
    const std::string_view query = std::string_view(line).substr(0, line.find(' '));
    out.clear();
    for (const auto c : db->lookup(query)) {
      if (!out.empty()) out += ',';
      out += c;
    }
    std::cout << (out.empty() ? "-" : out) << '\n';
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--stream") == 0) return stream(argv[2]);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
