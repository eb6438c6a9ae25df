#include "caspflow/model/allocation.hpp"

#include "caspflow/model/blend.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>


namespace caspflow::model {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
/// Proration weight used when a shipper drains stock with no nomination of its own (kg/s).
constexpr double kMinWeight = 1.0;
/// Gauss-Seidel sweeps after which the storage coupling is declared not to converge.
constexpr int kMaxSweeps = 200;

int month_of(double t) {
  int y;
  unsigned m, d;
  civil_from_days(static_cast<long>(std::floor(t / kDay)), y, m, d);
  return static_cast<int>(m) - 1;
}
}  // namespace

double Leg::weather_at(double t) const { return weather_series.empty() ? weather[month_of(t)] : weather_series.at(t); }

Allocator::Allocator(const Scenario& sc) : sc_(sc), ns_(static_cast<int>(sc.shippers.size())) {
  // Constraint labels, in this order: supply, leg capacities, full partitions, quality limits, route
  // ceilings, no_route, none.
  labels_.push_back("supply");
  label_supply_ = 0;
  for (const auto& l : sc.legs) {
    label_leg_.push_back(static_cast<int>(labels_.size()));
    labels_.push_back("capacity:" + l.id);
  }
  build_partitions();
  build_quality_limits();
  build_routes();
  load_hydraulics();
  label_noroute_ = static_cast<int>(labels_.size());
  labels_.push_back("no_route");
  label_none_ = static_cast<int>(labels_.size());
  labels_.push_back("none");  // shut_in_reason when nothing is shut in
  build_phases();
  build_rows();
}

void Allocator::build_partitions() {
  // Storage partitions: the common space of each storage node, then one per segregated grade.
  const auto& sc = sc_;
  part_of_.assign(sc.nodes.size() * static_cast<size_t>(ns_), -1);
  for (size_t n = 0; n < sc.nodes.size(); ++n) {
    const auto& nd = sc.nodes[n];
    if (!nd.has_storage()) continue;
    double seg = 0;  // the loader checked seg <= working capacity (inputs/scenario_loader.cpp, hydraulic_checks)
    for (const auto& [g, v] : nd.segregated) seg += v;
    const int common = static_cast<int>(parts_.size());
    parts_.push_back({static_cast<int>(n), -1, nd.working_capacity() - seg});
    label_full_.push_back(static_cast<int>(labels_.size()));
    labels_.push_back("storage_full:" + nd.id);
    for (int s = 0; s < ns_; ++s) part_of_[n * static_cast<size_t>(ns_) + static_cast<size_t>(s)] = common;
    for (const auto& [g, v] : nd.segregated) {
      const int pi = static_cast<int>(parts_.size());
      parts_.push_back({static_cast<int>(n), g, v});
      label_full_.push_back(static_cast<int>(labels_.size()));
      labels_.push_back("storage_full:" + nd.id + "/" + sc.grades[static_cast<size_t>(g)].id);
      for (int s = 0; s < ns_; ++s)
        if (sc.shippers[static_cast<size_t>(s)].grade == g) part_of_[n * static_cast<size_t>(ns_) + static_cast<size_t>(s)] = pi;
    }
  }
}

void Allocator::build_quality_limits() {
  // Quality limits on the blend entering a leg, as sum_s a_s f_s <= 0: one row per limit given (its
  // coefficients at the scenario start; quality_at(t) when a limit changes over time).
  const auto& sc = sc_;
  label_quality_.assign(sc.legs.size(), -1);
  for (size_t l = 0; l < sc.legs.size(); ++l) {
    const auto& leg = sc.legs[l];
    for (QualityKind kind : {QualityKind::MaxSulphur, QualityKind::MaxDensity, QualityKind::MinDensity}) {
      const Series& lim = kind == QualityKind::MaxSulphur ? leg.max_sulphur : kind == QualityKind::MaxDensity ? leg.max_density : leg.min_density;
      if (lim.empty()) continue;
      quality_.push_back({static_cast<int>(l), kind, {}});
      quality_varies_ |= lim.v.size() > 1;
    }
    if (leg.has_quality_limit()) {
      label_quality_[l] = static_cast<int>(labels_.size());
      labels_.push_back("quality:" + leg.id);
    }
  }
  quality_ = quality_at(sc.start);
}

void Allocator::build_routes() {
  // Route variables and their segments.
  const auto& sc = sc_;
  for (int s = 0; s < ns_; ++s) {
    const auto& sh = sc.shippers[static_cast<size_t>(s)];
    for (size_t r = 0; r < sh.routes.size(); ++r) {
      const auto& route = sh.routes[r];
      RouteVar rv{s, static_cast<int>(r), static_cast<int>(r), route.priority.value_or(sh.priority), {}, 0, 0};
      const int rvi = static_cast<int>(routes_.size());
      label_ceiling_.push_back(static_cast<int>(labels_.size()));
      labels_.push_back("ceiling:" + sh.id + "/" + route.id);
      rv.first_seg = static_cast<int>(segs_.size());
      Segment cur{rvi, s, {}, sh.origin, -1, true};
      for (int leg : route.legs) {
        cur.legs.push_back(leg);
        const int to = sc.legs[static_cast<size_t>(leg)].to;
        const auto& node = sc.nodes[static_cast<size_t>(to)];
        if (node.has_storage() || node.kind == NodeKind::Sink) {
          cur.to_node = to;
          segs_.push_back(cur);
          cur = Segment{rvi, s, {}, to, -1, false};
        }
      }
      rv.nseg = static_cast<int>(segs_.size()) - rv.first_seg;
      routes_.push_back(rv);
    }
  }
}

void Allocator::load_hydraulics() {
  // Hydraulic pipelines: the descriptions the loader read and validated (Leg::hydraulics, with the checks of
  // linefill, viscosities and station ids); capacities are memoised per leg.
  const auto& sc = sc_;
  hyd_.resize(sc.legs.size());
  tables_.resize(sc.legs.size());
  for (const auto& g : sc.grades) {
    hydraulics::Fluid f;
    f.rho15 = g.density;
    if (g.visc_nu1 > 0 && g.visc_nu2 > 0) {
      f.t1 = g.visc_t1;
      f.nu1 = g.visc_nu1;
      f.t2 = g.visc_t2;
      f.nu2 = g.visc_nu2;
    } else {
      f.nu1 = f.nu2 = 0;  // unknown: the loader refuses it in a hydraulic pipeline
    }
    fluids_.push_back(f);
  }
  for (size_t l = 0; l < sc.legs.size(); ++l) {
    const auto& leg = sc.legs[l];
    if (leg.hydraulic_model.empty()) continue;
    if (!leg.hydraulics)
      throw InputError(leg.loc, "legs." + leg.id + ".hydraulics",
                       "found a hydraulic description that was not loaded, expected a scenario read by inputs::load_scenario");
    auto model = std::make_shared<const pipeline::PipelineModel>(*leg.hydraulics);
    hyd_[l] = model;
    tables_[l] = std::make_unique<pipeline::CapacityTable>(model);
  }
}

