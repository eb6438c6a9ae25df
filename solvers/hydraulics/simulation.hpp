#pragma once
// Extended-period simulation of a network, stepping as EPANET 2 does (hydraul.c):
// at each time t: demands from patterns (junction demands, reservoir heads, pump speeds), simple
// controls (at time, at clock time, tank level above/below), a steady-state solve; then the next
// step is the hydraulic step shortened to the next pattern period, the next report time, the moment
// a tank fills or empties, or the moment a control fires (all rounded to whole seconds), and tank
// volumes advance by explicit Euler with the net inflow of the solved state (clamped to full/empty).
// Results are recorded at every multiple of the report step from the report start.
#include <vector>

#include "caspflow/model/hydraulics/network.hpp"
#include "caspflow/solvers/hydraulics/network_solver.hpp"

namespace caspflow::solvers::hydraulics {

struct SimulationResult {
  std::vector<double> times;                  ///< [s] report times
  std::vector<std::vector<double>> heads;     ///< [report][node] m
  std::vector<std::vector<double>> flows;     ///< [report][link] m3/s (0 when closed, as EPANET reports)
  long hydraulic_steps = 0;                   ///< number of snapshot solves
  long newton_iterations = 0;
  double max_continuity = 0.0;                ///< largest relative junction imbalance over all solves
};

/// A reusable simulator (the solver and its KLU symbolic factorisation are kept between runs).
class Simulation {
 public:
  Simulation(const model::hydraulics::Network& net, SolverOptions opt = {});
  /// Run from the initial state to the network's duration (a single snapshot if it is 0).
  /// `record` = false skips storing results (benchmarks). Throws SolverError on failure.
  SimulationResult run(bool record = true);
  NetworkSolver& solver() { return solver_; }

 private:
  void demands(HydState& s, long t) const;
  void controls(HydState& s, long t) const;
  long timestep(const HydState& s, long t, long next_report) const;
  void tanklevels(HydState& s, long dt);

  const model::hydraulics::Network& net_;
  NetworkSolver solver_;
  std::vector<double> volume_;  ///< tank volumes [m3]
};

}  // namespace caspflow::solvers::hydraulics
