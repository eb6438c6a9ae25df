#include "caspflow/solvers/dynamics.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include "caspflow/solvers/sundials.hpp"

namespace caspflow::solvers {

namespace {

using model::Allocator;
using model::LegKind;
using model::Scenario;

/// Index layout of the CVODE state vector (all kg). Private to the integrator: the result is handed out as
/// named series (RunResult), never as this vector.
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

constexpr double kThetaMass = 1000.0;  ///< kg: stock above which an empty shipper counts as stocked again
constexpr double kWindowGuard = 1e-3;  ///< s: inputs are evaluated at least this far inside the current window

/// Everything the CVODE callbacks need; lives in simulate_span()'s Run, on its stack.
struct Engine {
  const Scenario& sc;
  Allocator alloc;
  StateLayout L;
  double t0 = 0;  ///< absolute start (s since epoch); integration variable is t - t0
  /// The current integration window [win_a, win_b] (integration time) between two stops or events. Every
  /// input is evaluated strictly inside it, so rounding in t0 + tau (about 2e-7 s at 2025 epoch times) can
  /// never move an evaluation across a breakpoint of a series or an outage boundary.
  double win_a = 0, win_b = 0;
  double eval_time(double tau) const {
    const double d = std::min(kWindowGuard, 0.25 * (win_b - win_a));
    return t0 + std::clamp(tau, win_a + d, win_b - d);
  }
  model::Modes modes;
  std::vector<double> year_start_route;  ///< cumulative route entry at the start of the current year
  std::vector<int> tanker_legs, plug_legs, storage_nodes;
  std::vector<double> rho;               ///< per shipper
  // Tanker histories: loading rate per shipper vs time.
  std::vector<std::vector<double>> th_t, th_rate;
  // Plug-flow histories: inlet volume fractions per shipper vs cumulative inlet volume.
  std::vector<std::vector<double>> ph_v, ph_frac;
  std::vector<double> arrivals, outlet, linefill;  ///< scratch for AllocInput
  RunStats stats;
  std::string cvode_message;  ///< CVODE's last error message (keep_error_message)
  CallbackTrap trap;          ///< an exception thrown in cv_rhs / cv_roots, rethrown after CVode fails

  explicit Engine(const Scenario& s) : sc(s), alloc(s) {}

  int ns() const { return L.ns; }

  double cum_inlet_volume(int leg, const double* y) const {
    double v = 0;
    for (int s = 0; s < L.ns; ++s) v += y[L.leg_in + leg * L.ns + s] / rho[static_cast<size_t>(s)];
    return v;
  }

  /// Fill `arrivals` (tankers) and `outlet` (plug-flow pipelines) for absolute time t and state y.
  void delayed_inputs(double t, const double* y) {
    const size_t NS = static_cast<size_t>(L.ns);
    for (size_t k = 0; k < tanker_legs.size(); ++k) {
      const int l = tanker_legs[k];
      const double tq = t - sc.legs[static_cast<size_t>(l)].transit_time();
      const auto& tt = th_t[k];
      const auto& rr = th_rate[k];
      double* out = &arrivals[static_cast<size_t>(l) * NS];
      if (tt.empty() || tq < tt.front()) {
        std::fill(out, out + NS, 0.0);
        continue;
      }
      // last record with time <= tq (the later of two records at a jump: right-continuous)
      size_t i = static_cast<size_t>(std::upper_bound(tt.begin(), tt.end(), tq) - tt.begin()) - 1;
      if (i + 1 < tt.size() && tt[i + 1] > tt[i]) {
        const double w = (tq - tt[i]) / (tt[i + 1] - tt[i]);
        for (size_t s = 0; s < NS; ++s) out[s] = (1 - w) * rr[i * NS + s] + w * rr[(i + 1) * NS + s];
      } else {
        for (size_t s = 0; s < NS; ++s) out[s] = rr[i * NS + s];
      }
    }
    for (size_t k = 0; k < plug_legs.size(); ++k) {  // what the line holds now, by volume
      const int l = plug_legs[k];
      double* lf = &linefill[static_cast<size_t>(l) * NS];
      double tot = 0;
      for (size_t s = 0; s < NS; ++s) tot += lf[s] = std::max(0.0, y[L.transit + l * L.ns + static_cast<int>(s)]) / rho[s];
      for (size_t s = 0; s < NS; ++s) lf[s] = tot > 0 ? lf[s] / tot : 0.0;
    }
    for (size_t k = 0; k < plug_legs.size(); ++k) {
      const int l = plug_legs[k];
      const double vq = cum_inlet_volume(l, y) - sc.legs[static_cast<size_t>(l)].linefill;
      const auto& vv = ph_v[k];
      const auto& ff = ph_frac[k];
      double* out = &outlet[static_cast<size_t>(l) * NS];
      size_t i = static_cast<size_t>(std::upper_bound(vv.begin(), vv.end(), vq) - vv.begin());
      i = i == 0 ? 0 : i - 1;
      if (i + 1 < vv.size() && vv[i + 1] > vv[i] && vq > vv[i]) {
        const double w = std::min(1.0, (vq - vv[i]) / (vv[i + 1] - vv[i]));
        for (size_t s = 0; s < NS; ++s) out[s] = (1 - w) * ff[i * NS + s] + w * ff[(i + 1) * NS + s];
      } else {
        for (size_t s = 0; s < NS; ++s) out[s] = ff[i * NS + s];
      }
    }
  }

  long quality_fallbacks = 0;
  static constexpr long kMaxQualityFallbacks = 20000;
  model::AllocResult solve_at(double t, const double* y) {
    delayed_inputs(t, y);
    model::AllocInput in{t, &modes, &arrivals, &outlet, &linefill};
    ++stats.alloc_solves;
    auto r = alloc.solve(in);
    // The bisection fallback costs tens of allocations; a run that needs it at almost every evaluation is
    // an integrator crawling over a rate that jumps with the state: fail, naming the date, do not hang.
    if (r.quality_fallback && ++quality_fallbacks > kMaxQualityFallbacks)
      throw SolverError("the quality room does not settle at " + model::iso_date(t) + ": the blend limit's room " +
                        "alternated and was bisected at " + std::to_string(kMaxQualityFallbacks) +
                        " evaluations (a rate that jumps with the state; docs/model.md)");
    return r;
  }