void Allocator::build_phases() {
  // Phases: by (priority, rank).
  int max_rank = 0;
  for (const auto& rv : routes_) max_rank = std::max(max_rank, rv.rank);
  for (int pr = 0; pr < 2; ++pr)
    for (int rank = 0; rank <= max_rank; ++rank) {
      std::vector<int> ph;
      for (size_t g = 0; g < segs_.size(); ++g) {
        const auto& rv = routes_[static_cast<size_t>(segs_[g].routevar)];
        if (static_cast<int>(rv.priority) == pr && rv.rank == rank) ph.push_back(static_cast<int>(g));
      }
      if (!ph.empty()) phases_.push_back(std::move(ph));
    }
}

std::vector<Allocator::QualityRow> Allocator::quality_at(double t) const {
  std::vector<QualityRow> rows = quality_;
  for (auto& q : rows) {
    const auto& leg = sc_.legs[static_cast<size_t>(q.leg)];
    const Series& lim = q.kind == QualityKind::MaxSulphur ? leg.max_sulphur : q.kind == QualityKind::MaxDensity ? leg.max_density : leg.min_density;
    const double L = lim.at(t);  // 0: no limit at this time (every coefficient 0, the row never binds)
    q.a.assign(sc_.shippers.size(), 0.0);
    if (!(L > 0)) continue;
    for (size_t s = 0; s < sc_.shippers.size(); ++s) {
      const Grade& g = sc_.grades[static_cast<size_t>(sc_.shippers[s].grade)];
      switch (q.kind) {
        case QualityKind::MaxSulphur: q.a[s] = g.sulphur - L; break;        // mass-weighted
        case QualityKind::MaxDensity: q.a[s] = 1.0 - L / g.density; break;  // volume-additive
        case QualityKind::MinDensity: q.a[s] = L / g.density - 1.0; break;
      }
    }
  }
  return rows;
}

void Allocator::add_quality_rows(const std::vector<QualityRow>& q, std::vector<std::vector<std::pair<size_t, double>>>& rows) const {
  const size_t NL = sc_.legs.size(), NP = parts_.size();
  for (size_t g = 0; g < segs_.size(); ++g) {
    const auto& sg = segs_[g];
    for (size_t k = 0; k < q.size(); ++k) {
      const double a = q[k].a[static_cast<size_t>(sg.shipper)];
      if (a > 0 && std::find(sg.legs.begin(), sg.legs.end(), q[k].leg) != sg.legs.end()) rows[g].push_back({NL + NP + k, a});
    }
  }
}

void Allocator::build_rows() {
  const size_t NL = sc_.legs.size(), NS = static_cast<size_t>(ns_), NG = segs_.size();
  const size_t NP = parts_.size(), NQ = quality_.size(), NR = NL + NP + NQ;
  row_label_.assign(NR, 0);
  for (size_t l = 0; l < NL; ++l) row_label_[l] = label_leg_[l];
  for (size_t p = 0; p < NP; ++p) row_label_[NL + p] = label_full_[p];
  for (size_t k = 0; k < NQ; ++k) row_label_[NL + NP + k] = label_quality_[static_cast<size_t>(quality_[k].leg)];
  // Each segment's coefficients on the leg rows (mass or volume) and the quality rows of its legs where its
  // crude breaks the limit; the storage partition it fills (if any) is `seg_part_`, with volume coefficient
  // 1/rho (the partition rows are not linear: see the full-partition rule in solve()).
  seg_rows_.assign(NG, {});
  seg_part_.assign(NG, -1);
  for (size_t g = 0; g < NG; ++g) {
    const auto& sg = segs_[g];
    const double rho = sc_.grades[static_cast<size_t>(sc_.shippers[static_cast<size_t>(sg.shipper)].grade)].density;
    for (int l : sg.legs)
      seg_rows_[g].push_back({static_cast<size_t>(l), sc_.legs[static_cast<size_t>(l)].basis == CapBasis::Mass ? 1.0 : 1.0 / rho});
    seg_part_[g] = part_of_[static_cast<size_t>(sg.to_node) * NS + static_cast<size_t>(sg.shipper)];
  }
  seg_leg_rows_ = seg_rows_;
  add_quality_rows(quality_, seg_rows_);
}

double Allocator::leg_event_factor(int leg, double t) const {
  const auto& lg = sc_.legs[static_cast<size_t>(leg)];
  double f = 1.0;
  for (const auto& e : sc_.events) {
    if (t < e.start || t >= e.end || !e.station.empty()) continue;
    if (e.on_leg ? e.target == leg : (lg.from == e.target || lg.to == e.target)) f *= e.remaining;
  }
  return f;
}

pipeline::Conditions Allocator::hydraulic_conditions(int leg, double t, const std::vector<double>* linefill_fraction) const {
  const auto& l = sc_.legs[static_cast<size_t>(leg)];
  const auto& model = *hyd_[static_cast<size_t>(leg)];
  const size_t NS = static_cast<size_t>(ns_);
  // Blend of the grades in the line, by volume (Refutas viscosity, volume-additive density).
  std::vector<double> gfrac(sc_.grades.size(), 0.0);
  if (linefill_fraction) {
    for (size_t s = 0; s < NS; ++s)
      gfrac[static_cast<size_t>(sc_.shippers[s].grade)] += std::max(0.0, (*linefill_fraction)[static_cast<size_t>(leg) * NS + s]);
  }
  double tot = 0;
  for (double x : gfrac) tot += x;
  if (!(tot > 0)) {  // an empty line: the linefill owner's grade
    std::fill(gfrac.begin(), gfrac.end(), 0.0);
    gfrac[static_cast<size_t>(sc_.shippers[static_cast<size_t>(l.linefill_owner)].grade)] = 1.0;
  }
  const hydraulics::Fluid fl = mix_by_volume(fluids_, gfrac);
  std::vector<bool> out(model.pipeline().stations.size(), false);
  for (const auto& e : sc_.events)
    if (!e.station.empty() && e.on_leg && e.target == leg && t >= e.start && t < e.end)
      for (size_t i = 0; i < out.size(); ++i)
        if (model.pipeline().stations[i].id == e.station) out[i] = true;
  const double dra = l.dra.empty() ? 0.0 : l.dra.at(t);
  return pipeline::conditions_for(fl, model.pipeline().temperature_k, dra, std::move(out));
}

