// Windows implementation of shouwei/os/mapped_file.hpp: CreateFileW + CreateFileMappingW +
// MapViewOfFile(FILE_MAP_READ). The file and mapping handles are closed at once; the view keeps
// the section alive until UnmapViewOfFile.
//
// Unlike Linux, Windows refuses to replace a file while a view of it is mapped (MoveFileExW
// fails with access denied), so a replacement waits until the mapping is dropped.
#include <cstdint>
#include <string>
#include <windows.h>

#include "shouwei/os/mapped_file.hpp"
#include "shouwei/os/utf8_path.hpp"
#include "shouwei/platform/win/handle.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::os {

Result<MappedFile> MappedFile::open(const std::filesystem::path& path, std::size_t max_bytes) {
  const std::string name = path_to_utf8(path);
  win::UniqueHandle file(::CreateFileW(path.c_str(), GENERIC_READ,
                                       FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                       FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file.valid()) return fail(win::last_error(name + ": cannot open"));
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(file.get(), &info)) {
    return fail(win::last_error(name + ": cannot stat"));
  }
  const bool regular =
      (info.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE)) == 0;
  const std::uint64_t size =
      (static_cast<std::uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
  SHOUWEI_TRY_VOID(check_mappable(name, regular, size, max_bytes));
  if (size == 0) return MappedFile{};  // CreateFileMapping refuses empty files
  win::UniqueHandle mapping(
      ::CreateFileMappingW(file.get(), nullptr, PAGE_READONLY, 0, 0, nullptr));
  if (!mapping.valid()) return fail(win::last_error(name + ": CreateFileMappingW"));
  const void* data = ::MapViewOfFile(mapping.get(), FILE_MAP_READ, 0, 0, 0);
  if (data == nullptr) return fail(win::last_error(name + ": MapViewOfFile"));
  return MappedFile{data, static_cast<std::size_t>(size)};
}

void MappedFile::unmap(const void* data, std::size_t) noexcept {
  ::UnmapViewOfFile(data);
}

}  // namespace shouwei::os