  void rhs(double tau, const double* y, double* yd) {
    const auto r = solve_at(eval_time(tau), y);
    std::fill(yd, yd + L.size, 0.0);
    const size_t NS = static_cast<size_t>(L.ns);
    for (int n : storage_nodes)
      for (size_t s = 0; s < NS; ++s) yd[L.stock + n * L.ns + static_cast<int>(s)] = r.node_net[static_cast<size_t>(n) * NS + s];
    for (size_t l = 0; l < static_cast<size_t>(L.nl); ++l)
      for (size_t s = 0; s < NS; ++s) {
        const double a = r.leg_in[l * NS + s], b = r.leg_out[l * NS + s];
        yd[L.leg_in + static_cast<int>(l * NS + s)] = a;
        yd[L.leg_out + static_cast<int>(l * NS + s)] = b;
        yd[L.transit + static_cast<int>(l * NS + s)] = a - b;
      }
    for (size_t s = 0; s < NS; ++s) {
      yd[L.supply + static_cast<int>(s)] = r.supply[s];
      yd[L.shut_in + static_cast<int>(s)] = r.shut_in[s];
    }
    for (size_t k = 0; k < static_cast<size_t>(L.nr); ++k) yd[L.route + static_cast<int>(k)] = r.route_entry[k];
    for (size_t l = 0; l < static_cast<size_t>(L.nl); ++l) yd[L.cap_cum + static_cast<int>(l)] = r.leg_capacity[l];
  }

  /// Volume held in storage partition p, plus the cargoes afloat toward it (their room is reserved).
  double level_volume(int p, const double* y) const {
    const int n = alloc.partitions()[static_cast<size_t>(p)].node;
    double v = 0;
    for (int s = 0; s < L.ns; ++s) {
      if (alloc.partition_of(n, s) != p) continue;
      v += y[L.stock + n * L.ns + s] / rho[static_cast<size_t>(s)];
      for (int l : tanker_legs)
        if (sc.legs[static_cast<size_t>(l)].to == n) v += y[L.transit + l * L.ns + s] / rho[static_cast<size_t>(s)];
    }
    return v;
  }
  int nparts() const { return static_cast<int>(alloc.partitions().size()); }

  /// Net volume rate [m3/s] of storage partition p's level (its owners' stock plus cargoes afloat toward
  /// it), and a scale for it (the volume rate through the node), for an allocation result.
  double level_rate(int p, const model::AllocResult& r, double* scale = nullptr) const {
    const size_t NS = static_cast<size_t>(L.ns);
    const int n = alloc.partitions()[static_cast<size_t>(p)].node;
    double v = 0, sc_v = 0;
    for (int s = 0; s < L.ns; ++s) {
      if (alloc.partition_of(n, s) != p) continue;
      const double rs = rho[static_cast<size_t>(s)];
      v += r.node_net[static_cast<size_t>(n) * NS + static_cast<size_t>(s)] / rs;
      for (int l : tanker_legs)
        if (sc.legs[static_cast<size_t>(l)].to == n) v += (r.leg_in[static_cast<size_t>(l) * NS + static_cast<size_t>(s)] - r.leg_out[static_cast<size_t>(l) * NS + static_cast<size_t>(s)]) / rs;
      for (int l = 0; l < L.nl; ++l) {
        const auto& leg = sc.legs[static_cast<size_t>(l)];
        if (leg.to == n) sc_v += std::abs(r.leg_in[static_cast<size_t>(l) * NS + static_cast<size_t>(s)]) / rs;
        if (leg.from == n) sc_v += std::abs(r.leg_in[static_cast<size_t>(l) * NS + static_cast<size_t>(s)]) / rs;
      }
      sc_v += std::abs(r.supply[static_cast<size_t>(s)]) / rs;
    }
    if (scale) *scale = std::max(sc_v, 1e-9);
    return v;
  }
  /// A full partition is left when its level would fall even with the full-tank rule applied (the rule
  /// no longer binds): rate < -kLeaveFull x the volume rate through the node (round-off guard only).
  static constexpr double kLeaveFull = 1e-10;
  /// A partition whose level is within this fraction of its capacity counts as at the limit.
  static constexpr double kAtLimit = 1e-6;

  /// Make the full/not-full modes consistent with the state at integration time tau (called at the start
  /// and after every root and stop): a full partition whose level would fall is no longer full; a
  /// partition at its limit whose level would rise is full. Returns the partitions that changed.
  std::vector<int> settle_full_modes(double tau, const double* y) {
    std::vector<int> changed;
    for (int iter = 0; iter <= nparts(); ++iter) {
      const auto r = solve_at(eval_time(tau), y);
      int flips = 0;
      for (int p = 0; p < nparts(); ++p) {
        double scale = 0;
        const double rate = level_rate(p, r, &scale);
        auto& f = modes.full[static_cast<size_t>(p)];
        const double wc = alloc.partitions()[static_cast<size_t>(p)].capacity;
        if (f && rate < -kLeaveFull * scale) f = 0;
        else if (!f && level_volume(p, y) >= wc * (1 - kAtLimit) && rate > kLeaveFull * scale) f = 1;
        else continue;
        ++flips;
        changed.push_back(p);
      }
      if (flips == 0) break;
    }
    return changed;
  }

  // Root functions: [storage partition full], [storage node x shipper empty], [route ceiling].
  int nroots() const { return nparts() + static_cast<int>(storage_nodes.size()) * L.ns + L.nr; }
  void roots(double tau, const double* y, double* g, int* dir) {
    int k = 0;
    bool any_full = false;
    for (char f : modes.full) any_full |= f != 0;
    model::AllocResult r;
    if (any_full) r = solve_at(eval_time(tau), y);
    for (int p = 0; p < nparts(); ++p, ++k) {
      if (!modes.full[static_cast<size_t>(p)]) {
        g[k] = alloc.partitions()[static_cast<size_t>(p)].capacity - level_volume(p, y);  // reaches capacity
      } else {
        double scale = 0;
        g[k] = level_rate(p, r, &scale) + kLeaveFull * scale;  // sliding mode ends: the level starts to fall
      }
      if (dir) dir[k] = -1;
    }
    for (int n : storage_nodes) {
      for (int s = 0; s < L.ns; ++s, ++k) {
        const double I = y[L.stock + n * L.ns + s];
        if (!modes.empty[static_cast<size_t>(n * L.ns + s)]) {
          g[k] = I;
          if (dir) dir[k] = -1;
        } else {
          g[k] = I - kThetaMass;
          if (dir) dir[k] = 1;
        }
      }
    }
    const auto& rv = alloc.route_vars();
    for (int r = 0; r < L.nr; ++r, ++k) {
      const auto& route = sc.shippers[static_cast<size_t>(rv[static_cast<size_t>(r)].shipper)].routes[static_cast<size_t>(rv[static_cast<size_t>(r)].route)];
      if (!route.annual_ceiling.empty() && !modes.ceiling_hit[static_cast<size_t>(r)]) {
        g[k] = route.annual_ceiling.at(eval_time(tau)) - (y[L.route + r] - year_start_route[static_cast<size_t>(r)]);
      } else {
        g[k] = 1.0;
      }
      if (dir) dir[k] = -1;
    }
  }