double Allocator::leg_capacity(int leg, double t, const std::vector<double>* linefill_fraction) const {
  const auto& l = sc_.legs[static_cast<size_t>(leg)];
  double c = 0;
  switch (l.kind) {
    case LegKind::Fixed:
    case LegKind::Pipeline:
      if (hyd_[static_cast<size_t>(leg)]) {
        const auto cond = hydraulic_conditions(leg, t, linefill_fraction);
        // The flow equations give a volume at the flowing temperature; the allocation counts volumes at
        // 15 degC (sum f / rho15) and masses. Both conversions go through the mass, rho(T) q(T).
        c = tables_[static_cast<size_t>(leg)]->capacity(cond.rho, cond.nu, cond.dra, cond.out) * cond.rho;
        if (l.basis == CapBasis::Volume) c /= cond.rho15;
      } else {
        c = l.capacity.at(t);
      }
      break;
    case LegKind::Port: c = l.berths.at(t) * l.berth_rate * l.availability; break;
    case LegKind::Tanker: c = l.fleet.at(t) * l.cargo / l.cycle_time() * l.weather_at(t); break;
  }
  return std::max(0.0, c * leg_event_factor(leg, t));
}

/// What one call of solve() works on: the instant's data, the Gauss-Seidel iterates, the work arrays every
/// sweep and every phase reuse, and the result being built.
struct Allocator::Work {
  Work(const Allocator& a, const AllocInput& input)
      : in(input), t(input.t), md(*input.modes), NL(a.sc_.legs.size()), NN(a.sc_.nodes.size()),
        NS(static_cast<size_t>(a.ns_)), NG(a.segs_.size()), NP(a.parts_.size()), NQ(a.quality_.size()),
        NR(NL + NP + NQ), f(NG, 0.0), fprev(NG, 0.0), fprev2(NG, 0.0), reason(NG, a.label_supply_),
        leg_in(NL * NS), leg_out(NL * NS), node_in(NN * NS), node_out(NN * NS), R(NR), allowance(NP * NS),
        pin(NP * NS), in_prev(NP * NS), part_active(NP), nf(NG), used(NR), supply_left(NS), sent_from(NN * NS),
        pscale(NP), rate(NR), ownrate(NP * NS), nreason(NG) {}
  const AllocInput& in;
  const double t;
  const Modes& md;
  /// Legs, nodes, shippers, segments, partitions, quality rows; constraint rows: legs [0, NL), storage
  /// partitions [NL, NL+NP) (only while full), quality limits [NL+NP, NR).
  const size_t NL, NN, NS, NG, NP, NQ, NR;
  AllocResult res;
  std::vector<double> cap;  ///< [leg] capacity in the leg's basis, with events
  std::vector<double> w;    ///< [segment] proration weight (the route's nomination, at least kMinWeight)
  std::vector<QualityRow> q_now;                                   ///< today's quality rows, when they vary
  std::vector<std::vector<std::pair<size_t, double>>> rows_now;   ///< today's segment rows, when they vary
  const std::vector<QualityRow>* quality = nullptr;                ///< the quality rows in force
  const std::vector<std::vector<std::pair<size_t, double>>>* rows = nullptr;  ///< per segment: (row, coefficient)
  std::vector<double> f, fprev, fprev2;  ///< [segment] flows of the last three sweeps
  std::vector<int> reason;               ///< [segment] why it froze in the last sweep
  std::vector<double> leg_in, leg_out;   ///< [leg * ns + s] from compute_leg_flows()
  int sweep = 0;
  bool optimistic = false;                  ///< the first sweep: no storage coupling, no quality limit
  const std::vector<double>* qfixed = nullptr;  ///< fixed quality room (bisection fallback); null: previous sweep's
  std::vector<double> qr;                   ///< the quality room the bisection fallback tries
  // Work arrays, reused by every sweep.
  std::vector<double> node_in, node_out, R, allowance, pin, in_prev;
  std::vector<char> part_active;
  std::vector<double> nf, used, supply_left, sent_from, cphase, pscale, rate, ownrate, cbase;
  std::vector<int> nreason, creason_phase, link_up;  // link_up[k]: phase index of a live upstream segment (-1: none)
  std::vector<char> frozen;

  /// Cap of phase segment k: with a live upstream segment, (other arrivals) + the upstream flow.
  double live_cap(const std::vector<int>& phase, size_t k) const {
    return link_up[k] < 0 ? cphase[k] : cbase[k] + nf[static_cast<size_t>(phase[static_cast<size_t>(link_up[k])])];
  }
  /// Whether phase segment k's cap can bind: it has no live upstream segment, or that one froze.
  bool cap_binds(size_t k) const { return link_up[k] < 0 || frozen[static_cast<size_t>(link_up[k])]; }
  /// Whether owner s has brought into full partition p as much as it takes out.
  bool past(size_t p, size_t s) const { return pin[p * NS + s] >= allowance[p * NS + s] - 1e-12 * pscale[p]; }
  /// Freed room of full partition p used so far: the inflow of its owners beyond their allowances.
  double pused(size_t p) const {
    double u = 0;
    for (size_t s = 0; s < NS; ++s) u += std::max(0.0, pin[p * NS + s] - allowance[p * NS + s]);
    return u;
  }
  /// Whether constraint row j is used up.
  bool tight(size_t j) const { return std::isfinite(R[j]) && R[j] - used[j] <= 1e-12 * std::max(1.0, R[j]); }
};

double Allocator::rho_of(int s) const { return sc_.grades[static_cast<size_t>(sc_.shippers[static_cast<size_t>(s)].grade)].density; }

bool Allocator::is_tanker(int leg) const { return sc_.legs[static_cast<size_t>(leg)].kind == LegKind::Tanker; }

bool Allocator::is_plug(int leg) const {
  const auto& l = sc_.legs[static_cast<size_t>(leg)];
  return l.kind == LegKind::Pipeline && l.linefill > 0;
}

bool Allocator::is_full_label(int r) const { return std::find(label_full_.begin(), label_full_.end(), r) != label_full_.end(); }

double Allocator::quality_room(const QualityRow& q, const std::vector<double>& flows) const {
  // Room a quality row leaves: what the shippers meeting the limit bring, sum over them of -a f.
  double r = 0;
  for (size_t g = 0; g < segs_.size(); ++g) {
    const double a = q.a[static_cast<size_t>(segs_[g].shipper)];
    if (a < 0 && std::find(segs_[g].legs.begin(), segs_[g].legs.end(), q.leg) != segs_[g].legs.end()) r -= a * flows[g];
  }
  return r;
}

