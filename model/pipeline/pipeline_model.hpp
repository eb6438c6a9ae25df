#pragma once
// Steady hydraulic profile and capacity of a pipeline leg (model/pipeline/pipeline.hpp).
//
// Equations (docs/hydraulics-pipeline.md §1-§3), steady incompressible flow at volume flow Q:
//   v = Q / A,  Re = v D / nu,  f = Darcy friction (64/Re laminar, Colebrook-White turbulent, bridge
//   2000-4000: model/hydraulics/friction.hpp) times (1 - DR) when turbulent,
//   friction gradient S = f / D * v^2 / (2 g)  [m of head per m of pipe],
//   head H(x) = z(x) + p(x) / (rho g), decreasing by S dx along the pipe.
//   Pump station: H_d = H_s + k * H_station(Q), H_station from the unit curve h0 - r Q^n combined
//   for n_series x n_parallel units at the running speed (affinity laws), k = head_scale.
//   If H_d would put any point between this station and the next active station or
//   pressure-reduction station above its MAOP (or the station discharge above max_discharge),
//   the station throttles to the highest admissible head; the destroyed head is reported.
//   A pressure-reduction station does the same for the pipe downstream of it.
//   Reported pump head and power use the fewest series stages that reach the discharge head (the
//   others bypassed): power = rho g Q H_running / eta(Q per parallel unit).
// Constraints, each as a margin in metres of head (>= 0 holds):
//   suction   p_s >= min suction at every station in service;
//   slack     p >= vapour pressure + margin at every profile point and station (PRS slack zones
//             excepted);
//   maop      p <= MAOP at every point (only binds where no station/PRS can throttle);
//   delivery  p >= delivery pressure at the outlet.
// Capacity = the largest Q with every margin >= 0: a scan on a grid of flows from the top finds the
// last feasible grid flow, then Brent's method finds the root of min-margin(Q) to 1e-9 relative.
#include <cstdint>
#include <string>
#include <vector>

#include "caspflow/model/hydraulics/fluid.hpp"
#include "caspflow/model/constants.hpp"
#include "caspflow/model/pipeline/pipeline.hpp"

namespace caspflow::model::pipeline {

/// Operating conditions: the fluid at flowing temperature, drag reduction, stations out.
struct Conditions {
  double rho = 850.0;       ///< density at the flowing temperature [kg/m3]
  double nu = 6e-6;         ///< kinematic viscosity [m2/s]
  double dra = 0.0;         ///< drag reduction fraction of turbulent friction, 0..1
  std::vector<bool> out;    ///< per station index: true = out of service (bypassed); may be shorter
  double rho15 = 0.0;       ///< density of the same fluid at 15 degC [kg/m3] (0 = not known)
  [[nodiscard]] bool is_out(std::size_t i) const { return i < out.size() && out[i]; }
};

/// Conditions for a fluid at temperature T [K] (density and viscosity from the fluid model).
Conditions conditions_for(const hydraulics::Fluid& fluid, double T, double dra = 0.0, std::vector<bool> out = {});

/// Kinds of constraint (strings used in reports and JSON).
enum class ConstraintKind { Suction, Slack, Maop, Delivery, None };
const char* kind_name(ConstraintKind k);  ///< "suction", "slack_line", "maop", "delivery", "none"

/// The tightest constraint at a flow: kind, where, and its margin [m of head].
struct Binding {
  ConstraintKind kind = ConstraintKind::None;
  std::string location;   ///< station id, "km 612.0 (summit)" for a profile point, "outlet"
  double chainage_m = 0.0;
  double margin_m = 0.0;  ///< head margin; < 0 = violated
  /// The active station upstream of `location` and whether it runs at its pressure limit
  /// ("throttled at MAOP") or on its pump curve ("on pump curve"); empty when none.
  std::string upstream_station;
  std::string upstream_state;
};

struct StationResult {
  std::string id;
  double chainage_m = 0.0;
  bool in_service = true;
  double suction_pa = 0.0;
  double discharge_pa = 0.0;
  int units_running = 0;         ///< series stages running x units in parallel (fewest stages that reach
                                 ///< the discharge head; the others are bypassed)
  double pump_head_m = 0.0;      ///< head the running units deliver (before throttling)
  double throttled_head_m = 0.0; ///< head destroyed by the discharge control valve
  double power_w = 0.0;          ///< shaft power rho g Q H / eta
  double throttle_power_w = 0.0; ///< rho g Q x throttled head (hydraulic power lost)
};

struct ProfileRow {
  double chainage_m = 0.0;
  double elevation_m = 0.0;
  double head_m = 0.0;      ///< hydraulic head (z + p / rho g)
  double pressure_pa = 0.0; ///< gauge pressure
  std::string label;        ///< station id + " suction"/" discharge", PRS id, profile label
};

struct ProfileResult {
  double q = 0.0;  ///< [m3/s]
  std::vector<ProfileRow> rows;
  std::vector<StationResult> stations;
  double outlet_pressure_pa = 0.0;
  Binding binding;  ///< tightest constraint (smallest margin)
  [[nodiscard]] bool feasible() const { return binding.margin_m >= 0.0; }
};

struct CapacityResult {
  double q = 0.0;          ///< capacity [m3/s]; 0 when no positive flow meets the constraints
  Binding binding;         ///< the constraint that limits it
  ProfileResult profile;   ///< profile at the capacity
  int evaluations = 0;     ///< profile evaluations used
};

/// Precomputed solver for one Pipeline (holds a copy; cheap to call repeatedly).
class PipelineModel {
 public:
  explicit PipelineModel(Pipeline p);
  [[nodiscard]] const Pipeline& pipeline() const { return p_; }