  /// Append the loading rates / inlet composition at t to the delayed-leg histories.
  /// Returns true if a tanker loading rate differs from the previous record (called right after the
  /// left-limit record at the same time, this detects a jump).
  /// `tau` is integration time; inputs are taken inside the current window (see eval_time).
  bool record(double tau, const double* y) {
    const double t = t0 + tau;
    const auto r = solve_at(eval_time(tau), y);
    const size_t NS = static_cast<size_t>(L.ns);
    bool changed = false;
    for (size_t k = 0; k < tanker_legs.size(); ++k) {
      const size_t l = static_cast<size_t>(tanker_legs[k]);
      auto& tt = th_t[k];
      auto& rr = th_rate[k];
      if (!tt.empty()) {
        for (size_t s = 0; s < NS; ++s) {
          const double prev = rr[(tt.size() - 1) * NS + s], now = r.leg_in[l * NS + s];
          if (std::abs(now - prev) > 1e-9 * std::max({1.0, std::abs(now), std::abs(prev)})) changed = true;
        }
      }
      tt.push_back(t);
      for (size_t s = 0; s < NS; ++s) rr.push_back(r.leg_in[l * NS + s]);
    }
    for (size_t k = 0; k < plug_legs.size(); ++k) {
      const size_t l = static_cast<size_t>(plug_legs[k]);
      double q = 0;
      for (size_t s = 0; s < NS; ++s) q += r.leg_in[l * NS + s] / rho[s];
      if (q <= 0) continue;
      const double v = cum_inlet_volume(static_cast<int>(l), y);
      if (!ph_v[k].empty() && v < ph_v[k].back()) continue;  // round-off guard
      ph_v[k].push_back(v);
      for (size_t s = 0; s < NS; ++s) ph_frac[k].push_back(r.leg_in[l * NS + s] / rho[s] / q);
    }
    return changed;
  }
};

// CVODE callbacks: an exception is kept in Engine::trap (it never crosses the C boundary); a non-finite
// derivative is recoverable (CVODE retries with a smaller step), any other exception is fatal.
int cv_rhs(sunrealtype t, N_Vector y, N_Vector yd, void* ud) {
  auto* e = static_cast<Engine*>(ud);
  return e->trap.run([&] {
    ++e->stats.rhs_evals;
    double* d = N_VGetArrayPointer(yd);
    e->rhs(t, N_VGetArrayPointer(y), d);
    require_finite(d, e->L.size, "the right-hand side");
  });
}

int cv_roots(sunrealtype t, N_Vector y, sunrealtype* g, void* ud) {
  auto* e = static_cast<Engine*>(ud);
  return e->trap.run([&] { e->roots(t, N_VGetArrayPointer(y), g, nullptr); });
}

/// Error weights. Stocks and crude in transit: the scenario's rtol, 1e-3 kg absolute. The cumulative
/// flows (into and out of legs, supply, shut-in, route entries, capacity) are quadratures whose daily
/// differences are the reported daily means: they are held to kCumRtol of their value, so a daily mean
/// is exact to about 1e-10 of the flow (rates are piecewise polynomial between stops, so the tight
/// tolerance costs a few short steps after each restart only).
constexpr double kCumRtol = 1e-14;
int cv_ewt(N_Vector y, N_Vector ewt, void* ud) {
  const auto* e = static_cast<const Engine*>(ud);
  const double* yv = N_VGetArrayPointer(y);
  double* w = N_VGetArrayPointer(ewt);
  const sunindextype n = N_VGetLength(y);
  for (sunindextype i = 0; i < n; ++i) {
    const bool cum = i >= e->L.leg_in && !(i >= e->L.transit && i < e->L.transit + e->L.nl * e->L.ns);
    w[i] = 1.0 / (cum ? kCumRtol * std::abs(yv[i]) + 1e-6 : e->sc.rtol * std::abs(yv[i]) + 1e-3);
  }
  return 0;
}

}  // namespace

namespace {

/// The state vector's layout: stocks, crude in transit, cumulative leg entries and exits, supply, shut-in,
/// route entries and leg capacities, in that order.
StateLayout state_layout(const Scenario& sc, int nroutes) {
  StateLayout L;
  L.ns = static_cast<int>(sc.shippers.size());
  L.nn = static_cast<int>(sc.nodes.size());
  L.nl = static_cast<int>(sc.legs.size());
  L.nr = nroutes;
  int off = 0;
  L.stock = off; off += L.nn * L.ns;
  L.transit = off; off += L.nl * L.ns;
  L.leg_in = off; off += L.nl * L.ns;
  L.leg_out = off; off += L.nl * L.ns;
  L.supply = off; off += L.ns;
  L.shut_in = off; off += L.ns;
  L.route = off; off += L.nr;
  L.cap_cum = off; off += L.nl;
  L.size = off;
  return L;
}

/// One simulate_span run: the engine, the result it fills, the stop schedule, CVODE's objects and the
/// integration loop's state. The steps are called in order by simulate_span.
struct Run {
  const Scenario& sc;
  const Progress& progress;
  Engine e;
  RunResult out;
  std::vector<double> y0;            ///< initial state
  double tend = 0;                   ///< integration time of the end
  std::set<double> stops;            ///< integration times at which CVODE stops and restarts
  std::set<double> year_starts;      ///< the 1 January among them (annual ceilings reset)
  // CVODE's objects, in creation order (destroyed in reverse: the context last).
  SunContext ctx;
  SunVector y, ytmp;
  CvodeMem mem;
  SunNonlinSol nls;
  int nrt = 0;                       ///< number of root functions
  std::vector<int> rootdir, rootsfound;
  std::vector<double> gtmp;
  // The integration loop.
  double t = 0;                      ///< integration time reached
  int next_day = 1;                  ///< next day boundary to sample
  int next_mid = 0;                  ///< next mid-day to evaluate the limit
  double last_progress = -1;
  double last_root_t = -HUGE_VAL;    ///< guard against mode switches that do not let time advance
  int roots_here = 0;
  static constexpr int kMaxRootsAtOneInstant = 1000;

