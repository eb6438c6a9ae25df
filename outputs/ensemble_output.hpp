#pragma once
// The ensemble's HDF5 dataset (docs/output-format.md §Ensemble files, filetype "caspflow ensemble") and its
// printed summary: per year P10/P50/P90 of the headline Kazakh volumes, the constraint that binds most often
// across members, and the drivers of each headline (Spearman rank correlation with every sampled input).
#include <ostream>
#include <string>
#include <vector>

#include "caspflow/model/scenario.hpp"
#include "caspflow/outputs/hdf5_writer.hpp"
#include "caspflow/solvers/ensemble.hpp"

namespace caspflow::outputs {

/// Headline outputs of the drivers table: per member, the mean over the run's years of an annual Kazakh total (t).
struct Headlines {
  std::vector<std::string> names;      ///< "kazakh_sink", "kazakh_shut_in", "kazakh_entering:LEG", ...
  std::vector<std::string> long_names;
  std::vector<std::vector<double>> per_member;  ///< [headline][member] t/yr (NaN: failed member)
  std::vector<std::string> drivers;            ///< sampled parameters, then outage counts and days, weather means
  std::vector<std::vector<double>> driver_values;  ///< [driver][member]
  std::vector<std::vector<double>> correlation;    ///< [headline][driver] Spearman over ok members
};
Headlines headlines(const model::Scenario& sc, const solvers::EnsembleResult& e);

Dataset build_ensemble_dataset(const model::Scenario& sc, const solvers::EnsembleResult& e, const std::string& command);

/// Per-year P10/P50/P90 of the headlines, the most frequent binding constraint, and the top three drivers.
void write_ensemble_summary(std::ostream& os, const model::Scenario& sc, const solvers::EnsembleResult& e);

}  // namespace caspflow::outputs