  /// How stations set their discharge at a flow below capacity.
  enum class Operation {
    MaxHead,      ///< every station gives all the head its pumps and the MAOP allow (the capacity search)
    MinPressure,  ///< every station gives only the head the line downstream needs (how a line is run below capacity)
  };
  /// Full profile at flow q [m3/s] (q >= 0). Throws model::PreconditionError on bad conditions.
  /// MinPressure: a backward pass from the outlet finds the least head needed just downstream of every node
  /// (delivery pressure, vapour pressure + margin at every point not in a PRS slack zone, minimum suction
  /// at every station in service, less what that station's pumps can add); each station then discharges
  /// max(suction head, min(needed, suction + pump head, MAOP cap)). Reported power is for the series stages
  /// actually needed. At capacity both operations give the same profile.
  [[nodiscard]] ProfileResult profile(double q, const Conditions& c, Operation op = Operation::MaxHead) const;
  /// Smallest constraint margin at q [m of head] (fast path of profile()).
  [[nodiscard]] double margin(double q, const Conditions& c) const;
  /// Capacity (largest feasible flow). Throws SolverError if the search fails (NaN, no bracket).
  [[nodiscard]] CapacityResult capacity(const Conditions& c) const;
  /// Highest flow the search scans before giving up [m3/s] (velocity 15 m/s in the narrowest pipe).
  [[nodiscard]] double q_scan_max() const { return q_scan_max_; }

 private:
  struct Node {
    double x = 0, z = 0;
    double maop = 0;     // MAOP at this point [Pa]
    int section = 0;     // section of the pipe from this node to the next
    int station = -1;    // pump station index at this node
    int prs = -1;        // reduction station index at this node
    bool slack_ok = false;
    std::string label;
  };
  template <bool Full>
  double evaluate(double q, const Conditions& c, ProfileResult* out, Operation op = Operation::MaxHead) const;

  Pipeline p_;
  std::vector<Node> nodes_;
  double q_scan_max_ = 0;
};

/// Flow units for reports.
inline constexpr double kBarrelM3 = model::kBarrel;  ///< 1 bbl [m3] (model/constants.hpp)
inline constexpr double kDayS = model::kDay;
inline constexpr double kYearS = model::kYear;
inline double to_bpd(double q_m3s) { return q_m3s * kDayS / kBarrelM3; }
inline double from_bpd(double bpd) { return bpd * kBarrelM3 / kDayS; }

}  // namespace caspflow::model::pipeline
