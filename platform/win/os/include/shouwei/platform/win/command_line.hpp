// The process's command-line arguments as UTF-8. The narrow argv that main() receives from the
// mingw-w64 runtime is in the ANSI code page, so a Chinese configuration path arrives as '?'s;
// the wide command line (GetCommandLineW) is what the user typed.
#pragma once

#include <string>
#include <vector>

namespace shouwei::win {

// argv[0..n) of this process split by CommandLineToArgvW and converted to UTF-8 (unpaired
// surrogates as U+FFFD). Empty when the command line cannot be split.
std::vector<std::string> utf8_arguments();

// Keeps UTF-8 arguments alive and offers them as argc/argv for a parser that wants char**.
class Utf8Argv {
 public:
  // Falls back to the given argv when the wide command line cannot be had.
  Utf8Argv(int argc, char** argv);
  int argc() const { return static_cast<int>(pointers_.size()) - 1; }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> args_;
  std::vector<char*> pointers_;  // args_'s data, then a null pointer, as main's argv ends
};

}  // namespace shouwei::win
