#pragma once
// The allocation equations (DESIGN §4): given the time, the storage/ceiling modes and what is arriving
// from legs with a transit delay, decide how much crude each shipper moves on every leg.
//
// Method (exact, deterministic): every shipper route is cut at storage nodes into *segments*; the flow
// of a shipper on a segment is one unknown. Unknowns are filled by weighted progressive filling
// (the oil-pipeline prorationing rule: when a leg binds, each shipper on it gets capacity in proportion
// to its nomination), in phases ordered by (priority class, route preference rank), each phase using
// what earlier phases left. Storage couples segments: a shipper whose stock at a node is empty can send
// on no more than arrives; a full node accepts no more than leaves. Those couplings are solved by a
// Gauss-Seidel fixed point around the filling (converges in a few sweeps on a tree of legs; a failure to
// converge is a SolverError naming the node).
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "caspflow/model/hydraulics/fluid.hpp"
#include "caspflow/model/pipeline/capacity_table.hpp"
#include "caspflow/model/pipeline/pipeline_model.hpp"
#include "caspflow/model/scenario.hpp"

namespace caspflow::model {

/// Discrete state that changes only at integrator events (root functions).
struct Modes {
  std::vector<char> empty;          ///< [node * nshipper + s]: shipper s has no stock at node (storage nodes)
  std::vector<char> full;           ///< [partition]: that part of a storage node at capacity (Allocator::partitions())
  std::vector<char> ceiling_hit;    ///< [route variable index]: annual ceiling reached this year
};

/// What limited a shipper / an unknown. Indexed labels are built by Allocator::constraint_labels().

struct AllocInput {
  double t = 0;                       ///< s since epoch
  const Modes* modes = nullptr;
  /// Mass rate arriving at the downstream end of each delayed leg, per shipper [leg * ns + s], kg/s:
  /// tanker legs: what was loaded one transit time ago. Ignored for other legs.
  const std::vector<double>* tanker_arrivals = nullptr;
  /// For pipeline legs with linefill: volume fraction of each shipper in the crude now leaving the
  /// line [leg * ns + s] (sums to 1 over s). Ignored for other legs.
  const std::vector<double>* outlet_fraction = nullptr;
  /// For pipeline legs with linefill: volume fraction of each shipper in the whole line now
  /// [leg * ns + s]; sets the fluid of hydraulic pipelines. Null = the linefill owner's crude.
  const std::vector<double>* linefill_fraction = nullptr;
};

/// What a leg is doing at an instant (docs/model.md, "What limits a leg").
enum class LegState : int {
  NotBinding = 0,      ///< spare capacity, nothing holds its flow back
  Capacity = 1,        ///< at its capacity
  CapacityOutage = 2,  ///< at its capacity, which an outage event derates
  Quality = 3,         ///< a quality limit of the leg is tight
  StorageFull = 4,     ///< below capacity, but crude through it is held back by a full tank downstream
};
inline const char* leg_state_name(LegState s) {
  switch (s) {
    case LegState::NotBinding: return "not_binding";
    case LegState::Capacity: return "capacity";
    case LegState::CapacityOutage: return "capacity_outage";
    case LegState::Quality: return "quality";
    case LegState::StorageFull: return "storage_full";
  }
  return "?";
}

struct AllocResult {
  std::vector<double> leg_in;       ///< [leg * ns + s] kg/s entering the leg
  std::vector<double> leg_out;      ///< [leg * ns + s] kg/s leaving the leg's downstream end
  std::vector<double> leg_capacity; ///< [leg] capacity in kg/s (volume capacities at the current mix)
  std::vector<double> node_net;     ///< [node * ns + s] kg/s change of working stock
  std::vector<double> shut_in;      ///< [s] kg/s
  std::vector<double> supply;       ///< [s] kg/s
  std::vector<double> route_entry;  ///< [route variable] kg/s entering the route's first leg
  std::vector<int> limit;           ///< [s] index into constraint_labels(): the limit of its first route with one
  std::vector<int> route_limit;     ///< [route variable] index into constraint_labels() (see route_vars())
  std::vector<int> shut_in_reason;  ///< [s] index into constraint_labels(): why crude is shut in, "none" if nothing is
  std::vector<LegState> leg_state;  ///< [leg]
  /// [leg * ns + s] kg/s: the most shipper s could send into the leg under the leg's quality limits,
  /// given everyone else's flows (NaN where the shipper's crude meets the limits or there are none).
  std::vector<double> quality_allowance;
  int sweeps = 0;
  bool quality_fallback = false;  ///< the quality room was found by bisection (the sweeps alternated)
};

/// The allocation rules of one scenario. Not thread-safe: it memoises hydraulic capacities as it goes (the
/// capacity tables, `tables_`), so one Allocator serves one run on one thread; solvers::simulate() makes its own,
/// which is why concurrent runs of one (immutable) Scenario share nothing (tests/unit/test_concurrency.cpp).
class Allocator {
 public:
  explicit Allocator(const Scenario& sc);

