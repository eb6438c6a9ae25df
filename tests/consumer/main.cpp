// Loads a scenario, simulates three months and builds the run's dataset through the installed caspflow
// package. Exit 0 when the run conserves mass (docs/model.md: relative residual <= 1e-9) over 90 days.
#include <cstdio>
#include <exception>

#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/outputs/run_output.hpp"
#include "caspflow/solvers/dynamics.hpp"
#include "caspflow/version.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer SCENARIO.toml\n");
    return 2;
  }
  try {
    const auto sc = caspflow::inputs::load_scenario(argv[1], {"simulation.end=2025-03-31"});
    const auto run = caspflow::solvers::simulate(sc);
    const auto ds = caspflow::outputs::build_run_dataset(sc, run, "consumer");
    std::printf("caspflow %s: %d days, %zu variables, residual %.3g\n", caspflow::kVersion, run.ndays, ds.variables.size(),
                run.residual_total);
    return run.ndays == 90 && run.residual_total <= 1e-9 && !ds.variables.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
  }
}
