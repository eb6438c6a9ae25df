#include "caspflow/solvers/hydraulics/simulation.hpp"

#include <cmath>
#include <string>

#include "caspflow/model/constants.hpp"
#include "caspflow/model/errors.hpp"

namespace caspflow::solvers::hydraulics {

using namespace caspflow::model::hydraulics;

namespace {
constexpr double kFt3 = model::kFoot * model::kFoot * model::kFoot;
constexpr double kQzero = 1e-6 * kFt3;  // EPANET QZERO (1e-6 cfs)
constexpr long kMaxHydraulicSolves = 1000000;  // per run (docs/hydraulics-network.md, "Limits")

double pattern_factor(const Network& net, int pat, long period) {
  if (pat < 0) return 1.0;
  const auto& f = net.patterns[pat].factors;
  return f[static_cast<std::size_t>(period % static_cast<long>(f.size()))];
}
}  // namespace

Simulation::Simulation(const Network& net, SolverOptions opt) : net_(net), solver_(net, opt) {}

void Simulation::demands(HydState& s, long t) const {
  const long p = (t + net_.pattern_start) / net_.pattern_step;
  for (std::size_t i = 0; i < net_.nodes.size(); ++i) {
    const auto& N = net_.nodes[i];
    if (N.kind == NodeKind::Junction) {
      double sum = 0.0;
      for (const auto& d : N.demands) sum += d.base * pattern_factor(net_, d.pattern, p) * net_.demand_multiplier;
      s.demand[i] = sum;
    } else if (N.kind == NodeKind::Reservoir && N.head_pattern >= 0) {
      s.head[i] = N.elevation * pattern_factor(net_, N.head_pattern, p);
    }
  }
  for (std::size_t k = 0; k < net_.links.size(); ++k) {
    const auto& L = net_.links[k];
    if (L.kind != LinkKind::Pump || L.speed_pattern < 0) continue;
    const double v = pattern_factor(net_, L.speed_pattern, p);
    s.setting[k] = v;
    if (v > 0 && is_closed(s.status[k])) s.status[k] = LinkState::Open;
    if (v == 0 && !is_closed(s.status[k])) s.status[k] = LinkState::Closed;
  }
}

namespace {
LinkState wanted(const Control& c) {
  return c.status == LinkStatus::Closed ? LinkState::Closed
         : c.status == LinkStatus::Active ? LinkState::Active : LinkState::Open;
}
}  // namespace

void Simulation::controls(HydState& s, long t) const {
  for (const auto& c : net_.controls) {
    bool reset = false;
    if (c.node >= 0) {
      const auto& N = net_.nodes[c.node];
      if (N.kind == NodeKind::Tank) {
        const double vplus = std::abs(s.demand[c.node]);
        const double v1 = tank_volume(net_, N, s.head[c.node]);
        const double v2 = tank_volume(net_, N, c.grade);
        if (c.kind == ControlKind::LevelBelow && v1 <= v2 + vplus) reset = true;
        if (c.kind == ControlKind::LevelAbove && v1 >= v2 - vplus) reset = true;
      } else if (N.kind == NodeKind::Reservoir) {
        if (c.kind == ControlKind::LevelBelow && s.head[c.node] <= c.grade) reset = true;
        if (c.kind == ControlKind::LevelAbove && s.head[c.node] >= c.grade) reset = true;
      }
    }
    if (c.kind == ControlKind::AtTime && c.time == t) reset = true;
    if (c.kind == ControlKind::AtClockTime && (t + net_.start_clock) % 86400 == c.time) reset = true;
    if (!reset) continue;
    const int k = c.link;
    const auto& L = net_.links[k];
    const LinkState s1 = is_closed(s.status[k]) ? LinkState::Closed : s.status[k];
    const LinkState s2 = wanted(c);
    const bool pipe = L.kind == LinkKind::Pipe || L.kind == LinkKind::CVPipe;
    const double k1 = s.setting[k];
    const double k2 = pipe ? k1 : c.setting;
    const bool h1 = s.has_setting[k], h2 = pipe ? h1 : c.has_setting;
    if (s1 != s2 || k1 != k2 || h1 != h2) {
      s.status[k] = s2;
      s.setting[k] = k2;
      s.has_setting[k] = h2;
    }
  }
}

long Simulation::timestep(const HydState& s, long t, long next_report) const {
  long tstep = net_.hyd_step;
  // Next demand-pattern period (EPANET: n*Pstep - Htime).
  const long n = (t + net_.pattern_start) / net_.pattern_step + 1;
  long dt = n * net_.pattern_step - t;
  if (dt > 0 && dt < tstep) tstep = dt;
  dt = next_report - t;
  if (dt > 0 && dt < tstep) tstep = dt;
  // Tanks filling or draining.
  for (std::size_t i = 0; i < net_.nodes.size(); ++i) {
    const auto& N = net_.nodes[i];
    if (N.kind != NodeKind::Tank) continue;
    const double q = s.demand[i], h = s.head[i];
    if (std::abs(q) <= kQzero) continue;
    double v;
    if (q > 0.0 && h < N.elevation + N.max_level) v = tank_volume(net_, N, N.elevation + N.max_level) - volume_[i];
    else if (q < 0.0 && h > N.elevation + N.min_level) v = N.min_volume - volume_[i];
    else continue;
    const long tt = std::lround(v / q);
    if (tt > 0 && tt < tstep) tstep = tt;
  }
  // Controls.
  for (const auto& c : net_.controls) {
    long tt = 0;
    if (c.node >= 0) {
      const auto& N = net_.nodes[c.node];
      if (N.kind != NodeKind::Tank) continue;
      const double h = s.head[c.node], q = s.demand[c.node];
      if (std::abs(q) <= kQzero) continue;
      if ((h < c.grade && c.kind == ControlKind::LevelAbove && q > 0.0) ||
          (h > c.grade && c.kind == ControlKind::LevelBelow && q < 0.0)) {
        const double v = tank_volume(net_, N, c.grade) - volume_[c.node];
        tt = std::lround(v / q);
      }
    }
    if (c.kind == ControlKind::AtTime && c.time > t) tt = c.time - t;
    if (c.kind == ControlKind::AtClockTime) {
      const long t1 = (t + net_.start_clock) % 86400, t2 = c.time;
      tt = t2 >= t1 ? t2 - t1 : 86400 - t1 + t2;
    }
    if (tt > 0 && tt < tstep) {
      const auto& L = net_.links[c.link];
      const bool pipe = L.kind == LinkKind::Pipe || L.kind == LinkKind::CVPipe;
      if ((!pipe && s.setting[c.link] != c.setting) || s.status[c.link] != wanted(c)) tstep = tt;
    }
  }
  return tstep;
}

void Simulation::tanklevels(HydState& s, long dt) {
  for (std::size_t i = 0; i < net_.nodes.size(); ++i) {
    const auto& N = net_.nodes[i];
    if (N.kind != NodeKind::Tank) continue;
    const double q = s.demand[i];
    volume_[i] += q * static_cast<double>(dt);
    const double vmax = tank_volume(net_, N, N.elevation + N.max_level);
    if (volume_[i] + q >= vmax && !N.can_overflow) volume_[i] = vmax;
    else if (volume_[i] - q <= N.min_volume) volume_[i] = N.min_volume;
    s.head[i] = tank_head(net_, N, volume_[i]);
  }
}

SimulationResult Simulation::run(bool record) {
  SimulationResult r;
  HydState s = solver_.initial_state();
  volume_.assign(net_.nodes.size(), 0.0);
  for (std::size_t i = 0; i < net_.nodes.size(); ++i)
    if (net_.nodes[i].kind == NodeKind::Tank) volume_[i] = tank_volume(net_, net_.nodes[i], s.head[i]);
  const long rstep = net_.report_step > 0 ? net_.report_step : 3600;
  long next_report = net_.report_start;
  long t = 0;
  for (;;) {
    // Bounded: at most kMaxHydraulicSolves solves (each time step is >= 1 s, and the reader bounds DURATION).
    if (r.hydraulic_steps >= kMaxHydraulicSolves)
      throw SolverError("network '" + net_.source + "': extended-period simulation stopped at t = " + std::to_string(t) +
                        " s of " + std::to_string(net_.duration) + " s after " + std::to_string(r.hydraulic_steps) +
                        " hydraulic solves (the limit; tanks or controls force very short time steps)");
    demands(s, t);
    controls(s, t);
    const SolveStats st = solver_.solve(s, static_cast<double>(t));
    ++r.hydraulic_steps;
    r.newton_iterations += st.newton_iterations;
    r.max_continuity = std::max(r.max_continuity, st.continuity);
    if (t >= next_report) {
      if (record) {
        r.times.push_back(static_cast<double>(t));
        r.heads.push_back(s.head);
        std::vector<double> q(net_.links.size());
        for (std::size_t k = 0; k < q.size(); ++k) q[k] = NetworkSolver::reported_flow(s, static_cast<int>(k));
        r.flows.push_back(std::move(q));
      }
      while (next_report <= t) next_report += rstep;
    }
    if (t >= net_.duration) break;
    const long dt = timestep(s, t, next_report);
    tanklevels(s, dt);
    t += dt;
  }
  return r;
}

}  // namespace caspflow::solvers::hydraulics
