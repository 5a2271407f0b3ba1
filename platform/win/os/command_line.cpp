#include "shouwei/platform/win/command_line.hpp"

// clang-format off
#include <windows.h>
#include <shellapi.h>
// clang-format on

#include "shouwei/platform/win/wide.hpp"

namespace shouwei::win {

std::vector<std::string> utf8_arguments() {
  int count = 0;
  wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
  if (wide == nullptr) return {};
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) out.push_back(to_utf8_lossy(wide[i]));
  ::LocalFree(wide);
  return out;
}

Utf8Argv::Utf8Argv(int argc, char** argv) : args_(utf8_arguments()) {
  if (args_.empty()) args_.assign(argv, argv + argc);
  for (auto& arg : args_) pointers_.push_back(arg.data());
  pointers_.push_back(nullptr);
}

}  // namespace shouwei::win