AllocResult Allocator::solve(const AllocInput& in) const {
  Work wk(*this, in);
  prepare_instant(wk);
  bool settled = run_sweeps(wk);
  if (!settled && wk.NQ > 0) settled = bisect_quality_room(wk);
  if (!settled) {
    std::ostringstream os;
    os << "allocation did not converge at " << iso_date(wk.t) << " after " << kMaxSweeps
       << " storage-coupling sweeps (a cycle of full/empty storage nodes?)";
    throw SolverError(os.str());
  }
  wk.res.sweeps = wk.sweep + 1;
  compute_leg_flows(wk, wk.f);
  wk.res.leg_in = wk.leg_in;
  wk.res.leg_out = wk.leg_out;
  node_balances(wk);
  capacity_at_mix(wk);
  quality_allowances(wk);
  route_limits(wk);
  shut_in_reasons(wk);
  leg_states(wk);
  return std::move(wk.res);
}

void Allocator::prepare_instant(Work& wk) const {
  const double t = wk.t;
  const size_t NL = wk.NL, NS = wk.NS, NG = wk.NG;
  AllocResult& res = wk.res;
  res.supply.resize(NS);
  for (size_t s = 0; s < NS; ++s) res.supply[s] = std::max(0.0, sc_.shippers[s].supply.at(t));

  // Capacities (leg basis) with events.
  wk.cap.resize(NL);
  for (size_t l = 0; l < NL; ++l) wk.cap[l] = leg_capacity(static_cast<int>(l), t, wk.in.linefill_fraction);

  // Per segment: weight and coefficient on each leg.
  wk.w.resize(NG);
  for (size_t g = 0; g < NG; ++g) {
    const auto& rv = routes_[static_cast<size_t>(segs_[g].routevar)];
    const auto& route = sc_.shippers[static_cast<size_t>(rv.shipper)].routes[static_cast<size_t>(rv.route)];
    const double nom = route.nomination.empty() ? res.supply[static_cast<size_t>(rv.shipper)] : route.nomination.at(t);
    wk.w[g] = std::max(nom, kMinWeight);
  }
  // Constraint rows (built once, see build_rows()). Quality limits that change over time: today's
  // coefficients and rows.
  if (quality_varies_) {
    wk.q_now = quality_at(t);
    wk.rows_now = seg_leg_rows_;
    add_quality_rows(wk.q_now, wk.rows_now);
  }
  wk.quality = quality_varies_ ? &wk.q_now : &quality_;
  wk.rows = quality_varies_ ? &wk.rows_now : &seg_rows_;
}

void Allocator::compute_leg_flows(Work& wk, const std::vector<double>& flows) const {
  const size_t NL = wk.NL, NS = wk.NS, NG = wk.NG;
  auto& leg_in = wk.leg_in;
  auto& leg_out = wk.leg_out;
  std::fill(leg_in.begin(), leg_in.end(), 0.0);
  for (size_t g = 0; g < NG; ++g)
    for (int l : segs_[g].legs) leg_in[static_cast<size_t>(l) * NS + static_cast<size_t>(segs_[g].shipper)] += flows[g];
  for (size_t l = 0; l < NL; ++l) {
    if (is_tanker(static_cast<int>(l))) {
      for (size_t s = 0; s < NS; ++s) leg_out[l * NS + s] = (*wk.in.tanker_arrivals)[l * NS + s];
    } else if (is_plug(static_cast<int>(l))) {
      double q = 0;  // m3/s entering = m3/s leaving
      for (size_t s = 0; s < NS; ++s) q += leg_in[l * NS + s] / rho_of(static_cast<int>(s));
      for (size_t s = 0; s < NS; ++s) leg_out[l * NS + s] = q * (*wk.in.outlet_fraction)[l * NS + s] * rho_of(static_cast<int>(s));
    } else {
      for (size_t s = 0; s < NS; ++s) leg_out[l * NS + s] = leg_in[l * NS + s];
    }
  }
}

bool Allocator::run_sweeps(Work& wk) const {
  // The Gauss-Seidel sweeps; with `qfixed` the quality rows' room is that fixed value instead of what the
  // previous sweep's diluting crude brings. Returns whether the flows settled.
  auto& f = wk.f;
  auto& fprev = wk.fprev;
  auto& fprev2 = wk.fprev2;
  std::fill(f.begin(), f.end(), 0.0);
  std::fill(fprev.begin(), fprev.end(), 0.0);
  std::fill(fprev2.begin(), fprev2.end(), 0.0);
  std::fill(wk.reason.begin(), wk.reason.end(), label_supply_);
  for (wk.sweep = 0; wk.sweep < kMaxSweeps; ++wk.sweep) {
    compute_leg_flows(wk, f);
    node_flows(wk);
    constraint_room(wk);
    std::fill(wk.nf.begin(), wk.nf.end(), 0.0);
    std::fill(wk.nreason.begin(), wk.nreason.end(), label_supply_);
    std::fill(wk.used.begin(), wk.used.end(), 0.0);
    // Remaining supply per shipper (first segments) and what each shipper already sends from each node.
    std::copy(wk.res.supply.begin(), wk.res.supply.end(), wk.supply_left.begin());
    std::fill(wk.sent_from.begin(), wk.sent_from.end(), 0.0);
    for (const auto& phase : phases_) {
      phase_caps(wk, phase);
      fill_phase(wk, phase);
      commit_phase(wk, phase);
    }
    fprev2.swap(fprev);
    fprev = f;
    f = wk.nf;
    wk.reason = wk.nreason;
    double diff = 0, diff2 = 0, scale = 1.0;
    for (size_t g = 0; g < wk.NG; ++g) {
      diff = std::max(diff, std::abs(f[g] - fprev[g]));
      diff2 = std::max(diff2, std::abs(f[g] - fprev2[g]));
      scale = std::max(scale, std::abs(f[g]));
    }
    if (wk.sweep > 0 && diff <= 1e-12 * scale) return true;
    // A two-sweep cycle never settles: stop at once (the quality fallback takes over, or the error).
    if (wk.sweep > 2 && diff2 <= 1e-12 * scale) return false;
  }
  return false;
}

