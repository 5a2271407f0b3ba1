// AvProducts on Windows: files by Windows path (environment variables expanded), processes
// from a Toolhelp snapshot, HKLM values through the registry reader.
// windows.h first: the other Windows headers need its types.
// clang-format off
#include <windows.h>
#include <shlwapi.h>
#include <tlhelp32.h>
// clang-format on

#include <algorithm>

#include "shouwei/platform/win/antivirus_ports.hpp"
#include "shouwei/platform/win/handle.hpp"
#include "shouwei/platform/win/registry.hpp"
#include "shouwei/platform/win/wide.hpp"
#include "shouwei/platform/win/win32_error.hpp"

namespace shouwei::platform::win {
namespace {

using collectors::antivirus::FileInfo;
using collectors::antivirus::RegistryValue;
namespace sw = shouwei::win;

constexpr std::size_t kMaxGlobMatches = 100000;
constexpr std::size_t kMaxProcesses = 100000;

TimePoint from_filetime(const FILETIME& ft) {
  ULARGE_INTEGER ticks;
  ticks.LowPart = ft.dwLowDateTime;
  ticks.HighPart = ft.dwHighDateTime;
  constexpr ULONGLONG kUnixEpochTicks = 116444736000000000ULL;
  auto since = static_cast<long long>(ticks.QuadPart) - static_cast<long long>(kUnixEpochTicks);
  return TimePoint(
      std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(since / 10)));
}

// "%ProgramFiles%\\Vendor\\x.ini" -> "C:\\Program Files\\Vendor\\x.ini", as UTF-16.
Result<std::wstring> expand(std::string_view path) {
  SHOUWEI_TRY(std::wstring wide, sw::to_wide(path, "antivirus path"));
  DWORD needed = ::ExpandEnvironmentStringsW(wide.c_str(), nullptr, 0);
  if (needed == 0) return fail(sw::last_error("ExpandEnvironmentStrings " + std::string(path)));
  std::wstring out(needed, L'\0');
  DWORD written = ::ExpandEnvironmentStringsW(wide.c_str(), out.data(), needed);
  if (written == 0 || written > needed)
    return fail(sw::last_error("ExpandEnvironmentStrings " + std::string(path)));
  out.resize(written - 1);  // without the terminating NUL
  return out;
}

// Up to `limit` bytes; with `whole`, a longer file fails (limit_exceeded).
Result<std::string> read_bytes(std::string_view path, std::size_t limit, bool whole) {
  SHOUWEI_TRY(std::wstring wide, expand(path));
  sw::UniqueHandle file(::CreateFileW(wide.c_str(), GENERIC_READ,
                                      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                      nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file.valid()) return fail(sw::last_error(std::string(path) + ": CreateFile"));
  std::string data;
  char buf[64 * 1024];
  for (;;) {
    DWORD got = 0;
    std::size_t want = std::min(sizeof buf, limit + (whole ? 1 : 0) - data.size());
    if (want == 0) break;
    if (!::ReadFile(file.get(), buf, static_cast<DWORD>(want), &got, nullptr))
      return fail(sw::last_error(std::string(path) + ": ReadFile"));
    if (got == 0) break;
    data.append(buf, got);
  }
  if (whole && data.size() > limit)
    return fail(Errc::limit_exceeded, std::string(path) + ": larger than the limit of " +
                                          std::to_string(limit) + " bytes");
  return data;
}

// "HKLM\\SOFTWARE\\..." or "HKEY_LOCAL_MACHINE\\SOFTWARE\\..." -> "SOFTWARE\\...".
std::optional<std::string_view> hklm_subkey(std::string_view key) {
  for (std::string_view prefix :
       {std::string_view("HKLM\\"), std::string_view("HKEY_LOCAL_MACHINE\\")}) {
    if (key.size() > prefix.size() &&
        std::equal(prefix.begin(), prefix.end(), key.begin(), [](char a, char b) {
          return a == (b >= 'a' && b <= 'z' ? char(b - 'a' + 'A') : b);
        })) {
      return key.substr(prefix.size());
    }
  }
  return std::nullopt;
}

class WindowsAvProducts final : public collectors::antivirus::AvProducts {
 public:
  Result<std::string> read_text(std::string_view path, std::size_t max_bytes) override {
    return read_bytes(path, max_bytes, true);
  }

  Result<std::string> read_head(std::string_view path, std::size_t n) override {
    return read_bytes(path, n, false);
  }

  Result<std::vector<FileInfo>> glob(std::string_view pattern) override {
    std::size_t sep = pattern.find_last_of("\\/");
    if (sep == std::string_view::npos || sep == 0)
      return fail(Errc::invalid_argument, std::string(pattern) + ": glob must be an absolute path");
    std::string_view dir = pattern.substr(0, sep), name_pattern = pattern.substr(sep + 1);
    if (dir.find_first_of("*?[") != std::string_view::npos ||
        name_pattern.find(';') != std::string_view::npos)
      return fail(Errc::invalid_argument,
                  std::string(pattern) + ": wildcards are allowed in the last component only");
    SHOUWEI_TRY(std::wstring wide_dir, expand(dir));
    SHOUWEI_TRY(std::wstring wide_pattern, sw::to_wide(name_pattern, "antivirus glob"));
    std::wstring query = wide_dir + L"\\*";
    WIN32_FIND_DATAW found{};
    HANDLE search = ::FindFirstFileExW(query.c_str(), FindExInfoBasic, &found,
                                       FindExSearchNameMatch, nullptr, 0);
    std::vector<FileInfo> out;
    if (search == INVALID_HANDLE_VALUE) {
      DWORD code = ::GetLastError();
      if (code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND) return out;  // no directory
      return fail(sw::win32_error(code, std::string(dir) + ": FindFirstFileEx"));
    }
    struct Closer {
      HANDLE h;
      ~Closer() { ::FindClose(h); }
    } closer{search};
    do {
      if (found.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE)) continue;
      if (!::PathMatchSpecW(found.cFileName, wide_pattern.c_str())) continue;
      if (out.size() >= kMaxGlobMatches)
        return fail(Errc::limit_exceeded, std::string(pattern) + ": more than " +
                                              std::to_string(kMaxGlobMatches) + " matches");
      ULARGE_INTEGER size;
      size.LowPart = found.nFileSizeLow;
      size.HighPart = found.nFileSizeHigh;
      out.push_back({std::string(dir) + "\\" + sw::to_utf8_lossy(found.cFileName),
                     from_filetime(found.ftLastWriteTime), size.QuadPart});
    } while (::FindNextFileW(search, &found));
    std::sort(out.begin(), out.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    return out;
  }

  Result<std::vector<std::string>> process_names() override {
    sw::UniqueHandle snapshot(::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0));
    if (!snapshot.valid()) return fail(sw::last_error("CreateToolhelp32Snapshot"));
    PROCESSENTRY32W entry{};
    entry.dwSize = sizeof entry;
    std::vector<std::string> names;
    for (BOOL more = ::Process32FirstW(snapshot.get(), &entry); more;
         more = ::Process32NextW(snapshot.get(), &entry)) {
      if (names.size() >= kMaxProcesses) break;
      if (entry.szExeFile[0] != L'\0') names.push_back(sw::to_utf8_lossy(entry.szExeFile));
    }
    if (names.empty()) return fail(Errc::unavailable, "Process32First: no processes listed");
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

  std::optional<TimePoint> local_to_utc(int year, int month, int day, int hour, int minute,
                                        int second) const override {
    if (year < 1601 || year > 30827 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 ||
        hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return std::nullopt;
    }
    SYSTEMTIME local{static_cast<WORD>(year),
                     static_cast<WORD>(month),
                     0,
                     static_cast<WORD>(day),
                     static_cast<WORD>(hour),
                     static_cast<WORD>(minute),
                     static_cast<WORD>(second),
                     0};
    SYSTEMTIME utc{};
    FILETIME ft{};
    if (!::TzSpecificLocalTimeToSystemTime(nullptr, &local, &utc) ||
        !::SystemTimeToFileTime(&utc, &ft))
      return std::nullopt;
    return from_filetime(ft);
  }

  std::string_view platform() const override { return "windows"; }

  Result<RegistryValue> read_registry_value(std::string_view key, std::string_view name) override {
    auto subkey = hklm_subkey(key);
    if (!subkey)
      return fail(Errc::invalid_argument, "registry " + std::string(key) + ": not under HKLM\\");
    SHOUWEI_TRY(sw::RegistryKey opened, sw::RegistryKey::open(HKEY_LOCAL_MACHINE, *subkey));
    auto absent = [&] {
      return fail(Errc::not_found,
                  opened.display_path() + "\\" + std::string(name) + ": no such value");
    };
    RegistryValue out;
    // The reader is typed: try text, then numbers, then multi-strings (Errc::parse: other type).
    auto text = opened.string_value(name);
    if (text) {
      if (!*text) return absent();
      out.kind = RegistryValue::Kind::text;
      out.text = std::move(**text);
      return out;
    }
    if (text.error().code != Errc::parse) return fail(std::move(text).error());
    auto number = opened.number_value(name);
    if (number && *number) {
      out.kind = RegistryValue::Kind::number;
      out.number = **number;
      return out;
    }
    auto strings = opened.multi_string_value(name);
    if (strings && *strings) {
      out.kind = RegistryValue::Kind::text;
      for (const auto& s : **strings) out.text += (out.text.empty() ? "" : "\n") + s;
      return out;
    }
    return out;  // present, of another type (REG_BINARY, ...)
  }
};

}  // namespace

std::unique_ptr<collectors::antivirus::AvProducts> make_windows_av_products() {
  return std::make_unique<WindowsAvProducts>();
}

}  // namespace shouwei::platform::win
