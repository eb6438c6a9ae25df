#pragma once
// Calibration of one unknown of a pipeline description so that its capacity equals a target flow.
// Capacity increases monotonically with either parameter, so the fit is a bracketed root of
// capacity(value) - target (Brent, model/pipeline/root.hpp), to 1e-9 relative in the value.
//   "maop"        every section's MAOP [Pa], searched in [5, 400] bar;
//   "head_scale"  the factor on every station's head [-], searched in [0.1, 5];
//   "dra"         the drag reduction (a condition, not a pipe property) [0..1], searched in [0, 0.9]:
//                 the DR needed to reach a flow.
#include <string>
#include <vector>

#include "caspflow/model/pipeline/pipeline_model.hpp"

namespace caspflow::model::pipeline {

struct CalibrationResult {
  std::string parameter;
  double value = 0.0;        ///< fitted value (SI: Pa for maop)
  double capacity = 0.0;     ///< capacity at the fitted value [m3/s]
  Binding binding;           ///< binding constraint there
  int capacity_calls = 0;
};

/// Names accepted by calibrate().
std::vector<std::string> calibration_parameters();

/// Apply `value` of `parameter` to a copy of `p`. Throws model::PreconditionError on an unknown name.
Pipeline with_parameter(const Pipeline& p, const std::string& parameter, double value);

/// Fit `parameter` so that capacity(p, c) == target [m3/s]. Throws model::PreconditionError for an
/// unknown parameter, SolverError when the target is outside what the search range can reach.
CalibrationResult calibrate(const Pipeline& p, const Conditions& c, const std::string& parameter, double target);

}  // namespace caspflow::model::pipeline