void Allocator::node_flows(Work& wk) const {
  // Node inflow and outflow per shipper, from the current iterate.
  const size_t NS = wk.NS;
  std::fill(wk.node_in.begin(), wk.node_in.end(), 0.0);
  std::fill(wk.node_out.begin(), wk.node_out.end(), 0.0);
  for (size_t l = 0; l < wk.NL; ++l) {
    const auto& leg = sc_.legs[l];
    for (size_t s = 0; s < NS; ++s) {
      wk.node_in[static_cast<size_t>(leg.to) * NS + s] += wk.leg_out[l * NS + s];
      wk.node_out[static_cast<size_t>(leg.from) * NS + s] += wk.leg_in[l * NS + s];
    }
  }
}

void Allocator::constraint_room(Work& wk) const {
  const size_t NL = wk.NL, NS = wk.NS, NG = wk.NG, NP = wk.NP, NQ = wk.NQ;
  auto& R = wk.R;
  // Constraint capacities: legs; quality rows (the room the crude meeting the limit makes).
  std::fill(R.begin(), R.end(), kInf);
  for (size_t l = 0; l < NL; ++l) R[l] = wk.cap[l];
  // The first sweep is optimistic (no storage coupling, no quality limit), so the sweeps descend to
  // the largest consistent allocation: starting from zero flows would stop at the trivial fixed point
  // where a full terminal passes nothing on because nothing leaves it.
  const bool optimistic = wk.optimistic = wk.sweep == 0;
  for (size_t k = 0; k < NQ; ++k) R[NL + NP + k] = wk.qfixed ? (*wk.qfixed)[k] : optimistic ? kInf : quality_room((*wk.quality)[k], wk.f);
  // Full partitions (sliding mode: the level stays exactly at the limit). The volume entering a full
  // partition may not exceed the volume leaving it. Each owner may bring in, free of charge, as much
  // as it takes out (its `allowance`: crude passing through never competes with anyone); what owners
  // whose outflow exceeds their inflow free (`R`) is shared by progressive filling among the owners
  // who bring in more than they take out. Outflows and the freed room come from the previous sweep.
  std::fill(wk.part_active.begin(), wk.part_active.end(), 0);
  std::fill(wk.allowance.begin(), wk.allowance.end(), 0.0);
  std::fill(wk.pin.begin(), wk.pin.end(), 0.0);
  if (optimistic) return;
  auto& in_prev = wk.in_prev;
  std::fill(in_prev.begin(), in_prev.end(), 0.0);
  for (size_t g = 0; g < NG; ++g)
    if (seg_part_[g] >= 0) in_prev[static_cast<size_t>(seg_part_[g]) * NS + static_cast<size_t>(segs_[g].shipper)] += wk.f[g] / rho_of(segs_[g].shipper);
  for (size_t p = 0; p < NP; ++p) {
    if (!wk.md.full[p]) continue;
    wk.part_active[p] = 1;
    const size_t n = static_cast<size_t>(parts_[p].node);
    double freed = 0;
    for (size_t s = 0; s < NS; ++s) {
      if (part_of_[n * NS + s] != static_cast<int>(p)) continue;
      const double out = wk.node_out[n * NS + s] / rho_of(static_cast<int>(s));
      wk.allowance[p * NS + s] = out;
      freed += std::max(0.0, out - in_prev[p * NS + s]);
    }
    R[NL + p] = freed;
  }
}

void Allocator::phase_caps(Work& wk, const std::vector<int>& phase) const {
  const size_t NS = wk.NS;
  const auto& f = wk.f;
  wk.cphase.assign(phase.size(), 0.0);
  wk.creason_phase.assign(phase.size(), label_supply_);
  wk.link_up.assign(phase.size(), -1);
  auto& c = wk.cphase;
  auto& creason = wk.creason_phase;
  auto& link_up = wk.link_up;
  for (size_t k = 0; k < phase.size(); ++k) {
    const size_t g = static_cast<size_t>(phase[k]);
    const auto& sg = segs_[g];
    const size_t s = static_cast<size_t>(sg.shipper);
    const size_t n = static_cast<size_t>(sg.from_node);
    const bool stocked = sc_.nodes[n].has_storage() && !wk.md.empty[n * NS + s];
    if (sg.first) {
      if (wk.md.ceiling_hit[static_cast<size_t>(sg.routevar)]) {
        c[k] = 0;
        creason[k] = label_ceiling_[static_cast<size_t>(sg.routevar)];
      } else {
        c[k] = stocked ? kInf : std::max(0.0, wk.supply_left[s]);
      }
    } else if (stocked || wk.optimistic) {
      c[k] = kInf;
    } else {
      c[k] = wk.node_in[n * NS + s] - wk.sent_from[n * NS + s];
      // What arrives from the segment just upstream on the same route, when that segment is filled in
      // this phase and ends in a leg without delay, is live: it grows with the filling (the previous
      // sweep's value would make the two segments cap each other alternately and never settle).
      const size_t gu = g - 1;
      if (g > 0 && segs_[gu].routevar == sg.routevar && segs_[gu].to_node == sg.from_node && !segs_[gu].legs.empty()) {
        const int last = segs_[gu].legs.back();
        const auto pos = std::find(phase.begin(), phase.end(), static_cast<int>(gu));
        if (!is_tanker(last) && !is_plug(last) && pos != phase.end() && c[k] - f[gu] >= 0) {
          c[k] -= f[gu];  // its previous-sweep arrival, replaced by the live one
          link_up[k] = static_cast<int>(pos - phase.begin());
        }
      }
      if (link_up[k] < 0) c[k] = std::max(0.0, c[k]);
    }
  }
}

void Allocator::fill_phase(Work& wk, const std::vector<int>& phase) const {
  // Weighted progressive filling of one phase. Every round either freezes a segment or carries an
  // owner past its allowance at a full partition (once per owner and partition), so a phase ends in
  // at most (segments + partitions x owners + 1) rounds.
  const size_t P = phase.size(), NL = wk.NL, NS = wk.NS, NP = wk.NP;
  // A segment linked to a live upstream segment has cap = (other arrivals) + the upstream flow; the two
  // grow at the same rate (one route, one nomination), so the cap binds only once the upstream froze.
  wk.cbase = wk.cphase;
  wk.frozen.assign(P, 0);
  // A cap that is zero up to round-off (e.g. the supply a better-ranked route left: supply - what it
  // took) freezes the segment at once, for the cap's own reason.
  for (size_t k = 0; k < P; ++k) {
    if (wk.link_up[k] >= 0 && !wk.frozen[static_cast<size_t>(wk.link_up[k])]) continue;  // grows with its upstream
    const double s_scale = std::max(1.0, wk.res.supply[static_cast<size_t>(segs_[static_cast<size_t>(phase[k])].shipper)]);
    if (wk.cphase[k] <= 1e-12 * s_scale) { wk.frozen[k] = 1; wk.nreason[static_cast<size_t>(phase[k])] = wk.creason_phase[k]; }
  }
  std::fill(wk.pscale.begin(), wk.pscale.end(), 0.0);
  for (size_t p = 0; p < NP; ++p) {
    if (!wk.part_active[p]) continue;
    wk.pscale[p] = wk.R[NL + p];
    for (size_t s = 0; s < NS; ++s) wk.pscale[p] += wk.allowance[p * NS + s];
    wk.pscale[p] = std::max(wk.pscale[p], 1e-9);
  }
  const size_t max_rounds = P + NP * NS + 2;
  for (size_t round = 0; round < max_rounds; ++round) {
    bool any = false;
    for (char fz : wk.frozen) any |= !fz;
    if (!any) return;
    phase_rates(wk, phase);
    const double dl = phase_step(wk, phase);
    advance_phase(wk, phase, dl);
    freeze_bound(wk, phase);
  }
  throw SolverError("allocation: progressive filling did not finish at " + iso_date(wk.t) + " (internal bound exceeded)");
}