  Run(const Scenario& s, const Progress& p) : sc(s), progress(p), e(s) {}

  /// The state layout, the shippers' densities, the storage nodes and the delayed legs (tankers and
  /// plug-flow pipelines) with their scratch and histories; a delayed leg must end at storage or a sink.
  void build_layout() {
    StateLayout& L = e.L;
    L = state_layout(sc, static_cast<int>(e.alloc.route_vars().size()));
    const size_t NS = static_cast<size_t>(L.ns);

    for (const auto& sh : sc.shippers) e.rho.push_back(sc.grades[static_cast<size_t>(sh.grade)].density);
    for (int n = 0; n < L.nn; ++n)
      if (sc.nodes[static_cast<size_t>(n)].has_storage()) e.storage_nodes.push_back(n);
    for (int l = 0; l < L.nl; ++l) {
      const auto& leg = sc.legs[static_cast<size_t>(l)];
      const bool delayed = leg.kind == LegKind::Tanker || (leg.kind == LegKind::Pipeline && leg.linefill > 0);
      if (delayed) {
        const auto& to = sc.nodes[static_cast<size_t>(leg.to)];
        if (!to.has_storage() && to.kind != model::NodeKind::Sink)
          throw InputError(leg.loc, "legs." + leg.id + ".to",
                           "found node '" + to.id + "' without storage, expected a storage or sink node at the end of a "
                           "leg with a transit delay (tanker or pipeline with linefill)");
      }
      if (leg.kind == LegKind::Tanker) e.tanker_legs.push_back(l);
      if (leg.kind == LegKind::Pipeline && leg.linefill > 0) e.plug_legs.push_back(l);
    }
    e.arrivals.assign(static_cast<size_t>(L.nl) * NS, 0.0);
    e.outlet.assign(static_cast<size_t>(L.nl) * NS, 0.0);
    e.linefill.assign(static_cast<size_t>(L.nl) * NS, 0.0);
    e.th_t.resize(e.tanker_legs.size());
    e.th_rate.resize(e.tanker_legs.size());
    e.ph_v.resize(e.plug_legs.size());
    e.ph_frac.resize(e.plug_legs.size());
  }

  /// The initial state (stocks, linefill owned by its shipper), the plug-flow histories' initial linefill
  /// and the initial modes (empty where a stock is below half the stocked threshold).
  void initial_state() {
    const StateLayout& L = e.L;
    const size_t NS = static_cast<size_t>(L.ns);
    y0.assign(static_cast<size_t>(L.size), 0.0);
    for (int n : e.storage_nodes)
      for (const auto& [s, vol] : sc.nodes[static_cast<size_t>(n)].initial)
        y0[static_cast<size_t>(L.stock + n * L.ns + s)] += vol * e.rho[static_cast<size_t>(s)];
    for (size_t k = 0; k < e.plug_legs.size(); ++k) {
      const auto& leg = sc.legs[static_cast<size_t>(e.plug_legs[k])];
      const int owner = leg.linefill_owner;
      if (owner < 0) throw InputError(leg.loc, "legs." + leg.id + ".linefill_owner", "missing, expected the shipper owning the initial linefill");
      y0[static_cast<size_t>(L.transit + e.plug_legs[k] * L.ns + owner)] = leg.linefill * e.rho[static_cast<size_t>(owner)];
      std::vector<double> fr(NS, 0.0);
      fr[static_cast<size_t>(owner)] = 1.0;
      e.ph_v[k] = {-leg.linefill, 0.0};
      e.ph_frac[k].insert(e.ph_frac[k].end(), fr.begin(), fr.end());
      e.ph_frac[k].insert(e.ph_frac[k].end(), fr.begin(), fr.end());
    }
    e.modes.empty.assign(static_cast<size_t>(L.nn * L.ns), 1);
    e.modes.full.assign(e.alloc.partitions().size(), 0);
    e.modes.ceiling_hit.assign(static_cast<size_t>(L.nr), 0);
    for (int n : e.storage_nodes) {
      for (int s = 0; s < L.ns; ++s)
        e.modes.empty[static_cast<size_t>(n * L.ns + s)] = y0[static_cast<size_t>(L.stock + n * L.ns + s)] <= 0.5 * kThetaMass;
    }
    e.year_start_route.assign(static_cast<size_t>(L.nr), 0.0);
  }

  /// The time origin and the result's axes, labels and daily arrays (zeroed), with one station label per
  /// pump station of every hydraulic leg.
  void allocate_result() {
    const StateLayout& L = e.L;
    const size_t NS = static_cast<size_t>(L.ns);
    e.t0 = sc.start;
    tend = sc.end - sc.start;
    out.start = sc.start;
    out.ndays = static_cast<int>(std::llround(tend / model::kDay));
    out.constraint_labels = e.alloc.constraint_labels();
    const int D = out.ndays;
    out.stock = BoundarySeries(D, L.nn, L.ns);
    out.in_transit = BoundarySeries(D, L.nl, L.ns);
    out.entered = BoundarySeries(D, L.nl, L.ns);
    out.left = BoundarySeries(D, L.nl, L.ns);
    out.supplied = BoundarySeries(D, L.ns);
    out.shut_in = BoundarySeries(D, L.ns);
    out.route_entered = BoundarySeries(D, L.nr);
    out.capacity = BoundarySeries(D, L.nl);
    out.limit_day.assign(static_cast<size_t>(out.ndays) * NS, 0);
    out.shut_in_reason_day.assign(static_cast<size_t>(out.ndays) * NS, 0);
    out.route_limit_day.assign(static_cast<size_t>(out.ndays) * static_cast<size_t>(L.nr), 0);
    out.leg_state_day.assign(static_cast<size_t>(out.ndays) * static_cast<size_t>(L.nl), 0);
    out.quality_allowance_day.assign(static_cast<size_t>(out.ndays) * static_cast<size_t>(L.nl) * NS, 0.0);
    for (int l = 0; l < L.nl; ++l)
      if (const auto* pm = e.alloc.hydraulic_model(l)) {
        out.hydraulic_legs.push_back(l);
        for (const auto& st : pm->pipeline().stations) out.station_labels.push_back(sc.legs[static_cast<size_t>(l)].id + "/" + st.id);
      }
    const size_t nst = out.station_labels.size();
    out.station_suction.assign(static_cast<size_t>(out.ndays) * nst, 0.0);
    out.station_discharge.assign(static_cast<size_t>(out.ndays) * nst, 0.0);
    out.station_power.assign(static_cast<size_t>(out.ndays) * nst, 0.0);
    out.hydraulic_binding.assign(static_cast<size_t>(out.ndays) * out.hydraulic_legs.size(), 0);
  }

