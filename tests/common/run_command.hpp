// Runs a program's command line the way an administrator would (tests of shouweictl and
// other binaries): standard output captured, standard error discarded, exit status returned.
#pragma once

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <sys/wait.h>

namespace shouwei::test {

struct CommandRun {
  int status;  // the exit status, or -1 when the program did not exit normally
  std::string out;
};

// command_line is passed to /bin/sh: arguments must already be quoted. Returns status -1 and
// no output when the shell cannot be started.
inline CommandRun run_command(const std::string& command_line) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command_line + " 2>/dev/null").c_str(), "r"),
                                             ::pclose);
  if (pipe == nullptr) return {-1, {}};
  std::string out;
  std::array<char, 4096> buffer;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get()))
    out.append(buffer.data(), n);
  const int raw = ::pclose(pipe.release());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, out};
}

}  // namespace shouwei::test