  /// Solve the allocation at one instant. Throws SolverError if the storage coupling does not converge.
  AllocResult solve(const AllocInput& in) const;

  /// Capacity of a leg at time t in its own basis (kg/s or m3/s), including outages. A hydraulic
  /// pipeline's capacity comes from the flow equations for its current linefill (`linefill_fraction`,
  /// [leg * ns + s]; null = the owner's crude), DRA and stations in service.
  double leg_capacity(int leg, double t, const std::vector<double>* linefill_fraction = nullptr) const;
  /// Hydraulic conditions (blend at the pipeline's flowing temperature, DRA, stations out) of a
  /// hydraulic pipeline leg at time t.
  pipeline::Conditions hydraulic_conditions(int leg, double t, const std::vector<double>* linefill_fraction) const;
  /// Exact capacity (not the memoised table) of a hydraulic leg, with its binding constraint.
  pipeline::CapacityResult hydraulic_capacity(int leg, double t, const std::vector<double>* linefill_fraction) const {
    return hyd_[static_cast<size_t>(leg)]->capacity(hydraulic_conditions(leg, t, linefill_fraction));
  }
  /// The pipeline model of a hydraulic leg (null for other legs).
  const pipeline::PipelineModel* hydraulic_model(int leg) const {
    return hyd_[static_cast<size_t>(leg)] ? hyd_[static_cast<size_t>(leg)].get() : nullptr;
  }
  /// Labels of every possible limit: "supply", "capacity:<leg>", "storage_full:<node>" (or
  /// "storage_full:<node>/<grade>" for segregated tanks), "quality:<leg>", "ceiling:<shipper>/<route>", "no_route".
  const std::vector<std::string>& constraint_labels() const { return labels_; }

  /// One (shipper, route) pair.
  struct RouteVar {
    int shipper, route;      ///< indices into Scenario::shippers / Shipper::routes
    int rank;                ///< preference rank within the shipper
    Priority priority;
    std::vector<int> seg_begin;  ///< first segment index of this route in segs_
    int first_seg = -1, nseg = 0;
  };
  /// A run of legs between storage nodes (or origin / sink) on one route of one shipper.
  struct Segment {
    int routevar;
    int shipper;
    std::vector<int> legs;
    int from_node, to_node;  ///< from: origin or storage node; to: storage node or sink
    bool first = false;      ///< starts at the shipper's origin
  };
  /// A share of a storage node's working capacity: the common tank space (grade -1), or the tanks
  /// segregated for one grade.
  struct Partition {
    int node;
    int grade;        ///< -1 = common space
    double capacity;  ///< m3
  };
  const std::vector<Partition>& partitions() const { return parts_; }
  /// Partition holding shipper s's crude at node n (-1 if the node has no storage).
  int partition_of(int node, int shipper) const { return part_of_[static_cast<size_t>(node) * static_cast<size_t>(ns_) + static_cast<size_t>(shipper)]; }
  const std::vector<RouteVar>& route_vars() const { return routes_; }
  const std::vector<Segment>& segments() const { return segs_; }
  int num_shippers() const { return ns_; }

 private:
  const Scenario& sc_;
  int ns_ = 0;
  std::vector<RouteVar> routes_;
  std::vector<Segment> segs_;
  std::vector<std::string> labels_;
  int label_supply_ = 0, label_noroute_ = 0, label_none_ = 0;
  std::vector<int> label_leg_, label_full_, label_ceiling_, label_quality_;
  std::vector<Partition> parts_;
  std::vector<int> part_of_;  ///< [node * ns + s]
  /// A quality limit on a leg as sum_s a_s f_s <= 0 over the shippers entering it (f in kg/s).
  enum class QualityKind { MaxSulphur, MaxDensity, MinDensity };
  struct QualityRow {
    int leg;
    QualityKind kind;
    std::vector<double> a;  ///< per shipper
  };
  std::vector<QualityRow> quality_;  ///< at the scenario start
  bool quality_varies_ = false;      ///< a quality limit is a series with more than one point
  /// The quality rows' coefficients with the limits in force at time t.
  std::vector<QualityRow> quality_at(double t) const;
  void add_quality_rows(const std::vector<QualityRow>& q, std::vector<std::vector<std::pair<size_t, double>>>& rows) const;
  std::vector<std::vector<std::pair<size_t, double>>> seg_leg_rows_;  ///< per segment: the leg rows only
  std::vector<std::vector<int>> phases_;  ///< segment indices per phase, in order
  std::vector<std::shared_ptr<const pipeline::PipelineModel>> hyd_;  ///< per leg, null = not hydraulic
  /// Memoised capacities per leg: filled lazily by the const solve(), hence mutable, hence one Allocator per
  /// thread (see the class comment).
  mutable std::vector<std::unique_ptr<pipeline::CapacityTable>> tables_;
  std::vector<hydraulics::Fluid> fluids_;                             ///< per grade (when it has viscosity)
  /// Product of the remaining fractions of the leg and node events active on leg `leg` at time t.
  double leg_event_factor(int leg, double t) const;
  void build_rows();
  std::vector<int> row_label_;                                   ///< label of each constraint row
  std::vector<std::vector<std::pair<size_t, double>>> seg_rows_;  ///< per segment: (row, coefficient)
  std::vector<int> seg_part_;                                    ///< per segment: partition it fills (-1: none)

