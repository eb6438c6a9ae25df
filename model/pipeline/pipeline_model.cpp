#include "caspflow/model/pipeline/pipeline_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "caspflow/model/errors.hpp"

#include "caspflow/model/hydraulics/friction.hpp"
#include "caspflow/model/pipeline/root.hpp"

namespace caspflow::model::pipeline {

namespace hy = caspflow::model::hydraulics;

const char* kind_name(ConstraintKind k) {
  switch (k) {
    case ConstraintKind::Suction: return "suction";
    case ConstraintKind::Slack: return "slack_line";
    case ConstraintKind::Maop: return "maop";
    case ConstraintKind::Delivery: return "delivery";
    case ConstraintKind::None: break;
  }
  return "none";
}

Conditions conditions_for(const hy::Fluid& fluid, double T, double dra, std::vector<bool> out) {
  Conditions c;
  c.rho = fluid.density(T);
  c.rho15 = fluid.rho15;
  c.nu = fluid.viscosity(T);
  c.dra = dra;
  c.out = std::move(out);
  return c;
}

namespace {
constexpr double kSameX = 1e-6;  // m: chainages closer than this are one node

std::string km_label(double x, const std::string& label) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "km %.1f", x / 1000.0);
  std::string s(buf);
  if (!label.empty()) s += " (" + label + ")";
  return s;
}
}  // namespace

PipelineModel::PipelineModel(Pipeline p) : p_(std::move(p)) {
  if (p_.sections.empty()) throw PreconditionError("pipeline '" + p_.id + "' has no sections");
  const double L = p_.length();
  // Every chainage where something happens becomes a node.
  std::vector<double> xs{0.0, L};
  for (const auto& s : p_.sections) xs.push_back(s.start_m);
  for (const auto& pt : p_.profile)
    if (pt.chainage_m > 0.0 && pt.chainage_m < L) xs.push_back(pt.chainage_m);
  for (const auto& st : p_.stations) xs.push_back(st.chainage_m);
  for (const auto& r : p_.reductions) xs.push_back(r.chainage_m);
  std::sort(xs.begin(), xs.end());
  std::vector<double> uniq;
  for (double x : xs)
    if (uniq.empty() || x - uniq.back() > kSameX) uniq.push_back(x);

  for (double x : uniq) {
    Node n;
    n.x = x;
    n.z = p_.elevation(x);
    n.section = p_.section_at(x);
    n.maop = p_.sections[n.section].maop_pa;
    // At a section boundary the weaker pipe rules.
    if (n.section > 0 && std::abs(p_.sections[n.section].start_m - x) <= kSameX)
      n.maop = std::min(n.maop, p_.sections[n.section - 1].maop_pa);
    for (const auto& pt : p_.profile)
      if (std::abs(pt.chainage_m - x) <= kSameX && !pt.label.empty()) n.label = pt.label;
    for (std::size_t i = 0; i < p_.stations.size(); ++i)
      if (std::abs(p_.stations[i].chainage_m - x) <= kSameX) n.station = static_cast<int>(i);
    for (std::size_t i = 0; i < p_.reductions.size(); ++i) {
      const auto& r = p_.reductions[i];
      if (std::abs(r.chainage_m - x) <= kSameX) n.prs = static_cast<int>(i);
      if (x >= r.slack_from_m - kSameX && x <= r.chainage_m + kSameX) n.slack_ok = true;
    }
    nodes_.push_back(std::move(n));
  }
  double dmin = std::numeric_limits<double>::infinity();
  for (const auto& s : p_.sections) dmin = std::min(dmin, s.inner_diameter_m);
  q_scan_max_ = 15.0 * 0.25 * 3.14159265358979323846 * dmin * dmin;
}