  /// Hard stops: breakpoints of every input series, events, month and year starts, the end.
  void build_stops() {
    auto add_series = [&](const model::Series& s) {
      for (double b : s.breakpoints(sc.start, sc.end)) stops.insert(b - sc.start);
    };
    bool monthly = false;
    for (const auto& sh : sc.shippers) {
      add_series(sh.supply);
      for (const auto& r : sh.routes) {
        add_series(r.nomination);
        add_series(r.annual_ceiling);
      }
    }
    for (const auto& l : sc.legs) {
      add_series(l.capacity);
      add_series(l.berths);
      add_series(l.fleet);
      add_series(l.weather_series);
      add_series(l.max_sulphur);
      add_series(l.min_density);
      add_series(l.max_density);
      if (l.kind == LegKind::Tanker && l.weather_series.empty())
        for (double wv : l.weather) monthly |= wv != l.weather[0];
    }
    for (const auto& ev : sc.events) {
      if (ev.start > sc.start && ev.start < sc.end) stops.insert(ev.start - sc.start);
      if (ev.end > sc.start && ev.end < sc.end) stops.insert(ev.end - sc.start);
    }
    add_calendar_stops(monthly);
    stops.insert(tend);
  }

  /// The 1 January of every year after the start (also kept in year_starts) and, with monthly tanker
  /// weather, the first of every month.
  void add_calendar_stops(bool monthly) {
    int y;
    unsigned m, d;
    model::civil_from_days(static_cast<long>(std::floor(sc.start / model::kDay)), y, m, d);
    for (int yy = y + 1;; ++yy) {
      const double ts = model::epoch_seconds(yy, 1, 1);
      if (ts >= sc.end) break;
      year_starts.insert(ts - sc.start);
      stops.insert(ts - sc.start);
    }
    if (monthly)
      for (int yy = y;; ++yy) {
        bool done = false;
        for (unsigned mm = 1; mm <= 12; ++mm) {
          const double ts = model::epoch_seconds(yy, mm, 1);
          if (ts >= sc.end) { done = true; break; }
          if (ts > sc.start) stops.insert(ts - sc.start);
        }
        if (done) break;
      }
  }

  /// Throw SolverError naming the CVODE call and its flag if it failed (check_cvode, CVODE's message).
  void check(int flag, const char* call) const { check_cvode(flag, call, e.cvode_message); }

  /// A failed CVODE call at time t: what a callback threw (its own type and message), else the flag's name.
  [[noreturn]] void fail(int flag, const char* call) const {
    cvode_failed(flag, call, "at " + model::iso_date(sc.start + t), e.trap, e.cvode_message);
  }

  /// CVODE: Adams with fixed-point iteration (the rates barely depend on the state: this is a
  /// quadrature with events), the error weights of cv_ewt, a maximum step and the root functions.
  void setup_cvode() {
    const StateLayout& L = e.L;
    ctx = SunContext::create();
    y = SunVector(check_created(N_VNew_Serial(L.size, ctx.get()), "N_VNew_Serial"));
    ytmp = SunVector(check_created(N_VNew_Serial(L.size, ctx.get()), "N_VNew_Serial"));
    std::copy(y0.begin(), y0.end(), N_VGetArrayPointer(y.get()));
    mem = CvodeMem(check_created(CVodeCreate(CV_ADAMS, ctx.get()), "CVodeCreate"));
    check(CVodeSetErrHandlerFn(mem.get(), keep_error_message, &e.cvode_message), "CVodeSetErrHandlerFn");
    check(CVodeInit(mem.get(), cv_rhs, 0.0, y.get()), "CVodeInit");
    check(CVodeSetUserData(mem.get(), &e), "CVodeSetUserData");
    check(CVodeWFtolerances(mem.get(), cv_ewt), "CVodeWFtolerances");
    nls = SunNonlinSol(check_created(SUNNonlinSol_FixedPoint(y.get(), 0, ctx.get()), "SUNNonlinSol_FixedPoint"));
    check(CVodeSetNonlinearSolver(mem.get(), nls.get()), "CVodeSetNonlinearSolver");
    double hmax = 10 * model::kDay;
    for (int l : e.tanker_legs) hmax = std::min(hmax, 0.45 * sc.legs[static_cast<size_t>(l)].transit_time());
    check(CVodeSetMaxStep(mem.get(), hmax), "CVodeSetMaxStep");

    check(CVodeSetMaxNumSteps(mem.get(), 100000), "CVodeSetMaxNumSteps");
    nrt = e.nroots();
    rootdir.resize(static_cast<size_t>(std::max(1, nrt)));
    rootsfound.resize(static_cast<size_t>(std::max(1, nrt)));
    gtmp.resize(static_cast<size_t>(std::max(1, nrt)));
    t = 0;
    if (nrt > 0) check(CVodeRootInit(mem.get(), nrt, cv_roots), "CVodeRootInit");
  }

  /// The direction of every root function from the modes at time t (CVodeSetRootDirection).
  void set_root_dirs() {
    if (nrt == 0) return;
    e.roots(t, N_VGetArrayPointer(y.get()), gtmp.data(), rootdir.data());
    check(CVodeSetRootDirection(mem.get(), rootdir.data()), "CVodeSetRootDirection");
  }

  /// "NODE" or "NODE/GRADE": the name of storage partition p in events.
  std::string part_name(int p) const {
    const auto& part = e.alloc.partitions()[static_cast<size_t>(p)];
    std::string name = sc.nodes[static_cast<size_t>(part.node)].id;
    if (part.grade >= 0) name += "/" + sc.grades[static_cast<size_t>(part.grade)].id;
    return name;
  }

