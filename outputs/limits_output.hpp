#pragma once
// What limits each route and each leg, day by day (docs/output-format.md, "Limits"; docs/model.md).
#include "caspflow/model/scenario.hpp"
#include "caspflow/outputs/hdf5_writer.hpp"
#include "caspflow/solvers/dynamics.hpp"

namespace caspflow::outputs {

/// Adds the `route` axis (SHIPPER/ROUTE), `route_limit` (time, route) and `leg_limit` (time, leg) to a run
/// dataset that already has the `time`, `leg` and `constraint` axes.
void add_limit_variables(Dataset& ds, const model::Scenario& sc, const solvers::RunResult& run);

}  // namespace caspflow::outputs
