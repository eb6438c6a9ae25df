#include "caspflow/model/pipeline/calibrate.hpp"

#include <cmath>
#include <stdexcept>

#include "caspflow/model/errors.hpp"

#include "caspflow/model/pipeline/root.hpp"

namespace caspflow::model::pipeline {

std::vector<std::string> calibration_parameters() { return {"maop", "head_scale", "dra"}; }

Pipeline with_parameter(const Pipeline& p, const std::string& parameter, double value) {
  Pipeline q = p;
  if (parameter == "maop") {
    for (auto& s : q.sections) s.maop_pa = value;
  } else if (parameter == "head_scale") {
    q.head_scale = value;
  } else if (parameter == "dra") {
    // a condition, not a property of the pipe: see calibrate()
  } else {
    throw PreconditionError("unknown calibration parameter '" + parameter + "'; expected maop, head_scale or dra");
  }
  return q;
}

CalibrationResult calibrate(const Pipeline& p, const Conditions& c, const std::string& parameter, double target) {
  double lo = 0, hi = 0;
  if (parameter == "maop") {
    lo = 5e5;
    hi = 4e7;
  } else if (parameter == "head_scale") {
    lo = 0.1;
    hi = 5.0;
  } else if (parameter == "dra") {
    lo = 0.0;
    hi = 0.9;
  } else {
    (void)with_parameter(p, parameter, 0.0);  // throws the message
  }
  CalibrationResult res;
  res.parameter = parameter;
  auto cap = [&](double v) {
    ++res.capacity_calls;
    if (parameter == "dra") {
      Conditions cc = c;
      cc.dra = v;
      return PipelineModel(p).capacity(cc).q;
    }
    return PipelineModel(with_parameter(p, parameter, v)).capacity(c).q;
  };
  const double flo = cap(lo) - target, fhi = cap(hi) - target;
  if (flo > 0.0 || fhi < 0.0)
    throw SolverError("calibrate " + parameter + ": target " + std::to_string(target) + " m3/s is outside the capacities " +
                      std::to_string(flo + target) + " .. " + std::to_string(fhi + target) +
                      " m3/s reachable for " + parameter + " in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  // Capacity is piecewise smooth in the parameter; Brent to 1e-9 relative.
  const RootResult rr = brent([&](double v) { return cap(v) - target; }, hi, lo, fhi, flo, 1e-9 * (lo > 0.0 ? lo : hi));
  if (!rr.converged) throw SolverError("calibrate " + parameter + ": Brent search did not converge");
  // lo_side is on hi's side (capacity >= target): the smallest value that reaches the target.
  res.value = rr.lo_side;
  Conditions cc = c;
  if (parameter == "dra") cc.dra = res.value;
  const CapacityResult cr = PipelineModel(with_parameter(p, parameter, res.value)).capacity(cc);
  res.capacity = cr.q;
  res.binding = cr.binding;
  return res;
}

}  // namespace caspflow::model::pipeline