  /// A ceiling that changes at a stop (a step series): the route reopens when the new ceiling is above what
  /// entered since 1 January, and closes when it is at or below it. Only where the ceiling changes (and at the
  /// start, and after the 1 January reset): a ceiling reached at a root stays reached.
  void recheck_ceilings(double tau, const double* yv) {
    const StateLayout& L = e.L;
    const double ta = sc.start + tau;
    const auto& rvs = e.alloc.route_vars();
    for (int r = 0; r < L.nr; ++r) {
      const auto& rv = rvs[static_cast<size_t>(r)];
      const auto& sh = sc.shippers[static_cast<size_t>(rv.shipper)];
      const auto& route = sh.routes[static_cast<size_t>(rv.route)];
      if (route.annual_ceiling.empty()) continue;
      const double c = route.annual_ceiling.at(ta);
      const bool changes_here = tau == 0.0 || c != route.annual_ceiling.at(std::nextafter(ta, -HUGE_VAL)) ||
                                (year_starts.count(tau) && !e.modes.ceiling_hit[static_cast<size_t>(r)]);
      if (!changes_here) continue;
      const double used = yv[L.route + r] - e.year_start_route[static_cast<size_t>(r)];
      const char hit = c - used <= 1e-9 * std::max(c, 1.0) ? 1 : 0;
      auto& m = e.modes.ceiling_hit[static_cast<size_t>(r)];
      if (hit == m) continue;
      m = hit;
      out.events.push_back({sc.start + tau, (hit ? "ceiling:" : "ceiling_open:") + sh.id + "/" + route.id});
    }
  }

  /// Make the ceiling and full/not-full modes consistent with the state at tau, logging what changed.
  void settle(double tau, const double* yv) {
    recheck_ceilings(tau, yv);
    for (int p : e.settle_full_modes(tau, yv))
      out.events.push_back({sc.start + tau, (e.modes.full[static_cast<size_t>(p)] ? "full:" : "not_full:") + part_name(p)});
  }

  /// The first stop after t.
  double next_stop() const { return *stops.upper_bound(t); }

  /// Daily samples are taken at step ends, never from the interpolating polynomial inside a step (whose
  /// error at order 1 is of the order of the step's local error): the integrator also stops at every day
  /// boundary, without a restart (no discontinuity there).
  double stop_time(double win_b) const { return std::min(win_b, std::floor(t / model::kDay + 1.0) * model::kDay); }

  /// The first window, the modes settled at the start, the first history record and day sample, and the
  /// first stop time.
  void start() {
    e.win_a = 0;
    e.win_b = *stops.upper_bound(0.0);
    settle(0.0, N_VGetArrayPointer(y.get()));
    set_root_dirs();
    e.record(0.0, N_VGetArrayPointer(y.get()));
    record_boundary(0, y0.data());
    next_day = 1;
    next_mid = 0;
    check(CVodeSetStopTime(mem.get(), stop_time(next_stop())), "CVodeSetStopTime");
  }

  /// The main loop: one CVODE step at a time to the end, sampling the days and mid-days the step covers,
  /// then handling the day boundary, root or stop it ended at, and reporting progress.
  void integrate() {
    while (t < tend) {
      double tret = t;
      e.trap.clear();
      const int flag = CVode(mem.get(), tend, y.get(), &tret, CV_ONE_STEP);
      if (flag < 0 || e.trap.fatal()) fail(flag, "CVode");
      ++e.stats.steps;
      check_step_budget(tret);
      sample_day_boundaries(tret);
      sample_middays(tret);
      t = tret;
      if (!after_step(flag)) break;
      if (progress && t / tend - last_progress >= 0.01) {
        last_progress = t / tend;
        progress(last_progress);
      }
    }
  }

  /// CVodeSetMaxNumSteps bounds one CVode call, and CV_ONE_STEP calls take one step each: the loop itself has
  /// a total budget (issue 10), proportional to the simulated days and to the restarts (stops, events).
  void check_step_budget(double tret) const {
    const double budget = 1e5 + 500.0 * tend / model::kDay + 50.0 * static_cast<double>(e.stats.stops + e.stats.roots);
    if (static_cast<double>(e.stats.steps) > budget) {
      std::ostringstream os;
      os << "time integration stopped on " << model::iso_date(sc.start + tret) << " after " << e.stats.steps
         << " steps, the budget of 1e5 + 500 per simulated day + 50 per stop or event (" << static_cast<long>(budget)
         << "); the last step was " << (tret - t) << " s";
      throw SolverError(os.str());
    }
  }

  /// Daily samples inside the step just taken (CVODE's dense output).
  void sample_day_boundaries(double tret) {
    while (next_day <= out.ndays && next_day * model::kDay <= tret * (1 + 1e-15)) {
      if (const int f = CVodeGetDky(mem.get(), std::min(next_day * model::kDay, tret), 0, ytmp.get()); f < 0) fail(f, "CVodeGetDky");
      record_boundary(next_day, N_VGetArrayPointer(ytmp.get()));
      ++next_day;
    }
  }

  /// The mid-days inside the step just taken: the state there (dense output), the allocation at it and
  /// the day's diagnostics.
  void sample_middays(double tret) {
    while (next_mid < out.ndays && (next_mid + 0.5) * model::kDay <= tret) {
      if (const int f = CVodeGetDky(mem.get(), (next_mid + 0.5) * model::kDay, 0, ytmp.get()); f < 0) fail(f, "CVodeGetDky");
      const double tmid = e.eval_time((next_mid + 0.5) * model::kDay);
      const auto r = e.solve_at(tmid, N_VGetArrayPointer(ytmp.get()));
      record_limits(r);
      record_stations(tmid, r);
      ++next_mid;
    }
  }

  /// Mid-day next_mid: what limits each shipper and route, why crude is shut in, each leg's state and the
  /// quality allowances.
  void record_limits(const model::AllocResult& r) {
    const StateLayout& L = e.L;
    std::copy(r.limit.begin(), r.limit.end(), out.limit_day.begin() + static_cast<long>(next_mid) * L.ns);
    std::copy(r.shut_in_reason.begin(), r.shut_in_reason.end(), out.shut_in_reason_day.begin() + static_cast<long>(next_mid) * L.ns);
    std::copy(r.route_limit.begin(), r.route_limit.end(), out.route_limit_day.begin() + static_cast<long>(next_mid) * L.nr);
    for (int l = 0; l < L.nl; ++l)
      out.leg_state_day[static_cast<size_t>(next_mid) * static_cast<size_t>(L.nl) + static_cast<size_t>(l)] =
          static_cast<int>(r.leg_state[static_cast<size_t>(l)]);
    std::copy(r.quality_allowance.begin(), r.quality_allowance.end(),
              out.quality_allowance_day.begin() + static_cast<long>(next_mid) * L.nl * L.ns);
  }