void Allocator::phase_rates(Work& wk, const std::vector<int>& phase) const {
  const size_t NS = wk.NS;
  const auto& rows = *wk.rows;
  std::fill(wk.rate.begin(), wk.rate.end(), 0.0);
  std::fill(wk.ownrate.begin(), wk.ownrate.end(), 0.0);
  for (size_t k = 0; k < phase.size(); ++k) {
    if (wk.frozen[k]) continue;
    const size_t g = static_cast<size_t>(phase[k]);
    for (const auto& [j, a] : rows[g]) wk.rate[j] += a * wk.w[g];
    const int p = seg_part_[g];
    if (p >= 0 && wk.part_active[static_cast<size_t>(p)])
      wk.ownrate[static_cast<size_t>(p) * NS + static_cast<size_t>(segs_[g].shipper)] += wk.w[g] / rho_of(segs_[g].shipper);
  }
}

double Allocator::phase_step(const Work& wk, const std::vector<int>& phase) const {
  const size_t NL = wk.NL, NS = wk.NS, NP = wk.NP, NR = wk.NR;
  const auto& R = wk.R;
  const auto& c = wk.cphase;
  double dl = kInf;
  for (size_t j = 0; j < NR; ++j) {
    if (j >= NL && j < NL + NP) continue;
    if (wk.rate[j] > 0 && std::isfinite(R[j])) dl = std::min(dl, std::max(0.0, R[j] - wk.used[j]) / wk.rate[j]);
  }
  for (size_t p = 0; p < NP; ++p) {
    if (!wk.part_active[p]) continue;
    double pr = 0;
    for (size_t s = 0; s < NS; ++s) {
      const double orate = wk.ownrate[p * NS + s];
      if (!(orate > 0)) continue;
      if (wk.past(p, s)) pr += orate;
      else dl = std::min(dl, (wk.allowance[p * NS + s] - wk.pin[p * NS + s]) / orate);  // reaches its allowance
    }
    if (pr > 0) dl = std::min(dl, std::max(0.0, R[NL + p] - wk.pused(p)) / pr);
  }
  for (size_t k = 0; k < phase.size(); ++k)
    if (!wk.frozen[k] && std::isfinite(c[k]) && wk.cap_binds(k)) {
      const size_t g = static_cast<size_t>(phase[k]);
      dl = std::min(dl, std::max(0.0, wk.live_cap(phase, k) - wk.nf[g]) / wk.w[g]);
    }
  if (!std::isfinite(dl)) {
    const auto& sg = segs_[static_cast<size_t>(phase[0])];
    throw SolverError("allocation is unbounded: shipper '" + sc_.shippers[static_cast<size_t>(sg.shipper)].id +
                      "' can draw stock with no finite leg capacity on its route");
  }
  return dl;
}

void Allocator::advance_phase(Work& wk, const std::vector<int>& phase, double dl) const {
  const size_t NS = wk.NS;
  const auto& rows = *wk.rows;
  for (size_t k = 0; k < phase.size(); ++k) {
    if (wk.frozen[k]) continue;
    const size_t g = static_cast<size_t>(phase[k]);
    const double df = dl * wk.w[g];
    wk.nf[g] += df;
    for (const auto& [j, a] : rows[g]) wk.used[j] += a * df;
    if (seg_part_[g] >= 0) wk.pin[static_cast<size_t>(seg_part_[g]) * NS + static_cast<size_t>(segs_[g].shipper)] += df / rho_of(segs_[g].shipper);
  }
}

void Allocator::freeze_bound(Work& wk, const std::vector<int>& phase) const {
  // Freeze what reached its cap or sits in a tight constraint (leg rows upstream to downstream first).
  const size_t NL = wk.NL;
  const auto& rows = *wk.rows;
  const auto& c = wk.cphase;
  for (size_t k = 0; k < phase.size(); ++k) {
    if (wk.frozen[k]) continue;
    const size_t g = static_cast<size_t>(phase[k]);
    if (std::isfinite(c[k]) && wk.cap_binds(k) && wk.nf[g] >= wk.live_cap(phase, k) * (1 - 1e-13) - 1e-12) {
      wk.frozen[k] = 1;
      wk.nreason[g] = wk.creason_phase[k];
      continue;
    }
    for (const auto& [j, a] : rows[g])
      if (wk.tight(j)) { wk.frozen[k] = 1; wk.nreason[g] = row_label_[j]; break; }
    if (wk.frozen[k]) continue;
    const int p = seg_part_[g];
    if (p >= 0 && wk.part_active[static_cast<size_t>(p)]) {
      const size_t pp = static_cast<size_t>(p), s = static_cast<size_t>(segs_[g].shipper);
      if (wk.past(pp, s) && wk.R[NL + pp] - wk.pused(pp) <= 1e-12 * wk.pscale[pp]) { wk.frozen[k] = 1; wk.nreason[g] = row_label_[NL + pp]; }
    }
  }
}

void Allocator::commit_phase(Work& wk, const std::vector<int>& phase) const {
  const size_t NS = wk.NS;
  for (int gi : phase) {
    const auto& sg = segs_[static_cast<size_t>(gi)];
    const size_t s = static_cast<size_t>(sg.shipper);
    if (sg.first) wk.supply_left[s] -= wk.nf[static_cast<size_t>(gi)];
    wk.sent_from[static_cast<size_t>(sg.from_node) * NS + s] += wk.nf[static_cast<size_t>(gi)];
    // Gauss-Seidel: later phases see what this phase delivers now (through a leg without delay), not
    // the previous sweep's value. Fixed points are unchanged; a pass-through by one route in and
    // another route out of a full tank no longer alternates between two sweeps.
    if (!sg.legs.empty() && !is_tanker(sg.legs.back()) && !is_plug(sg.legs.back()))
      wk.node_in[static_cast<size_t>(sg.to_node) * NS + s] += wk.nf[static_cast<size_t>(gi)] - wk.f[static_cast<size_t>(gi)];
  }
}

