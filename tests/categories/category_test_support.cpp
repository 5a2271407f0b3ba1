#include "category_test_support.hpp"

#include <fstream>

#include <doctest/doctest.h>

#include "shouwei/collectors/categories/category_db_builder.hpp"
#include "shouwei/collectors/categories/list_import.hpp"

namespace shouwei::collectors::categories::testing {
namespace fs = std::filesystem;

void write_text(const fs::path& dir, std::string_view relative, std::string_view text) {
  const fs::path p = dir / relative;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  REQUIRE(out.good());
}

std::string compile_dir(const fs::path& dir) {
  CategoryDbBuilder builder;
  ImportReport report;
  auto imported = import_list_dir(dir, builder, report);
  REQUIRE_MESSAGE(imported.ok(), (imported.ok() ? "" : imported.error().message));
  auto bytes = builder.build();
  REQUIRE(bytes.ok());
  return std::move(bytes).value();
}

CategoryDb open_bytes(const std::string& bytes) {
  auto db = CategoryDb::from_bytes(bytes, "test");
  REQUIRE_MESSAGE(db.ok(), (db.ok() ? "" : db.error().message));
  return std::move(db).value();
}

std::string joined(const CategoryDb& db, std::string_view query) {
  std::string out;
  for (const auto name : db.lookup(query)) {
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

}  // namespace shouwei::collectors::categories::testing
