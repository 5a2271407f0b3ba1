#include "shouwei/agent/category_db_install.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>

#include "shouwei/agent/policy_store.hpp"
#include "shouwei/common/encoding.hpp"
#include "shouwei/os/files.hpp"
#include "shouwei/os/utf8_path.hpp"

namespace shouwei::agent {
namespace fs = std::filesystem;
namespace categories = collectors::categories;

namespace {

constexpr std::string_view kInUseMeta = "category_db";
constexpr std::string_view kPartName = "download.part";

std::string file_name(const std::string& sha256) {
  return sha256 + ".db";
}

// SHA-256 hex of a file read in pieces; nullopt when it cannot be read.
std::optional<std::string> hash_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  Sha256Stream digest;
  std::array<char, 64 * 1024> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    digest.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) return std::nullopt;
  return digest.finish_hex();
}

std::optional<InstalledCategoryDb> parse_meta(const std::string& text) {
  std::istringstream in(text);
  InstalledCategoryDb db;
  if (!(in >> db.version >> db.sha256) || db.sha256.size() != 64) return std::nullopt;
  return db;
}

}  // namespace

Result<std::optional<InstalledCategoryDb>> CategoryDbInstaller::restore() {
  SHOUWEI_TRY(auto meta, state_.get_meta(kInUseMeta));
  if (!meta || meta->empty()) return std::optional<InstalledCategoryDb>{};
  auto recorded = parse_meta(*meta);
  const fs::path path = recorded ? dir() / file_name(recorded->sha256) : fs::path();
  auto forget = [&](const std::string& why) -> Result<std::optional<InstalledCategoryDb>> {
    spdlog::warn("category database from the policy not restored: {}; it is downloaded again", why);
    SHOUWEI_TRY_VOID(state_.set_meta(kInUseMeta, ""));
    return std::optional<InstalledCategoryDb>{};
  };
  if (!recorded) return forget("state meta '" + std::string(kInUseMeta) + "' is malformed");
  if (hash_file(path) != recorded->sha256)
    return forget(path_to_utf8(path) + " is missing or damaged");
  auto db = categories::CategoryDb::open(path);
  if (!db) return forget(db.error().message);
  holder_.store(std::make_shared<const categories::CategoryDb>(std::move(db).value()));
  in_use_ = recorded;
  remove_others(recorded->sha256);
  return in_use_;
}

std::optional<CategoryDbFailure> CategoryDbInstaller::install(const policy::CategoryDb& wanted,
                                                              PolicySource& source) {
  if (is_in_use(wanted)) return std::nullopt;
  if (auto made = os::ensure_private_dir(dir()); !made) {
    return CategoryDbFailure{kCategoryDbDownloadFailed, made.error().message};
  }
  const fs::path part = dir() / kPartName;
  auto downloaded = source.download(wanted.url, part, kMaxDownloadBytes);
  if (!downloaded) {
    return CategoryDbFailure{kCategoryDbDownloadFailed,
                             "category database " + wanted.url + ": " + downloaded.error().message};
  }
  std::error_code ec;
  if (*downloaded != wanted.sha256) {
    fs::remove(part, ec);
    return CategoryDbFailure{kCategoryDbHashMismatch,
                             "category database " + wanted.url + ": SHA-256 " + *downloaded +
                                 " differs from the policy's " + wanted.sha256 +
                                 " (truncated or altered download)"};
  }
  // Renamed before it is opened: a mapped file cannot be renamed on every platform.
  const fs::path final_path = dir() / file_name(wanted.sha256);
  fs::rename(part, final_path, ec);
  if (ec) {
    fs::remove(part, ec);
    return CategoryDbFailure{
        kCategoryDbDownloadFailed,
        path_to_utf8(final_path) + ": cannot move the download into place: " + ec.message()};
  }
  auto db = categories::CategoryDb::open(final_path);
  if (!db) {
    fs::remove(final_path, ec);
    return CategoryDbFailure{kCategoryDbInvalid, db.error().message};
  }
  InstalledCategoryDb installed{wanted.version, wanted.sha256};
  if (auto saved =
          state_.set_meta(kInUseMeta, std::to_string(installed.version) + " " + installed.sha256);
      !saved) {
    return CategoryDbFailure{kCategoryDbDownloadFailed, saved.error().message};
  }
  holder_.store(std::make_shared<const categories::CategoryDb>(std::move(db).value()));
  in_use_ = installed;
  spdlog::info("category database version {} ({}) in use", installed.version, installed.sha256);
  remove_others(installed.sha256);
  return std::nullopt;
}

void CategoryDbInstaller::remove_others(const std::string& keep_sha256) const {
  // Lookups still running keep the old mapping alive; where the platform refuses to delete a
  // mapped file, it is removed at a later install or restart instead.
  std::error_code ec;
  for (fs::directory_iterator it(dir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == file_name(keep_sha256)) continue;
    std::error_code ignored;
    fs::remove(it->path(), ignored);
  }
}

}  // namespace shouwei::agent