template <bool Full>
double PipelineModel::evaluate(double q, const Conditions& c, ProfileResult* out, Operation op) const {
  if (!(c.rho > 0.0) || !(c.nu > 0.0)) throw PreconditionError("density and viscosity must be positive");
  if (!(c.dra >= 0.0 && c.dra < 1.0)) throw PreconditionError("drag reduction must be in [0, 1)");
  if (!(q >= 0.0) || !std::isfinite(q)) throw PreconditionError("flow must be finite and >= 0");
  const double g = hy::kGravity;
  const double rg = c.rho * g;
  const std::size_t nn = nodes_.size();

  // Friction gradient per section [m/m].
  const std::size_t ns = p_.sections.size();
  double grad_small[16];
  std::vector<double> grad_big;
  double* grad = grad_small;
  if (ns > 16) {
    grad_big.resize(ns);
    grad = grad_big.data();
  }
  for (std::size_t k = 0; k < ns; ++k) {
    const auto& s = p_.sections[k];
    if (q == 0.0) {
      grad[k] = 0.0;
      continue;
    }
    const double D = s.inner_diameter_m;
    const double v = q / s.area();
    const double Re = v * D / c.nu;
    const double f = hy::friction_factor(Re, s.roughness_m / D, hy::FrictionMode::Colebrook, c.dra);
    grad[k] = f / D * v * v / (2.0 * g);
  }
  // Cumulative friction head loss from the inlet at every node.
  std::vector<double> hf(nn, 0.0);
  for (std::size_t i = 1; i < nn; ++i)
    hf[i] = hf[i - 1] + grad[nodes_[i - 1].section] * (nodes_[i].x - nodes_[i - 1].x);

  // Highest head admissible just downstream of node i: no point up to and including the next
  // controlling node (active station or PRS) above its MAOP.
  auto head_cap = [&](std::size_t i) {
    double cap = std::numeric_limits<double>::infinity();
    for (std::size_t j = i; j < nn; ++j) {
      const Node& n = nodes_[j];
      cap = std::min(cap, n.z + (hf[j] - hf[i]) + n.maop / rg);
      if (j > i && ((n.station >= 0 && !c.is_out(n.station)) || n.prs >= 0)) break;
    }
    return cap;
  };

  // Minimum-pressure operation: least head needed just downstream of each node (backward from the outlet).
  std::vector<double> need;
  const double p_req = p_.vapour_pressure_pa + p_.vapour_margin_pa;
  if (op == Operation::MinPressure) {
    need.assign(nn, 0.0);
    double R = nodes_[nn - 1].z + p_.delivery_pressure_pa / rg;  // head needed at the outlet
    for (std::size_t i = nn; i-- > 0;) {
      const Node& n = nodes_[i];
      if (i + 1 < nn) R += hf[i + 1] - hf[i];  // friction from node i to node i+1
      need[i] = R;                              // head needed just downstream of node i
      // Upstream of node i (its suction / the pipe arriving at it):
      if (n.station >= 0 && !c.is_out(n.station)) {
        const auto& st = p_.stations[n.station];
        const double hp = p_.head_scale * hy::combine(hy::affinity(st.unit, st.speed), st.n_series, st.n_parallel).head(q);
        R = std::max(R - std::max(hp, 0.0), n.z + st.min_suction_pa / rg);
      }
      if (!n.slack_ok) R = std::max(R, n.z + p_req / rg);
    }
  }

  double best = std::numeric_limits<double>::infinity();
  ConstraintKind best_kind = ConstraintKind::None;
  std::size_t best_node = 0;
  int best_up = -1;
  bool best_up_throttled = false;
  int up = -1;              // last active station upstream
  bool up_throttled = false;
  bool controlled = false;  // a station or PRS upstream can throttle
  auto note = [&](double m, ConstraintKind k, std::size_t i) {
    if (m < best) {
      best = m;
      best_kind = k;
      best_node = i;
      best_up = up;
      best_up_throttled = up_throttled;
    }
  };

  if constexpr (Full) {
    out->q = q;
    out->rows.clear();
    out->stations.clear();
    out->rows.reserve(nn + 2 * p_.stations.size());
  }
  auto row = [&](std::size_t i, double H, const std::string& label) {
    if constexpr (Full) {
      const Node& n = nodes_[i];
      out->rows.push_back({n.x, n.z, H, (H - n.z) * rg, label});
    }
  };

  const double p_min = p_.vapour_pressure_pa + p_.vapour_margin_pa;
  double H = nodes_[0].z + p_.inlet_pressure_pa / rg;
  for (std::size_t i = 0; i < nn; ++i) {
    const Node& n = nodes_[i];
    if (i > 0) H -= hf[i] - hf[i - 1];
    const double p = (H - n.z) * rg;
    if (!n.slack_ok) note((p - p_min) / rg, ConstraintKind::Slack, i);
    if (!controlled) note((n.maop - p) / rg, ConstraintKind::Maop, i);
    const bool active = n.station >= 0 && !c.is_out(n.station);
    if (active) {
      const auto& st = p_.stations[n.station];
      note((p - st.min_suction_pa) / rg, ConstraintKind::Suction, i);
      const hy::PumpCurve curve = hy::combine(hy::affinity(st.unit, st.speed), st.n_series, st.n_parallel);
      const double hp = p_.head_scale * curve.head(q);
      double cap = head_cap(i);
      if (st.max_discharge_pa > 0.0) cap = std::min(cap, n.z + st.max_discharge_pa / rg);
      const double hd = op == Operation::MinPressure ? std::max(H, std::min({need[i], H + hp, cap})) : std::min(H + hp, cap);
      const double throttle = std::max(0.0, H + hp - hd);  // head the pumps could give beyond the discharge
      if constexpr (Full) {
        const std::string lab = n.label.empty() ? st.id : st.id + " (" + n.label + ")";
        row(i, H, lab + " suction");
        row(i, hd, lab + " discharge");
        StationResult r;
        r.id = st.id;
        r.chainage_m = n.x;
        r.in_service = true;
        r.suction_pa = p;
        r.discharge_pa = (hd - n.z) * rg;
        // Staging: run the fewest series stages that still reach the discharge head; the rest are
        // bypassed (capacity is unaffected: it only needs the full head to be available).
        const double h_stage = hp / st.n_series;
        int stages = st.n_series;
        if (h_stage > 0.0) {
          const double need = hd - H;
          stages = need <= 0.0 ? 0 : std::min(st.n_series, static_cast<int>(std::ceil(need / h_stage - 1e-12)));
        }
        const double h_run = stages * h_stage;
        r.units_running = stages * st.n_parallel;
        r.pump_head_m = h_run;
        r.throttled_head_m = std::max(0.0, H + h_run - hd);
        const double eta = st.efficiency.at(q / st.n_parallel / st.speed);
        r.power_w = h_run > 0.0 && q > 0.0 ? rg * q * h_run / eta : 0.0;
        r.throttle_power_w = rg * q * r.throttled_head_m;
        out->stations.push_back(r);
      }
      H = hd;
      up = n.station;
      up_throttled = op == Operation::MaxHead ? throttle > 1e-9 * std::max(1.0, hp) : hd >= cap - 1e-9 * std::max(1.0, std::abs(cap));
      controlled = true;
    } else if (n.prs >= 0) {
      const double hd = std::min(H, head_cap(i));
      if constexpr (Full) {
        row(i, H, p_.reductions[n.prs].id + " upstream");
        row(i, hd, p_.reductions[n.prs].id + " downstream");
      }
      H = hd;
      controlled = true;
    } else {
      if constexpr (Full) {
        std::string lab = n.label;
        if (n.station >= 0) lab = p_.stations[n.station].id + " (out of service)";
        if (i + 1 == nn && lab.empty()) lab = "outlet";
        row(i, H, lab);
        if (n.station >= 0) {
          StationResult r;
          r.id = p_.stations[n.station].id;
          r.chainage_m = n.x;
          r.in_service = false;
          r.suction_pa = r.discharge_pa = p;
          out->stations.push_back(r);
        }
      }
    }
  }
  const double p_out = (H - nodes_[nn - 1].z) * rg;
  note((p_out - p_.delivery_pressure_pa) / rg, ConstraintKind::Delivery, nn - 1);

  if constexpr (Full) {
    out->outlet_pressure_pa = p_out;
    Binding b;
    b.kind = best_kind;
    b.margin_m = best;
    const Node& n = nodes_[best_node];
    b.chainage_m = n.x;
    if (best_kind == ConstraintKind::Delivery)
      b.location = "outlet";
    else if (n.station >= 0 && !c.is_out(n.station))
      b.location = p_.stations[n.station].id;
    else if (n.prs >= 0)
      b.location = p_.reductions[n.prs].id;
    else
      b.location = km_label(n.x, n.label);
    if (best_up >= 0) {
      b.upstream_station = p_.stations[best_up].id;
      b.upstream_state = best_up_throttled ? "throttled at its pressure limit" : "on its pump curve";
    }
    out->binding = b;
  }
  return best;
}

