#pragma once
// Turns a simulated run into the HDF5 dataset described in docs/output-format.md (the printed per-year summary is
// computed from that dataset: outputs/summary.hpp). Reads the RunResult's daily states; knows nothing of CVODE.
#include <string>

#include "caspflow/model/scenario.hpp"
#include "caspflow/outputs/hdf5_writer.hpp"
#include "caspflow/solvers/dynamics.hpp"

namespace caspflow::outputs {

/// Build the run's dataset (daily series, annual totals, provenance attributes).
/// `command` is the command line that made the run (the `history` attribute); empty: "caspflow run FILE".
Dataset build_run_dataset(const model::Scenario& sc, const solvers::RunResult& run, const std::string& command = "");

}  // namespace caspflow::outputs