  // Construction, in this order (it fixes the order of the constraint labels).
  /// Storage partitions of every storage node (common space, then segregated grades) and their labels.
  void build_partitions();
  /// Quality rows of every leg's quality limits at the scenario start, and the legs' quality labels.
  void build_quality_limits();
  /// Route variables, their segments (routes cut at storage nodes and sinks) and the ceiling labels.
  void build_routes();
  /// The grades' fluids and each hydraulic leg's pipeline model with its memoised capacity table.
  void load_hydraulics();
  /// Segment indices per phase, ordered by (priority class, route preference rank).
  void build_phases();

  // One solve() (docs/model.md, "The allocation at one instant"), in the order solve() calls them.
  struct Work;  ///< the state of one solve(): inputs of the instant, iterates, work arrays, result
  /// Density of shipper s's grade at 15 degC.
  double rho_of(int s) const;
  /// Whether a leg is a tanker leg (delivers what was loaded one transit time ago).
  bool is_tanker(int leg) const;
  /// Whether a leg is a pipeline with linefill (delivers its outlet mix, volume for volume).
  bool is_plug(int leg) const;
  /// Whether a constraint label is a `storage_full` one.
  bool is_full_label(int r) const;
  /// Room a quality row leaves for the given segment flows: sum of -a f over the shippers meeting the limit.
  double quality_room(const QualityRow& q, const std::vector<double>& flows) const;
  /// Supply, leg capacities, proration weights and the quality rows in force at the instant.
  void prepare_instant(Work& wk) const;
  /// Flows entering and leaving every leg per shipper for the given segment flows.
  void compute_leg_flows(Work& wk, const std::vector<double>& flows) const;
  /// The Gauss-Seidel sweeps around the phased filling; whether the segment flows settled.
  bool run_sweeps(Work& wk) const;
  /// Inflow and outflow per node and shipper of the current iterate.
  void node_flows(Work& wk) const;
  /// Room of every constraint row for one sweep: leg capacities, quality room, full partitions' allowances.
  void constraint_room(Work& wk) const;
  /// Cap and cap reason of each segment of a phase (supply left, ceiling, stock, arrivals; live links).
  void phase_caps(Work& wk, const std::vector<int>& phase) const;
  /// Weighted progressive filling of one phase, round by round until every segment froze.
  void fill_phase(Work& wk, const std::vector<int>& phase) const;
  /// Growth rate of every constraint row, and of each owner's inflow into a full partition, in one round.
  void phase_rates(Work& wk, const std::vector<int>& phase) const;
  /// Step of the filling parameter to the next constraint, allowance or cap reached in one round.
  double phase_step(const Work& wk, const std::vector<int>& phase) const;
  /// Grows the unfrozen segments of a phase by the step dl times their weights.
  void advance_phase(Work& wk, const std::vector<int>& phase, double dl) const;
  /// Freezes the segments that reached their cap or sit in a tight constraint, with the reason.
  void freeze_bound(Work& wk, const std::vector<int>& phase) const;
  /// What a filled phase leaves to later phases: supply left, flow sent on from and arriving at nodes.
  void commit_phase(Work& wk, const std::vector<int>& phase) const;
  /// Quality room found by bisection when the sweeps alternate; whether the sweeps then settled.
  bool bisect_quality_room(Work& wk) const;
  /// Node balances, and shut-in at origins without storage or with a full partition.
  void node_balances(Work& wk) const;
  /// Leg capacities in kg/s at the current mix.
  void capacity_at_mix(Work& wk) const;
  /// The most each offending shipper could send into a leg under its quality limits.
  void quality_allowances(Work& wk) const;
  /// Route entries, the limit of each route and the limit of each shipper.
  void route_limits(Work& wk) const;
  /// Why each shipper's crude is shut in.
  void shut_in_reasons(Work& wk) const;
  /// What each leg is doing: capacity (outage), quality, storage full or not binding.
  void leg_states(Work& wk) const;
};

}  // namespace caspflow::model
