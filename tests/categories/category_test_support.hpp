// Helpers for the category tests: temporary list trees and compiled files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "../common/temp_dir.hpp"
#include "shouwei/collectors/categories/category_db.hpp"

namespace shouwei::collectors::categories::testing {

using TempDir = shouwei::test::TempDir;  // tests/common/temp_dir.hpp

// Writes text to dir/relative, creating parent directories.
void write_text(const std::filesystem::path& dir, std::string_view relative, std::string_view text);

// Imports every source under dir and returns the compiled bytes (REQUIREs success).
std::string compile_dir(const std::filesystem::path& dir);

// Opens compiled bytes in memory (REQUIREs success). REQUIRES: bytes outlive the result.
CategoryDb open_bytes(const std::string& bytes);

// "a,b,c" of a lookup, "" when nothing matched: compact expected values in CHECKs.
std::string joined(const CategoryDb& db, std::string_view query);

}  // namespace shouwei::collectors::categories::testing
