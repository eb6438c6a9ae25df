#pragma once
// Dynamics through time (DESIGN §5): CVODE integrates stocks, in-transit volumes and cumulative
// volumes; root functions find when a tank fills or empties and when a contract ceiling is reached;
// known discontinuities (series breakpoints, outage start/end, month and year boundaries, delayed
// tanker arrivals of a jump) are integrator stop times. The allocation (model/allocation.hpp) gives
// the rates. Outputs are sampled at every day boundary from CVODE's dense output.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "caspflow/model/allocation.hpp"
#include "caspflow/model/scenario.hpp"

namespace caspflow::solvers {

/// A quantity at the ndays + 1 day boundaries of a run (day 0: 00:00 of the first day; day ndays: the end
/// of the last), over one or two axes (e.g. leg x shipper), stored day-major. For a cumulative quantity
/// `change(d, d + 1, i, j)` is the amount over day d, and `change(a, b, i, j)` over days [a, b).
class BoundarySeries {
 public:
  BoundarySeries() = default;
  BoundarySeries(int ndays, int n1, int n2 = 1)
      : n1_(n1), n2_(n2), values_(static_cast<size_t>(ndays + 1) * static_cast<size_t>(n1) * static_cast<size_t>(n2), 0.0) {}
  [[nodiscard]] double at(int day, int i, int j = 0) const { return values_[index(day, i, j)]; }
  [[nodiscard]] double change(int from_day, int to_day, int i, int j = 0) const { return at(to_day, i, j) - at(from_day, i, j); }
  [[nodiscard]] double& at(int day, int i, int j = 0) { return values_[index(day, i, j)]; }
  [[nodiscard]] int size1() const { return n1_; }
  [[nodiscard]] int size2() const { return n2_; }
  [[nodiscard]] const std::vector<double>& values() const { return values_; }
  /// Forget the first `days` boundaries (a spin-up): boundary `days` becomes boundary 0.
  void drop_leading_days(int days) {
    const size_t n = std::min(values_.size(), static_cast<size_t>(days) * static_cast<size_t>(n1_) * static_cast<size_t>(n2_));
    values_.erase(values_.begin(), values_.begin() + static_cast<std::ptrdiff_t>(n));
  }

 private:
  [[nodiscard]] size_t index(int day, int i, int j) const {
    return (static_cast<size_t>(day) * static_cast<size_t>(n1_) + static_cast<size_t>(i)) * static_cast<size_t>(n2_) + static_cast<size_t>(j);
  }
  int n1_ = 0, n2_ = 1;
  std::vector<double> values_;
};

struct RunStats {
  long steps = 0, rhs_evals = 0, roots = 0, stops = 0, alloc_solves = 0;
};

/// A discrete event located by the integrator: a tank full/empty, a ceiling reached.
struct LoggedEvent {
  double t = 0;          ///< s since epoch
  std::string what;      ///< "full:NODE", "not_full:NODE", "empty:NODE/SHIPPER", "stocked:NODE/SHIPPER", "ceiling:SHIPPER/ROUTE"
};

struct RunResult {
  double start = 0;                     ///< s since epoch (00:00 of the first day)
  int ndays = 0;
  // The mass ledger at every day boundary, kg. Stocks and transit are states; the rest are cumulative since
  // the start of the result (day 0), so a day's or a year's amount is a difference of two boundaries.
  BoundarySeries stock;                 ///< (node, shipper) working stock at storage nodes (0 elsewhere)
  BoundarySeries in_transit;            ///< (leg, shipper) crude inside delayed legs (tankers, plug-flow pipelines)
  BoundarySeries entered;               ///< (leg, shipper) cumulative mass entering each leg
  BoundarySeries left;                  ///< (leg, shipper) cumulative mass leaving each leg at its downstream end
  BoundarySeries supplied;              ///< (shipper) cumulative supply offered at the origin
  BoundarySeries shut_in;               ///< (shipper) cumulative shut-in
  BoundarySeries route_entered;         ///< (route) cumulative entry into each route (shipper by shipper, in preference order)
  BoundarySeries capacity;              ///< (leg) cumulative capacity, kg: over a day / 86400 s, the daily mean capacity
  // Label indices and diagnostics at mid-day of each of the ndays days.
  std::vector<int> limit_day;           ///< ndays x ns: Allocator label index at mid-day
  std::vector<int> route_limit_day;     ///< ndays x route variables: label index of what limits each route at mid-day
  std::vector<int> shut_in_reason_day;  ///< ndays x ns: label index of why crude is shut in at mid-day ("none")
  std::vector<int> leg_state_day;       ///< ndays x nl: model::LegState of each leg at mid-day
  std::vector<double> quality_allowance_day;  ///< ndays x nl x ns: kg/s at mid-day (NaN: no limit applies)
  std::vector<std::string> constraint_labels;
  std::vector<double> residual;         ///< per shipper, relative to its supply plus its stock and transit at the start
  double residual_total = 0;            ///< relative to total supply plus initial stock and transit
  RunStats stats;
  std::vector<LoggedEvent> events;      ///< in time order
  // Hydraulic pipelines, evaluated at mid-day at the flow entering the line then.
  std::vector<std::string> station_labels;  ///< "LEG/STATION" for every pump station of every hydraulic leg
  std::vector<double> station_suction;      ///< ndays x nstation, Pa (gauge)
  std::vector<double> station_discharge;    ///< ndays x nstation, Pa (gauge)
  std::vector<double> station_power;        ///< ndays x nstation, W (shaft)
  std::vector<int> hydraulic_legs;          ///< leg indices with a hydraulic model
  std::vector<std::string> binding_labels;  ///< distinct "kind at location" of the hydraulic capacity
  std::vector<int> hydraulic_binding;       ///< ndays x n hydraulic legs: index into binding_labels
};

/// Progress callback: fraction done in [0, 1].
using Progress = std::function<void(double)>;

/// Integrate the scenario from start to end. Throws SolverError (CVODE failure, allocation not
/// converging, conservation residual above 1e-9) with the simulated date and the reason.
/// With a spin-up (Scenario::spinup > 0) the run starts that many days earlier and its first days are
/// dropped, so the result begins at `start`.
RunResult simulate(const model::Scenario& sc, const Progress& progress = {});
/// The same without the spin-up: from sc.start, whatever sc.spinup says.
RunResult simulate_span(const model::Scenario& sc, const Progress& progress = {});

}  // namespace caspflow::solvers
