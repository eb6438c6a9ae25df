// `--set`, `--start`, `--end`: scenario overrides from the command line (cli/commands.hpp).
#include "commands.hpp"

namespace caspflow::cli {

std::vector<std::string> ScenarioOverrides::list() const {
  std::vector<std::string> out = set;
  if (!start.empty()) out.push_back("simulation.start=" + start);
  if (!end.empty()) out.push_back("simulation.end=" + end);
  return out;
}

void add_override_options(CLI::App* cmd, ScenarioOverrides& o) {
  cmd->add_option("--set", o.set,
                  "override a scenario value, with the key paths of scenario files and units in the value, e.g.\n"
                  "--set legs.caspian_tankers.fleet=7 --set \"legs.cpc.capacity=60 Mt/yr\"\n"
                  "--set \"shippers.kz_west.routes[0].annual_ceiling=2.2 Mt\" (repeatable; recorded in the output's provenance)");
  cmd->add_option("--start", o.start, "first simulated day, YYYY-MM-DD (same as --set simulation.start=...)");
  cmd->add_option("--end", o.end, "last simulated day, YYYY-MM-DD, inclusive (same as --set simulation.end=...)");
}

}  // namespace caspflow::cli
