#pragma once
// Turns a simulated run into (a) the HDF5 dataset described in docs/output-format.md and
// (b) the printed per-year summary. Reads the RunResult's daily states; knows nothing of CVODE.
#include <ostream>
#include <string>

#include "model/scenario.hpp"
#include "outputs/hdf5_writer.hpp"
#include "solvers/dynamics.hpp"

namespace caspflow::outputs {

/// Build the run's dataset (daily series, annual totals, provenance attributes).
/// `command` is the command line that made the run (the `history` attribute); empty: "caspflow run FILE".
Dataset build_run_dataset(const model::Scenario& sc, const solvers::RunResult& run, const std::string& command = "");

/// Print the per-year table: Kazakh supply, Kazakh into and out of each pipeline, into each sink, shut-in, and the
/// constraint that bound the Kazakh shippers on most days; then the conservation residual.
void print_summary(std::ostream& os, const model::Scenario& sc, const solvers::RunResult& run);

}  // namespace caspflow::outputs
