#include "commands.hpp"

namespace shouwei::ctl {

// Placeholder until this command family is built.
void add_report_commands(CLI::App& app) { (void)app; }

}  // namespace shouwei::ctl
