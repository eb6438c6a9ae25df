#pragma once
// Each subcommand registers itself on the CLI11 app. Its parse callback stores the work to do in
// `action`; main() runs that action inside one try/catch that maps errors to exit codes:
//   0 ok, 2 bad input (InputError), 3 solver failure (SolverError), 4 I/O failure (IoError).
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace caspflow::cli {

using Action = std::function<int()>;

/// The command line as typed (argv, each argument shell-quoted when needed), for the `history` attribute.
const std::string& command_line();
void set_command_line(int argc, char** argv);

/// `--set key.path=value` (repeatable), `--start DATE`, `--end DATE` on commands that read a scenario
/// (cli/overrides.cpp); the loader applies them on top of the file (inputs::load_scenario).
struct ScenarioOverrides {
  std::vector<std::string> set;
  std::string start, end;
  /// The overrides as "key.path=value" strings, --start/--end as simulation.start/end.
  [[nodiscard]] std::vector<std::string> list() const;
};
void add_override_options(CLI::App* cmd, ScenarioOverrides& o);

void add_run_commands(CLI::App& app, Action& action);         // run, check      (cli/run_cmd.cpp)
void add_hydraulics_command(CLI::App& app, Action& action);   // hydraulics      (cli/hydraulics_cmd.cpp)
void add_capacity_commands(CLI::App& app, Action& action);    // capacity, calibrate (cli/capacity_cmd.cpp)
void add_summary_commands(CLI::App& app, Action& action);     // summary, compare (cli/summary_cmd.cpp)
void add_ensemble_command(CLI::App& app, Action& action);     // ensemble        (cli/ensemble_cmd.cpp)

}  // namespace caspflow::cli
