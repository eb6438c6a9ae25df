#pragma once
// Memoised pipeline capacity for long runs: a daily 16-year run asks for BTC's capacity thousands of
// times for a handful of distinct fluids, DRA settings and station outages.
//
// capacity(rho, nu, dra, out) interpolates bilinearly in (ln nu, rho) between grid nodes whose exact
// capacities (PipelineModel::capacity) are computed on first use and kept, per (dra, out) pair
// (dra and the outage set are keys, never interpolated). Grid: `nu_per_decade` nodes per decade of
// viscosity, density every `rho_step` kg/m3. Outside [nu_min, nu_max] x [rho_min, rho_max] the exact
// capacity is computed (not cached).
// Q^2 is interpolated, with weights linear in 1/rho (a pressure limit leaves a head linear in 1/rho).
// Error (tests/pipeline/test_pipeline.cpp "capacity table", BTC description, 200 random fluids
// 700-900 kg/m3, 1-30 cSt, DR 0-30 %, default grid): mean relative error ~6e-5, worst ~5e-3; the
// worst cases sit where the binding constraint switches between two grid nodes (first-order error
// there, halving with the grid spacing). Not thread-safe: one table per thread.
#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "caspflow/model/pipeline/pipeline_model.hpp"

namespace caspflow::model::pipeline {

class CapacityTable {
 public:
  struct Options {
    double nu_min = 5e-7;      ///< [m2/s]
    double nu_max = 2e-4;      ///< [m2/s]
    int nu_per_decade = 32;
    double rho_min = 650.0;    ///< [kg/m3]
    double rho_max = 1000.0;   ///< [kg/m3]
    double rho_step = 5.0;     ///< [kg/m3]
  };
  explicit CapacityTable(std::shared_ptr<const PipelineModel> model);
  CapacityTable(std::shared_ptr<const PipelineModel> model, Options opt);

  /// Capacity [m3/s] for density rho [kg/m3], viscosity nu [m2/s], drag reduction dra (0..1) and
  /// stations out of service (`out[i]` for station i).
  double capacity(double rho, double nu, double dra, const std::vector<bool>& out);
  /// Number of exact capacity evaluations done so far (grid nodes plus out-of-range calls).
  [[nodiscard]] std::size_t exact_calls() const { return exact_calls_; }
  [[nodiscard]] const PipelineModel& model() const { return *model_; }

 private:
  double node(int inu, int irho, double dra, std::uint64_t mask, const std::vector<bool>& out);
  std::shared_ptr<const PipelineModel> model_;
  Options opt_;
  std::map<std::tuple<double, std::uint64_t, int, int>, double> cache_;
  std::size_t exact_calls_ = 0;
};

}  // namespace caspflow::model::pipeline