  /// Mid-day next_mid on every hydraulic leg: the pump stations' suction, discharge and power at the flow
  /// entering the line (min-pressure operation), and what binds its capacity.
  void record_stations(double tmid, const model::AllocResult& r) {
    const size_t NS = static_cast<size_t>(e.L.ns);
    size_t ist = 0;
    for (size_t h = 0; h < out.hydraulic_legs.size(); ++h) {
      const int l = out.hydraulic_legs[h];
      const auto* pm = e.alloc.hydraulic_model(l);
      const auto cond = e.alloc.hydraulic_conditions(l, tmid, &e.linefill);
      double q = 0;  // volume flow at the flowing temperature: mass flow over the line's density there
      for (size_t s = 0; s < NS; ++s) q += r.leg_in[static_cast<size_t>(l) * NS + s];
      q /= cond.rho;
      const auto prof = pm->profile(q, cond, model::pipeline::PipelineModel::Operation::MinPressure);
      for (const auto& st : prof.stations) {
        const size_t k = static_cast<size_t>(next_mid) * out.station_labels.size() + ist++;
        out.station_suction[k] = st.in_service ? st.suction_pa : std::nan("");
        out.station_discharge[k] = st.in_service ? st.discharge_pa : std::nan("");
        out.station_power[k] = st.in_service ? st.power_w : 0.0;
      }
      // What limits the line's capacity today (at today's fluid, DRA and stations): the tightest
      // constraint of the max-head profile at the capacity the run uses.
      const double qcap = e.alloc.leg_capacity(l, tmid, &e.linefill) *
                          (sc.legs[static_cast<size_t>(l)].basis == model::CapBasis::Mass ? 1.0 : cond.rho15) / cond.rho;
      const auto capprof = pm->profile(qcap, cond);
      const std::string lab = std::string(model::pipeline::kind_name(capprof.binding.kind)) + " at " + capprof.binding.location;
      auto it = std::find(out.binding_labels.begin(), out.binding_labels.end(), lab);
      if (it == out.binding_labels.end()) it = out.binding_labels.insert(out.binding_labels.end(), lab);
      out.hydraulic_binding[static_cast<size_t>(next_mid) * out.hydraulic_legs.size() + h] = static_cast<int>(it - out.binding_labels.begin());
    }
  }

  /// After a step ending at t: record the delayed-leg histories; at a day boundary inside the window go on
  /// without a restart; at a root or stop switch the modes and restart. False when the end is reached.
  bool after_step(int flag) {
    double* yv = N_VGetArrayPointer(y.get());
    if (flag == CV_TSTOP_RETURN && t < e.win_b && !stops.count(t)) {
      // A day boundary inside the window: the samples were taken above; continue without a restart.
      e.record(t, yv);
      check(CVodeSetStopTime(mem.get(), stop_time(e.win_b)), "CVodeSetStopTime");
    } else if (flag == CV_ROOT_RETURN || flag == CV_TSTOP_RETURN) {
      e.record(t, yv);  // left of the jump: still in the old window
      if (flag == CV_ROOT_RETURN) {
        on_root();
      } else {
        on_stop(yv);
      }
      if (t >= tend) return false;
      restart(yv);
    } else {
      e.record(t, yv);
    }
    return true;
  }

  /// Mode switches that do not let time advance (a tank flipping between full and not full at one
  /// instant) would loop for ever: stop with the date and what flips instead of hanging.
  void guard_roots_at_one_instant() {
    if (t - last_root_t <= 1e-6 * model::kDay) {
      if (++roots_here > kMaxRootsAtOneInstant) {
        std::string what;
        for (size_t i = out.events.size() > 6 ? out.events.size() - 6 : 0; i < out.events.size(); ++i) what += " " + out.events[i].what;
        throw SolverError("the storage modes do not settle at " + model::iso_date(sc.start + t) + ": " +
                          std::to_string(roots_here) + " mode switches within 0.1 s (last:" + what + ")");
      }
    } else {
      roots_here = 0;
      last_root_t = t;
    }
  }

  /// A root at t: flip the mode of every root found (full, empty, ceiling reached) and log the event.
  void on_root() {
    const StateLayout& L = e.L;
    ++e.stats.roots;
    guard_roots_at_one_instant();
    check(CVodeGetRootInfo(mem.get(), rootsfound.data()), "CVodeGetRootInfo");
    int k = 0;
    const double tabs = sc.start + t;
    for (int p = 0; p < e.nparts(); ++p, ++k)
      if (rootsfound[static_cast<size_t>(k)]) {
        auto& f = e.modes.full[static_cast<size_t>(p)];
        f ^= 1;
        out.events.push_back({tabs, (f ? "full:" : "not_full:") + part_name(p)});
      }
    for (int n : e.storage_nodes) {
      const std::string& nid = sc.nodes[static_cast<size_t>(n)].id;
      for (int s = 0; s < L.ns; ++s, ++k)
        if (rootsfound[static_cast<size_t>(k)]) {
          auto& em = e.modes.empty[static_cast<size_t>(n * L.ns + s)];
          em ^= 1;
          out.events.push_back({tabs, (em ? "empty:" : "stocked:") + nid + "/" + sc.shippers[static_cast<size_t>(s)].id});
        }
    }
    for (int r = 0; r < L.nr; ++r, ++k)
      if (rootsfound[static_cast<size_t>(k)]) {
        e.modes.ceiling_hit[static_cast<size_t>(r)] = 1;
        const auto& rv = e.alloc.route_vars()[static_cast<size_t>(r)];
        const auto& sh = sc.shippers[static_cast<size_t>(rv.shipper)];
        out.events.push_back({tabs, "ceiling:" + sh.id + "/" + sh.routes[static_cast<size_t>(rv.route)].id});
      }
  }

  /// A stop at t: on 1 January the annual ceilings reopen and count from the route entries now.
  void on_stop(const double* yv) {
    const StateLayout& L = e.L;
    ++e.stats.stops;
    if (year_starts.count(t)) {
      for (int r = 0; r < L.nr; ++r) {
        e.modes.ceiling_hit[static_cast<size_t>(r)] = 0;
        e.year_start_route[static_cast<size_t>(r)] = yv[L.route + r];
      }
    }
  }