bool Allocator::bisect_quality_room(Work& wk) const {
  // The previous-sweep quality room can alternate for ever when the offenders' load reacts more strongly
  // than the crude making the room. The room R_k is then found as the fixed point of the decreasing map
  // R -> room(allocation with room R) by bisection (h(R) = R - room(R) increases from h(0) <= 0), row by
  // row; the answer is the documented one (the room equals what the crude meeting the limit brings).
  const size_t NQ = wk.NQ;
  auto& qr = wk.qr;
  qr.assign(NQ, 0.0);
  auto room_at = [&](size_t k, double Rk) {
    qr[k] = Rk;
    wk.qfixed = &qr;
    if (!run_sweeps(wk)) return std::numeric_limits<double>::quiet_NaN();
    return quality_room((*wk.quality)[k], wk.f);
  };
  for (size_t k = 0; k < NQ; ++k) qr[k] = 0.0;
  bool ok = true;
  for (int outer = 0; outer < (NQ == 1 ? 1 : 8) && ok; ++outer)
    for (size_t k = 0; k < NQ && ok; ++k) {
      double lo = 0.0, hi = room_at(k, 0.0);
      if (!(hi >= 0)) { ok = false; break; }
      for (int it = 0; it < 60 && hi - lo > 1e-13 * std::max(hi, 1e-12); ++it) {
        const double mid = 0.5 * (lo + hi);
        const double g = room_at(k, mid);
        if (!(g == g)) { ok = false; break; }
        (mid - g >= 0 ? hi : lo) = mid;
      }
      qr[k] = hi;  // the side where the offenders stay within the room
    }
  if (!ok) return false;
  wk.qfixed = &qr;
  const bool settled = run_sweeps(wk);
  wk.res.quality_fallback = true;
  return settled;
}

void Allocator::node_balances(Work& wk) const {
  const size_t NL = wk.NL, NN = wk.NN, NS = wk.NS, NP = wk.NP;
  AllocResult& res = wk.res;
  const auto& leg_in = wk.leg_in;
  const auto& leg_out = wk.leg_out;
  // Node balances, origins and shut-in.
  res.node_net.assign(NN * NS, 0.0);
  res.shut_in.assign(NS, 0.0);
  for (size_t l = 0; l < NL; ++l) {
    const auto& leg = sc_.legs[l];
    for (size_t s = 0; s < NS; ++s) {
      res.node_net[static_cast<size_t>(leg.to) * NS + s] += leg_out[l * NS + s];
      res.node_net[static_cast<size_t>(leg.from) * NS + s] -= leg_in[l * NS + s];
    }
  }
  // Supply at the origin: what the routes do not take is shut in without origin storage; with storage it
  // goes into the tank unless the tank's partition is full. A full partition stays exactly full (sliding
  // mode): the volume its owners add, net, is at most what other owners of it draw down; supply beyond
  // that is shut in, pro rata to each owner's excess (and never more than its supply).
  std::vector<double> excess(NS, 0.0);
  for (size_t s = 0; s < NS; ++s) {
    const size_t o = static_cast<size_t>(sc_.shippers[s].origin);
    excess[s] = res.supply[s] + res.node_net[o * NS + s];  // supply minus what left the origin (plus arrivals)
    if (!sc_.nodes[o].has_storage()) {
      res.shut_in[s] = std::max(0.0, excess[s]);
      res.node_net[o * NS + s] = 0;
    } else {
      res.node_net[o * NS + s] = excess[s];
    }
  }
  for (size_t p = 0; p < NP; ++p) {
    if (!wk.md.full[p]) continue;
    const size_t n = static_cast<size_t>(parts_[p].node);
    double pos = 0, neg = 0, cut_room = 0;  // volumes per second
    for (size_t s = 0; s < NS; ++s) {
      if (part_of_[n * NS + s] != static_cast<int>(p)) continue;
      const double v = res.node_net[n * NS + s] / rho_of(static_cast<int>(s));
      (v > 0 ? pos : neg) += std::abs(v);
      if (static_cast<size_t>(sc_.shippers[s].origin) == n) cut_room += std::min(res.supply[s], std::max(0.0, res.node_net[n * NS + s])) / rho_of(static_cast<int>(s));
    }
    const double over = pos - neg;
    if (!(over > 0) || !(cut_room > 0)) continue;
    const double frac = std::min(1.0, over / cut_room);
    for (size_t s = 0; s < NS; ++s) {
      if (part_of_[n * NS + s] != static_cast<int>(p) || static_cast<size_t>(sc_.shippers[s].origin) != n) continue;
      const double cut = frac * std::min(res.supply[s], std::max(0.0, res.node_net[n * NS + s]));
      res.shut_in[s] += cut;
      res.node_net[n * NS + s] -= cut;
    }
  }
  // Only storage nodes keep stock; junction and sink balances are zero or counted as deliveries.
  for (size_t n = 0; n < NN; ++n)
    if (!sc_.nodes[n].has_storage())
      for (size_t s = 0; s < NS; ++s) res.node_net[n * NS + s] = 0;
}

void Allocator::capacity_at_mix(Work& wk) const {
  // Capacity in kg/s at the current mix.
  const size_t NL = wk.NL, NS = wk.NS;
  AllocResult& res = wk.res;
  const auto& leg_in = wk.leg_in;
  const auto& cap = wk.cap;
  res.leg_capacity.resize(NL);
  for (size_t l = 0; l < NL; ++l) {
    if (sc_.legs[l].basis == CapBasis::Mass) {
      res.leg_capacity[l] = cap[l];
      continue;
    }
    double m = 0, v = 0;
    for (size_t s = 0; s < NS; ++s) {
      m += leg_in[l * NS + s];
      v += leg_in[l * NS + s] / rho_of(static_cast<int>(s));
    }
    double dens = v > 0 ? m / v : 0;
    if (dens <= 0) {  // no flow: the mean density of the shippers routed over the leg (order-independent)
      double sum = 0;
      int n = 0;
      for (size_t s = 0; s < NS; ++s) {
        bool uses = false;
        for (const auto& sg : segs_)
          uses |= static_cast<size_t>(sg.shipper) == s && std::find(sg.legs.begin(), sg.legs.end(), static_cast<int>(l)) != sg.legs.end();
        if (uses) sum += rho_of(static_cast<int>(s)), ++n;
      }
      dens = n ? sum / n : 850.0;
    }
    res.leg_capacity[l] = cap[l] * dens;
  }
}

