#pragma once
// Dynamics through time (DESIGN §5): CVODE integrates stocks, in-transit volumes and cumulative
// volumes; root functions find when a tank fills or empties and when a contract ceiling is reached;
// known discontinuities (series breakpoints, outage start/end, month and year boundaries, delayed
// tanker arrivals of a jump) are integrator stop times. The allocation (model/allocation.hpp) gives
// the rates. Outputs are sampled at every day boundary from CVODE's dense output.
#include <functional>
#include <string>
#include <vector>

#include "caspflow/model/allocation.hpp"
#include "caspflow/model/scenario.hpp"

namespace caspflow::solvers {

/// Index layout of the state vector (all kg except `cap_cum`, also kg).
struct StateLayout {
  int ns = 0, nn = 0, nl = 0, nr = 0;
  int stock = 0;       ///< [node * ns + s] working stock at storage nodes
  int transit = 0;     ///< [leg * ns + s] crude inside delayed legs (tankers, plug-flow pipelines)
  int leg_in = 0;      ///< [leg * ns + s] cumulative mass entering each leg
  int leg_out = 0;     ///< [leg * ns + s] cumulative mass leaving each leg
  int supply = 0;      ///< [s] cumulative supply
  int shut_in = 0;     ///< [s] cumulative shut-in
  int route = 0;       ///< [route variable] cumulative entry into each route (ceilings)
  int cap_cum = 0;     ///< [leg] cumulative capacity (kg) -> daily mean capacity
  int size = 0;
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
  StateLayout layout;
  double start = 0;                     ///< s since epoch (00:00 of the first day)
  int ndays = 0;
  std::vector<double> y_day;            ///< (ndays+1) x layout.size: state at each day boundary
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