  /// Restart at t after a root or stop: the new window, the modes settled, the history record right of
  /// the jump (a tanker loading-rate jump adds a stop one transit time later), CVodeReInit, the root
  /// directions and the next stop time.
  void restart(const double* yv) {
    e.win_a = t;
    e.win_b = next_stop();
    settle(t, yv);
    const bool changed = e.record(t, yv);  // right of the jump: did a tanker loading rate jump here?
    if (changed)  // a loading-rate jump reaches the other end one transit time later
      for (int l : e.tanker_legs) {
        const double ta = t + sc.legs[static_cast<size_t>(l)].transit_time();
        if (ta < tend) stops.insert(ta);
      }
    check(CVodeReInit(mem.get(), t, y.get()), "CVodeReInit");
    set_root_dirs();
    e.win_b = next_stop();
    check(CVodeSetStopTime(mem.get(), stop_time(e.win_b)), "CVodeSetStopTime");
  }

  /// The final day boundary (when it coincides with the end) and the last progress report.
  void finish() {
    if (next_day <= out.ndays) record_boundary(out.ndays, N_VGetArrayPointer(y.get()));  // the final boundary is the end
    if (progress) progress(1.0);
  }

  /// The state at day boundary `day` into the result's named series.
  void record_boundary(int day, const double* y) {
    const StateLayout& L = e.L;
    for (int s = 0; s < L.ns; ++s) {
      for (int n = 0; n < L.nn; ++n) out.stock.at(day, n, s) = y[L.stock + n * L.ns + s];
      for (int l = 0; l < L.nl; ++l) {
        out.in_transit.at(day, l, s) = y[L.transit + l * L.ns + s];
        out.entered.at(day, l, s) = y[L.leg_in + l * L.ns + s];
        out.left.at(day, l, s) = y[L.leg_out + l * L.ns + s];
      }
      out.supplied.at(day, s) = y[L.supply + s];
      out.shut_in.at(day, s) = y[L.shut_in + s];
    }
    for (int r = 0; r < L.nr; ++r) out.route_entered.at(day, r) = y[L.route + r];
    for (int l = 0; l < L.nl; ++l) out.capacity.at(day, l) = y[L.cap_cum + l];
  }

  /// Conservation: supply = sink deliveries + shut-in + change of stock + change in transit, per shipper
  /// and in total; throws SolverError above 1e-9 of a shipper's supply plus its initial stock and transit.
  void check_conservation() {
    const StateLayout& L = e.L;
    const size_t NS = static_cast<size_t>(L.ns);
    const int N = out.ndays;
    out.residual.assign(NS, 0.0);
    double tot_sup = 0, tot_res = 0;
    for (size_t s = 0; s < NS; ++s) {
      const int si = static_cast<int>(s);
      double sup = out.supplied.at(N, si), bal = sup - out.shut_in.at(N, si);
      for (int l = 0; l < L.nl; ++l) {
        if (sc.nodes[static_cast<size_t>(sc.legs[static_cast<size_t>(l)].to)].kind == model::NodeKind::Sink)
          bal -= out.left.at(N, l, si);
        bal -= out.in_transit.at(N, l, si) - y0[static_cast<size_t>(L.transit + l * L.ns + si)];
      }
      double init = 0;  // stock and transit held at the start also count as the shipper's crude
      for (int n : e.storage_nodes) {
        bal -= out.stock.at(N, n, si) - y0[static_cast<size_t>(L.stock + n * L.ns + si)];
        init += y0[static_cast<size_t>(L.stock + n * L.ns + si)];
      }
      for (int l = 0; l < L.nl; ++l) init += y0[static_cast<size_t>(L.transit + l * L.ns + si)];
      out.residual[s] = std::abs(bal) / std::max(sup + init, 1.0);
      tot_sup += sup + init;
      tot_res += bal;
    }
    out.residual_total = std::abs(tot_res) / std::max(tot_sup, 1.0);
    out.stats = e.stats;
    for (size_t s = 0; s < NS; ++s)
      if (!(out.residual[s] <= 1e-9))
        throw SolverError("mass conservation violated for shipper '" + sc.shippers[s].id + "': relative residual " +
                          std::to_string(out.residual[s]) + " > 1e-9 over the run");
  }
};

}  // namespace

namespace {
/// Drop the first `days` days of a run (the spin-up): outputs start after them.
void drop_leading_days(RunResult& r, int days) {
  if (days <= 0) return;
  const size_t D = static_cast<size_t>(days);
  auto trim = [&](auto& v, size_t per_day) {
    v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(v.size(), D * per_day)));
  };
  for (BoundarySeries* b : {&r.stock, &r.in_transit, &r.entered, &r.left, &r.supplied, &r.shut_in, &r.route_entered, &r.capacity})
    b->drop_leading_days(days);
  const size_t ns = static_cast<size_t>(r.supplied.size1()), nl = static_cast<size_t>(r.capacity.size1());
  trim(r.limit_day, ns);
  trim(r.route_limit_day, static_cast<size_t>(r.route_entered.size1()));
  trim(r.shut_in_reason_day, ns);
  trim(r.leg_state_day, nl);
  trim(r.quality_allowance_day, nl * ns);
  trim(r.station_suction, r.station_labels.size());
  trim(r.station_discharge, r.station_labels.size());
  trim(r.station_power, r.station_labels.size());
  trim(r.hydraulic_binding, r.hydraulic_legs.size());
  r.start += days * model::kDay;
  r.ndays -= days;
  std::erase_if(r.events, [&](const LoggedEvent& e) { return e.t < r.start; });
}
}  // namespace

RunResult simulate(const Scenario& sc, const Progress& progress) {
  if (sc.spinup > 0) {
    // Spin-up: the chain runs from start - spinup with the inputs as they are then (each series before
    // its first point holds its first value), so initial stocks and linefill settle into an operating
    // state; outputs and annual totals begin at `start`. Conservation is checked over the whole run.
    Scenario shifted = sc;
    const int days = static_cast<int>(std::llround(sc.spinup / model::kDay));
    shifted.start -= days * model::kDay;
    shifted.spinup = 0;
    RunResult r = simulate_span(shifted, progress);
    drop_leading_days(r, days);
    return r;
  }
  return simulate_span(sc, progress);
}

RunResult simulate_span(const Scenario& sc, const Progress& progress) {
  Run run(sc, progress);
  run.build_layout();
  run.initial_state();
  run.allocate_result();
  run.build_stops();
  run.setup_cvode();
  run.start();
  run.integrate();
  run.finish();
  run.check_conservation();
  return std::move(run.out);
}

}  // namespace caspflow::solvers