ProfileResult PipelineModel::profile(double q, const Conditions& c, Operation op) const {
  ProfileResult r;
  evaluate<true>(q, c, &r, op);
  return r;
}

double PipelineModel::margin(double q, const Conditions& c) const { return evaluate<false>(q, c, nullptr); }

CapacityResult PipelineModel::capacity(const Conditions& c) const {
  CapacityResult res;
  int evals = 0;
  auto g = [&](double q) {
    ++evals;
    const double m = margin(q, c);
    if (std::isnan(m))
      throw SolverError("pipeline '" + p_.id + "': constraint margin is NaN at Q = " + std::to_string(q) +
                        " m3/s (check the pump curves and the fluid)");
    return m;
  };
  // Scan downwards from the top of a grid for the highest feasible flow.
  constexpr int kGrid = 48;
  double qmax = q_scan_max_;
  int tries = 0;
  double gtop = g(qmax);
  while (gtop >= 0.0) {
    if (++tries > 3)
      throw SolverError("pipeline '" + p_.id + "': every constraint still holds at Q = " + std::to_string(qmax) +
                        " m3/s (velocity above 100 m/s); the limits (MAOP, pump curves) look wrong");
    qmax *= 2.0;
    gtop = g(qmax);
  }
  double lo = 0.0, glo = 0.0, hi = qmax, ghi = gtop;
  bool found = false;
  for (int k = kGrid - 1; k >= 1; --k) {
    const double q = qmax * k / kGrid;
    const double m = g(q);
    if (m >= 0.0) {
      lo = q;
      glo = m;
      found = true;
      break;
    }
    hi = q;
    ghi = m;
  }
  if (!found) {
    const double qt = qmax * 1e-7;
    const double m = g(qt);
    if (m < 0.0) {
      // No positive flow meets the constraints: capacity 0, report what fails at (almost) no flow.
      res.q = 0.0;
      res.profile = profile(0.0, c);
      res.binding = res.profile.binding;
      res.evaluations = evals + 1;
      return res;
    }
    lo = qt;
    glo = m;
  }
  // Brent's method on the bracket [lo (feasible), hi (infeasible)], to 1e-9 relative in Q.
  const RootResult rr = brent(g, lo, hi, glo, ghi, 1e-9 * (found ? lo : hi));
  if (!rr.converged)
    throw SolverError("pipeline '" + p_.id + "': capacity search did not converge in 200 Brent steps (bracket " +
                      std::to_string(rr.lo_side) + " .. " + std::to_string(rr.other) + " m3/s)");
  const double qcap = rr.lo_side;
  res.q = qcap;
  res.profile = profile(qcap, c);
  res.binding = res.profile.binding;
  res.evaluations = evals + 1;
  return res;
}

}  // namespace caspflow::model::pipeline