void Allocator::quality_allowances(Work& wk) const {
  // Quality allowance: what each offending shipper could send given the others' flows.
  const size_t NL = wk.NL, NS = wk.NS, NQ = wk.NQ;
  AllocResult& res = wk.res;
  const auto& quality = *wk.quality;
  const auto& leg_in = wk.leg_in;
  res.quality_allowance.assign(NL * NS, std::numeric_limits<double>::quiet_NaN());
  for (size_t k = 0; k < NQ; ++k) {
    const size_t l = static_cast<size_t>(quality[k].leg);
    double load = 0;  // sum over offenders of a f
    for (size_t s = 0; s < NS; ++s)
      if (quality[k].a[s] > 0) load += quality[k].a[s] * leg_in[l * NS + s];
    const double room = quality_room(quality[k], wk.f);
    for (size_t s = 0; s < NS; ++s) {
      const double a = quality[k].a[s];
      if (!(a > 0)) continue;
      const double allow = std::max(0.0, (room - (load - a * leg_in[l * NS + s])) / a);
      double& q = res.quality_allowance[l * NS + s];
      q = std::isnan(q) ? allow : std::min(q, allow);
    }
  }
}

void Allocator::route_limits(Work& wk) const {
  const size_t NS = wk.NS;
  AllocResult& res = wk.res;
  const auto& reason = wk.reason;
  // Route entries and the limit of each shipper.
  res.route_entry.assign(routes_.size(), 0.0);
  for (size_t r = 0; r < routes_.size(); ++r) res.route_entry[r] = wk.f[static_cast<size_t>(routes_[r].first_seg)];
  // The limit of each route: its segments from upstream to downstream, the first that froze for a reason
  // other than "all of its supply moved" names it. A full tank is the consequence of what limits the
  // crude leaving it, so `storage_full` defers to the first such reason downstream of the tank on the same
  // route, if there is one. A shipper's limit is that of its first route (in preference order) with one.
  res.route_limit.assign(routes_.size(), label_supply_);
  for (size_t r = 0; r < routes_.size(); ++r) {
    const auto& rv = routes_[r];
    for (int g = rv.first_seg; g < rv.first_seg + rv.nseg; ++g) {
      const int why = reason[static_cast<size_t>(g)];
      if (why == label_supply_) continue;
      res.route_limit[r] = why;
      if (is_full_label(why))
        for (int h = g + 1; h < rv.first_seg + rv.nseg; ++h) {
          const int rd = reason[static_cast<size_t>(h)];
          if (rd != label_supply_ && !is_full_label(rd)) {
            res.route_limit[r] = rd;
            break;
          }
        }
      break;
    }
  }
  res.limit.assign(NS, label_supply_);
  for (size_t s = 0; s < NS; ++s) {
    if (sc_.shippers[s].routes.empty()) { res.limit[s] = label_noroute_; continue; }
    for (size_t r = 0; r < routes_.size(); ++r)
      if (static_cast<size_t>(routes_[r].shipper) == s && res.route_limit[r] != label_supply_) {
        res.limit[s] = res.route_limit[r];
        break;
      }
  }
}

void Allocator::shut_in_reasons(Work& wk) const {
  // Why crude is shut in (docs/model.md, "What limits a route, a shipper and a leg"): `none` when nothing
  // is; otherwise the limit of the shipper's last route, in preference order, that has one (the last outlet
  // the crude was offered to left it nowhere to go); a full origin tank when every route moved what it
  // was offered; `no_route` without routes.
  const size_t NS = wk.NS;
  AllocResult& res = wk.res;
  res.shut_in_reason.assign(NS, label_none_);
  for (size_t s = 0; s < NS; ++s) {
    if (!(res.shut_in[s] > 1e-12 * std::max(1.0, res.supply[s]))) continue;
    if (sc_.shippers[s].routes.empty()) { res.shut_in_reason[s] = label_noroute_; continue; }
    int why = -1;
    for (size_t r = 0; r < routes_.size(); ++r)
      if (static_cast<size_t>(routes_[r].shipper) == s && res.route_limit[r] != label_supply_) why = res.route_limit[r];
    if (why < 0) {
      const int p = part_of_[static_cast<size_t>(sc_.shippers[s].origin) * NS + s];
      why = p >= 0 ? label_full_[static_cast<size_t>(p)] : label_supply_;
    }
    res.shut_in_reason[s] = why;
  }
}

void Allocator::leg_states(Work& wk) const {
  // What each leg is doing (docs/model.md, "What limits a leg"): its capacity row tight (and whether an
  // outage event derates it), else one of its quality rows tight, else a segment through it held back by
  // a full tank downstream, else not binding.
  const size_t NL = wk.NL, NG = wk.NG, NP = wk.NP, NQ = wk.NQ, NR = wk.NR;
  AllocResult& res = wk.res;
  const auto& rows = *wk.rows;
  const auto& quality = *wk.quality;
  const auto& cap = wk.cap;
  const auto& f = wk.f;
  res.leg_state.assign(NL, LegState::NotBinding);
  std::vector<double> use(NR, 0.0);
  for (size_t g = 0; g < NG; ++g)
    for (const auto& [j, a] : rows[g]) use[j] += a * f[g];
  for (size_t l = 0; l < NL; ++l) {
    if (std::isfinite(cap[l]) && use[l] > 0 && use[l] >= cap[l] * (1 - 1e-9)) {
      res.leg_state[l] = leg_event_factor(static_cast<int>(l), wk.t) < 1.0 ? LegState::CapacityOutage : LegState::Capacity;
      continue;
    }
    for (size_t k = 0; k < NQ; ++k) {
      if (static_cast<size_t>(quality[k].leg) != l) continue;
      const double room = quality_room(quality[k], f);
      if (use[NL + NP + k] > 0 && use[NL + NP + k] >= room * (1 - 1e-9)) res.leg_state[l] = LegState::Quality;
    }
    if (res.leg_state[l] != LegState::NotBinding) continue;
    for (size_t g = 0; g < NG; ++g)
      if (is_full_label(wk.reason[g]) && std::find(segs_[g].legs.begin(), segs_[g].legs.end(), static_cast<int>(l)) != segs_[g].legs.end()) {
        res.leg_state[l] = LegState::StorageFull;
        break;
      }
  }
}

}  // namespace caspflow::model
