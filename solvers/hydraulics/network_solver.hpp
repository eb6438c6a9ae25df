#pragma once
// Steady-state network hydraulics: Newton's method (KINSOL, line search) on the full
// head-flow system with a sparse Jacobian factorised by KLU.
//
// Unknowns: the head H_j of every junction and the flow Q_k of every link (tanks and reservoirs
// are fixed-head nodes in a snapshot). Residuals (Todini & Pilati 1988, the system EPANET's Global
// Gradient Algorithm solves; EPANET 2 manual ch. 12):
//   link k from i to j:   H_i - H_j - h_k(Q_k) = 0            [m]
//   junction j:           sum(Q into j) - sum(Q out of j) - d_j = 0   [m3/s]
// with h_k the head-loss law of the link in its current status: pipes (Hazen-Williams, or
// Darcy-Weisbach with the chosen friction mode) plus minor losses K v^2/2g; pumps h = -(s^2 h0 -
// r s^(2-n) |Q|^n) or a custom curve scaled by the affinity laws; open valves K v^2/2g; closed
// links a very large resistance (EPANET's CBIG = 1e8 ft/cfs), so the Jacobian keeps one pattern.
// Active control valves replace their head-loss law with their set point (EPANET semantics):
// PRV: H_downstream = z + setting; PSV: H_upstream = z + setting; FCV: Q = setting;
// PBV: H_i - H_j = setting; TCV: K = setting. Status logic after each converged Newton solve is
// EPANET's (hydstatus.c): check valves close on reverse flow, pumps close when the head they must
// give exceeds their shutoff head, PRV/PSV switch ACTIVE/OPEN/CLOSED, FCVs that cannot pass their
// setting open fully, links into full / out of empty tanks close; the solve repeats until no
// status changes. The same small-gradient guards as EPANET (RQtol) keep zero-flow pipes regular.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "caspflow/model/hydraulics/friction.hpp"
#include "caspflow/model/hydraulics/network.hpp"

namespace caspflow::solvers::hydraulics {

/// Link status during a simulation, ordered as EPANET's StatusType (values <= Closed are closed).
enum class LinkState : std::uint8_t { XHead, TempClosed, Closed, Open, Active, XFlow, XFcv, XPressure };
inline bool is_closed(LinkState s) { return s <= LinkState::Closed; }
const char* to_string(LinkState s);

/// The hydraulic state the solver reads and updates (SI, indexed like Network::nodes / links).
struct HydState {
  std::vector<double> head;     ///< [m] all nodes (fixed-head nodes are inputs)
  std::vector<double> flow;     ///< [m3/s] all links
  std::vector<double> demand;   ///< [m3/s] junction outflow now; for tanks: net inflow after a solve
  std::vector<double> setting;  ///< current link settings (see NetLink::setting)
  std::vector<bool> has_setting;
  std::vector<LinkState> status;
};

struct SolveStats {
  int newton_iterations = 0;  ///< total over all status passes
  int status_passes = 0;
  double residual = 0.0;      ///< final scaled max-norm residual
  double continuity = 0.0;    ///< largest junction imbalance after the solve, relative to its largest flow
};

struct SolverOptions {
  model::hydraulics::FrictionMode friction = model::hydraulics::FrictionMode::Epanet;
  double ftol = 1e-9;      ///< scaled residual tolerance (heads in m, flows relative to the flow scale)
  int max_newton = 200;    ///< per status pass
  int max_status_passes = 40;
};

class NetworkSolver {
 public:
  NetworkSolver(const model::hydraulics::Network& net, SolverOptions opt = {});
  ~NetworkSolver();
  NetworkSolver(NetworkSolver&&) noexcept;
  NetworkSolver& operator=(NetworkSolver&&) noexcept;
  NetworkSolver(const NetworkSolver&) = delete;
  NetworkSolver& operator=(const NetworkSolver&) = delete;

  /// Initial state as EPANET's inithyd(): tanks at their initial level, reservoirs at their head,
  /// statuses and settings from the input (valves with a setting ACTIVE), initial flows (1 ft/s).
  [[nodiscard]] HydState initial_state() const;
  /// Solve the snapshot for the fixed heads, demands, statuses and settings in `s`; updates heads,
  /// flows, statuses and the tanks' net inflow. Throws SolverError naming the element with the
  /// largest residual and the residual history if Newton fails. `time_s` is used in messages.
  SolveStats solve(HydState& s, double time_s = 0.0);

  /// Flow through link k as EPANET reports it (0 when closed).
  static double reported_flow(const HydState& s, int k) { return is_closed(s.status[k]) ? 0.0 : s.flow[k]; }

  /// Referee for comparisons: for each open link obeying a head-loss law, the flow error implied by
  /// the state's own heads, (H_i - H_j - h(Q)) / h'(Q) [m3/s] (first-order distance of Q from the
  /// flow the law gives for that head difference); 0 for closed links and active valves. Applied to
  /// another program's solution it shows how well that solution satisfies the equations.
  [[nodiscard]] std::vector<double> law_flow_errors(const HydState& s) const;

  [[nodiscard]] const model::hydraulics::Network& network() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace caspflow::solvers::hydraulics
