// Windows implementation of shouwei/os/files.hpp: a temporary file next to the target, written
// and flushed (FlushFileBuffers), then MoveFileExW(MOVEFILE_WRITE_THROUGH) into place;
// owner_only files are created with a protected DACL for SYSTEM and Administrators only.
#include <atomic>
#include <optional>
#include <string>
#include <windows.h>

#include "shouwei/os/files.hpp"
#include "shouwei/os/utf8_path.hpp"
#include "shouwei/platform/win/file_security.hpp"
#include "shouwei/platform/win/handle.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::os {
namespace fs = std::filesystem;

namespace {

std::string subject(const fs::path& path, std::string_view action) {
  return path_to_utf8(path) + ": " + std::string(action);
}

Result<void> write_all(HANDLE file, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    const DWORD chunk = data.size() > (1u << 30) ? (1u << 30) : static_cast<DWORD>(data.size());
    DWORD written = 0;
    if (!::WriteFile(file, data.data(), chunk, &written, nullptr)) {
      return fail(win::last_error(subject(path, "WriteFile")));
    }
    data.remove_prefix(written);
  }
  return {};
}

// A name for the temporary file that no concurrent writer in this or another process picks.
fs::path temporary_name(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  const std::wstring suffix = L".tmp" + std::to_wstring(::GetCurrentProcessId()) + L"_" +
                              std::to_wstring(counter.fetch_add(1)) + L"_" +
                              std::to_wstring(::GetTickCount64());
  return path.parent_path() / (L"." + path.filename().native() + suffix);
}

// Writes data to a new temporary file next to path, with its final ACL, flushed to disk.
Result<fs::path> write_temporary(const fs::path& path, std::string_view data, FileMode mode) {
  std::optional<win::SecurityAttributes> security;
  if (mode == FileMode::owner_only) {
    SHOUWEI_TRY(auto sa, win::SecurityAttributes::from_sddl(win::kPrivateFileSddl));
    security.emplace(std::move(sa));
  }
  const fs::path tmp = temporary_name(path);
  win::UniqueHandle file(::CreateFileW(tmp.c_str(), GENERIC_WRITE, 0,
                                       security ? security->get() : nullptr, CREATE_NEW,
                                       FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file.valid()) return fail(win::last_error(subject(path, "cannot create temporary file")));
  auto cleanup_fail = [&](Error e) {
    file.reset();
    ::DeleteFileW(tmp.c_str());
    return fail(std::move(e));
  };
  if (auto r = write_all(file.get(), data, path); !r) return cleanup_fail(r.error());
  if (!::FlushFileBuffers(file.get()))
    return cleanup_fail(win::last_error(subject(path, "FlushFileBuffers")));
  file.reset();
  return tmp;
}

Result<void> move_into_place(const fs::path& tmp, const fs::path& path, DWORD flags) {
  if (::MoveFileExW(tmp.c_str(), path.c_str(), flags | MOVEFILE_WRITE_THROUGH)) return {};
  const DWORD code = ::GetLastError();
  ::DeleteFileW(tmp.c_str());
  if (code == ERROR_ALREADY_EXISTS || code == ERROR_FILE_EXISTS) {
    return fail(Errc::conflict, path_to_utf8(path) + ": already exists, not overwritten");
  }
  return fail(win::win32_error(code, subject(path, "MoveFileExW")));
}

}  // namespace

Result<void> write_file_atomic(const fs::path& path, std::string_view data, FileMode mode) {
  SHOUWEI_TRY(fs::path tmp, write_temporary(path, data, mode));
  return move_into_place(tmp, path, MOVEFILE_REPLACE_EXISTING);
}

Result<void> write_file_new(const fs::path& path, std::string_view data, FileMode mode) {
  SHOUWEI_TRY(fs::path tmp, write_temporary(path, data, mode));
  // Without MOVEFILE_REPLACE_EXISTING the rename fails when path exists, even if it was
  // created concurrently: the file system checks and renames in one step.
  return move_into_place(tmp, path, 0);
}

Result<void> require_owner_only(const fs::path& path) {
  SHOUWEI_TRY(std::vector<std::string> foreign, win::foreign_principals(path));
  if (foreign.empty()) return {};
  std::string who;
  for (const auto& name : foreign) who += (who.empty() ? "" : ", ") + name;
  const std::string p = path_to_utf8(path);
  return fail(Errc::permission_denied, p + ": private key file is accessible by " + who +
                                           "; run: icacls \"" + p +
                                           "\" /inheritance:r /grant:r SYSTEM:F Administrators:F");
}

Result<void> ensure_private_dir(const fs::path& dir) {
  const DWORD attributes = ::GetFileAttributesW(dir.c_str());
  if (attributes != INVALID_FILE_ATTRIBUTES) {
    if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
      return fail(Errc::invalid_argument, path_to_utf8(dir) + ": exists and is not a directory");
    }
  } else {
    std::error_code ec;
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
    SHOUWEI_TRY(auto security, win::SecurityAttributes::from_sddl(win::kPrivateDirSddl));
    if (!::CreateDirectoryW(dir.c_str(), security.get()) &&
        ::GetLastError() != ERROR_ALREADY_EXISTS) {
      return fail(win::last_error(subject(dir, "cannot create directory")));
    }
  }
  // Windows has no access(W_OK): probe by creating a file that disappears when closed.
  const fs::path probe = dir / (L".shouwei-probe-" + std::to_wstring(::GetCurrentProcessId()));
  win::UniqueHandle file(::CreateFileW(probe.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                                       FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE,
                                       nullptr));
  if (!file.valid()) return fail(win::last_error(subject(dir, "directory is not writable")));
  return {};
}

}  // namespace shouwei::os
