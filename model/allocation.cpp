#include "model/allocation.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "model/pipeline/pipeline_loader.hpp"

namespace caspflow::model {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
/// Proration weight used when a shipper drains stock with no nomination of its own (kg/s).
constexpr double kMinWeight = 1.0;

int month_of(double t) {
  int y;
  unsigned m, d;
  civil_from_days(static_cast<long>(std::floor(t / kDay)), y, m, d);
  return static_cast<int>(m) - 1;
}
}  // namespace

Allocator::Allocator(const Scenario& sc) : sc_(sc), ns_(static_cast<int>(sc.shippers.size())) {
  // Constraint labels.
  labels_.push_back("supply");
  label_supply_ = 0;
  for (const auto& l : sc.legs) {
    label_leg_.push_back(static_cast<int>(labels_.size()));
    labels_.push_back("capacity:" + l.id);
  }
  // Storage partitions: the common space of each storage node, then one per segregated grade.
  part_of_.assign(sc.nodes.size() * static_cast<size_t>(ns_), -1);
  for (size_t n = 0; n < sc.nodes.size(); ++n) {
    const auto& nd = sc.nodes[n];
    if (!nd.has_storage()) continue;
    double seg = 0;
    for (const auto& [g, v] : nd.segregated) seg += v;
    if (seg > nd.working_capacity() * (1 + 1e-12))
      throw InputError(nd.loc, "nodes." + nd.id + ".segregated", "found segregated tanks larger than the working capacity, expected their sum <= capacity - heel");
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
  // Quality limits on the blend entering a leg, as sum_s a_s f_s <= 0.
  label_quality_.assign(sc.legs.size(), -1);
  for (size_t l = 0; l < sc.legs.size(); ++l) {
    const auto& leg = sc.legs[l];
    auto add = [&](auto coef) {
      QualityRow q{static_cast<int>(l), {}};
      for (const auto& sh : sc.shippers) q.a.push_back(coef(sc.grades[static_cast<size_t>(sh.grade)]));
      quality_.push_back(std::move(q));
    };
    if (leg.max_sulphur > 0) add([&](const Grade& g) { return g.sulphur - leg.max_sulphur; });  // mass-weighted
    if (leg.max_density > 0) add([&](const Grade& g) { return 1.0 - leg.max_density / g.density; });  // volume-additive
    if (leg.min_density > 0) add([&](const Grade& g) { return leg.min_density / g.density - 1.0; });
    if (leg.max_sulphur > 0 || leg.max_density > 0 || leg.min_density > 0) {
      label_quality_[l] = static_cast<int>(labels_.size());
      labels_.push_back("quality:" + leg.id);
    }
  }
  // Route variables and their segments.
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
  for (size_t i = 0; i < sc.events.size(); ++i) {
    const auto& ev = sc.events[i];
    if (!ev.station.empty() && ev.on_leg && ev.target >= 0 && sc.legs[static_cast<size_t>(ev.target)].hydraulic_model.empty())
      throw InputError(ev.loc, "events[" + std::to_string(i) + "].station",
                       "found a pump-station outage on leg '" + sc.legs[static_cast<size_t>(ev.target)].id +
                           "', expected a pipeline leg with `hydraulics` (only those have stations)");
  }
  // Hydraulic pipelines: load each description once; capacities are memoised per leg.
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
      f.nu1 = f.nu2 = 0;  // unknown: a hydraulic pipeline carrying it is refused below
    }
    fluids_.push_back(f);
  }
  for (size_t l = 0; l < sc.legs.size(); ++l) {
    const auto& leg = sc.legs[l];
    if (leg.hydraulic_model.empty()) continue;
    const std::string key = "legs." + leg.id + ".hydraulics";
    if (leg.kind != LegKind::Pipeline) throw InputError(leg.loc, key, "found a hydraulic description on a leg of another kind, expected kind = \"pipeline\"");
    if (!(leg.linefill > 0) || leg.linefill_owner < 0)
      throw InputError(leg.loc, key, "a hydraulic pipeline needs `linefill` and `linefill_owner`: its fluid is the crude in the line");
    for (const auto& sg : segs_)
      for (int li : sg.legs)
        if (li == static_cast<int>(l)) {
          const auto& g = sc.grades[static_cast<size_t>(sc.shippers[static_cast<size_t>(sg.shipper)].grade)];
          if (!(g.visc_nu1 > 0 && g.visc_nu2 > 0))
            throw InputError(g.loc, "grades." + g.id + ".viscosity",
                             "missing, expected two (temperature, viscosity) points: grade travels in hydraulic pipeline '" + leg.id + "'");
        }
    {
      const auto& g = sc.grades[static_cast<size_t>(sc.shippers[static_cast<size_t>(leg.linefill_owner)].grade)];
      if (!(g.visc_nu1 > 0 && g.visc_nu2 > 0))
        throw InputError(g.loc, "grades." + g.id + ".viscosity", "missing, expected two (temperature, viscosity) points: grade fills hydraulic pipeline '" + leg.id + "'");
    }
    auto model = std::make_shared<const pipeline::PipelineModel>(pipeline::load_pipeline(leg.hydraulic_model));
    for (size_t i = 0; i < sc.events.size(); ++i) {
      const auto& ev = sc.events[i];
      if (ev.station.empty() || !ev.on_leg || ev.target != static_cast<int>(l)) continue;
      std::string ids;
      bool found = false;
      for (const auto& st : model->pipeline().stations) {
        found |= st.id == ev.station;
        ids += (ids.empty() ? "" : ", ") + st.id;
      }
      if (!found)
        throw InputError(ev.loc, "events[" + std::to_string(i) + "].station",
                         "found \"" + ev.station + "\", expected a pump station of " + leg.hydraulic_model + " (" + ids + ")");
    }
    hyd_[l] = model;
    tables_[l] = std::make_unique<pipeline::CapacityTable>(model);
  }
  label_noroute_ = static_cast<int>(labels_.size());
  labels_.push_back("no_route");
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

std::vector<double> Allocator::leg_event_factor(double t) const {
  std::vector<double> f(sc_.legs.size(), 1.0);
  for (const auto& e : sc_.events) {
    if (t < e.start || t >= e.end || !e.station.empty()) continue;
    if (e.on_leg) {
      f[static_cast<size_t>(e.target)] *= e.remaining;
    } else {
      for (size_t l = 0; l < sc_.legs.size(); ++l)
        if (sc_.legs[l].from == e.target || sc_.legs[l].to == e.target) f[l] *= e.remaining;
    }
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
  if (!(tot > 0)) {
    std::fill(gfrac.begin(), gfrac.end(), 0.0);
    gfrac[static_cast<size_t>(sc_.shippers[static_cast<size_t>(l.linefill_owner)].grade)] = 1.0;
    tot = 1.0;
  }
  std::vector<hydraulics::Fluid> parts;
  std::vector<double> fr;
  for (size_t g = 0; g < gfrac.size(); ++g)
    if (gfrac[g] > 0) {
      parts.push_back(fluids_[g]);
      fr.push_back(gfrac[g] / tot);
    }
  const hydraulics::Fluid fl = parts.size() == 1 ? parts[0] : hydraulics::blend(parts, fr);
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
        c = tables_[static_cast<size_t>(leg)]->capacity(cond.rho, cond.nu, cond.dra, cond.out);
        if (l.basis == CapBasis::Mass) c *= cond.rho;
      } else {
        c = l.capacity.at(t);
      }
      break;
    case LegKind::Port: c = l.berths.at(t) * l.berth_rate * l.availability; break;
    case LegKind::Tanker: c = l.fleet.at(t) * l.cargo / l.cycle_time() * l.weather[month_of(t)]; break;
  }
  return std::max(0.0, c * leg_event_factor(t)[static_cast<size_t>(leg)]);
}

AllocResult Allocator::solve(const AllocInput& in) const {
  const double t = in.t;
  const Modes& md = *in.modes;
  const size_t NL = sc_.legs.size(), NN = sc_.nodes.size(), NS = static_cast<size_t>(ns_), NG = segs_.size();
  auto rho = [&](int s) { return sc_.grades[static_cast<size_t>(sc_.shippers[static_cast<size_t>(s)].grade)].density; };

  AllocResult res;
  res.supply.resize(NS);
  for (size_t s = 0; s < NS; ++s) res.supply[s] = std::max(0.0, sc_.shippers[s].supply.at(t));

  // Capacities (leg basis) with events.
  std::vector<double> cap(NL);
  for (size_t l = 0; l < NL; ++l) cap[l] = leg_capacity(static_cast<int>(l), t, in.linefill_fraction);

  // Per segment: weight and coefficient on each leg.
  std::vector<double> w(NG);
  for (size_t g = 0; g < NG; ++g) {
    const auto& rv = routes_[static_cast<size_t>(segs_[g].routevar)];
    const auto& route = sc_.shippers[static_cast<size_t>(rv.shipper)].routes[static_cast<size_t>(rv.route)];
    const double nom = route.nomination.empty() ? res.supply[static_cast<size_t>(rv.shipper)] : route.nomination.at(t);
    w[g] = std::max(nom, kMinWeight);
  }
  // Constraint rows: legs [0, NL); (storage partition, shipper) [NL, NL+NP*NS): in a full partition no
  // owner may add to its stock, so each shipper's inflow is held to its own outflow; quality limits last.
  const size_t NP = parts_.size(), NQ = quality_.size(), NF = NP * NS, NR = NL + NF + NQ;
  std::vector<int> row_label(NR);
  for (size_t l = 0; l < NL; ++l) row_label[l] = label_leg_[l];
  for (size_t p = 0; p < NP; ++p)
    for (size_t s = 0; s < NS; ++s) row_label[NL + p * NS + s] = label_full_[p];
  for (size_t k = 0; k < NQ; ++k) row_label[NL + NF + k] = label_quality_[static_cast<size_t>(quality_[k].leg)];
  // Each segment's coefficients: every leg it enters (mass or volume), the storage partition it fills
  // (volume), and the quality rows of its legs where its crude breaks the limit.
  std::vector<std::vector<std::pair<size_t, double>>> rows(NG);
  for (size_t g = 0; g < NG; ++g) {
    const auto& sg = segs_[g];
    for (int l : sg.legs)
      rows[g].push_back({static_cast<size_t>(l), sc_.legs[static_cast<size_t>(l)].basis == CapBasis::Mass ? 1.0 : 1.0 / rho(sg.shipper)});
    const int p = part_of_[static_cast<size_t>(sg.to_node) * NS + static_cast<size_t>(sg.shipper)];
    if (p >= 0) rows[g].push_back({NL + static_cast<size_t>(p) * NS + static_cast<size_t>(sg.shipper), 1.0});
    for (size_t k = 0; k < NQ; ++k) {
      const double a = quality_[k].a[static_cast<size_t>(sg.shipper)];
      if (a > 0 && std::find(sg.legs.begin(), sg.legs.end(), quality_[k].leg) != sg.legs.end()) rows[g].push_back({NL + NF + k, a});
    }
  }
  // Room a quality row leaves: what the shippers meeting the limit bring, sum over them of -a f.
  auto quality_room = [&](size_t k, const std::vector<double>& flows) {
    double r = 0;
    for (size_t g = 0; g < NG; ++g) {
      const double a = quality_[k].a[static_cast<size_t>(segs_[g].shipper)];
      if (a < 0 && std::find(segs_[g].legs.begin(), segs_[g].legs.end(), quality_[k].leg) != segs_[g].legs.end()) r -= a * flows[g];
    }
    return r;
  };

  // Delayed-leg helpers.
  auto is_tanker = [&](int leg) { return sc_.legs[static_cast<size_t>(leg)].kind == LegKind::Tanker; };
  auto is_plug = [&](int leg) {
    const auto& l = sc_.legs[static_cast<size_t>(leg)];
    return l.kind == LegKind::Pipeline && l.linefill > 0;
  };

  std::vector<double> f(NG, 0.0), fprev(NG, 0.0);
  std::vector<int> reason(NG, label_supply_);
  std::vector<double> leg_in(NL * NS), leg_out(NL * NS);

  auto compute_leg_flows = [&](const std::vector<double>& flows) {
    std::fill(leg_in.begin(), leg_in.end(), 0.0);
    for (size_t g = 0; g < NG; ++g)
      for (int l : segs_[g].legs) leg_in[static_cast<size_t>(l) * NS + static_cast<size_t>(segs_[g].shipper)] += flows[g];
    for (size_t l = 0; l < NL; ++l) {
      if (is_tanker(static_cast<int>(l))) {
        for (size_t s = 0; s < NS; ++s) leg_out[l * NS + s] = (*in.tanker_arrivals)[l * NS + s];
      } else if (is_plug(static_cast<int>(l))) {
        double q = 0;  // m3/s entering = m3/s leaving
        for (size_t s = 0; s < NS; ++s) q += leg_in[l * NS + s] / rho(static_cast<int>(s));
        for (size_t s = 0; s < NS; ++s) leg_out[l * NS + s] = q * (*in.outlet_fraction)[l * NS + s] * rho(static_cast<int>(s));
      } else {
        for (size_t s = 0; s < NS; ++s) leg_out[l * NS + s] = leg_in[l * NS + s];
      }
    }
  };

  const int max_sweeps = 200;
  int sweep = 0;
  for (; sweep < max_sweeps; ++sweep) {
    compute_leg_flows(f);
    // Node inflow and outflow per shipper, from the current iterate.
    std::vector<double> node_in(NN * NS, 0.0), node_out(NN * NS, 0.0);
    for (size_t l = 0; l < NL; ++l) {
      const auto& leg = sc_.legs[l];
      for (size_t s = 0; s < NS; ++s) {
        node_in[static_cast<size_t>(leg.to) * NS + s] += leg_out[l * NS + s];
        node_out[static_cast<size_t>(leg.from) * NS + s] += leg_in[l * NS + s];
      }
    }
    // Constraint capacities: legs; full partitions (controlled volume inflow <= volume outflow);
    // quality rows (the room the crude meeting the limit makes).
    std::vector<double> R(NR, kInf);
    for (size_t l = 0; l < NL; ++l) R[l] = cap[l];
    // The first sweep is optimistic (no storage coupling, no quality limit), so the sweeps descend to
    // the largest consistent allocation: starting from zero flows would stop at the trivial fixed point
    // where a full terminal passes nothing on because nothing leaves it.
    const bool optimistic = sweep == 0;
    for (size_t p = 0; p < NP; ++p)
      if (md.full[p] && !optimistic)
        for (size_t s = 0; s < NS; ++s) R[NL + p * NS + s] = node_out[static_cast<size_t>(parts_[p].node) * NS + s];
    for (size_t k = 0; k < NQ; ++k) R[NL + NF + k] = optimistic ? kInf : quality_room(k, f);

    std::vector<double> nf(NG, 0.0);
    std::vector<int> nreason(NG, label_supply_);
    std::vector<double> used(NR, 0.0);
    // Remaining supply per shipper (first segments) and what each shipper already sends from each node.
    std::vector<double> supply_left = res.supply;
    std::vector<double> sent_from(NN * NS, 0.0);

    for (const auto& phase : phases_) {
      std::vector<double> c(phase.size());
      std::vector<int> creason(phase.size(), label_supply_);
      for (size_t k = 0; k < phase.size(); ++k) {
        const size_t g = static_cast<size_t>(phase[k]);
        const auto& sg = segs_[g];
        const size_t s = static_cast<size_t>(sg.shipper);
        const size_t n = static_cast<size_t>(sg.from_node);
        const bool stocked = sc_.nodes[n].has_storage() && !md.empty[n * NS + s];
        if (sg.first) {
          if (md.ceiling_hit[static_cast<size_t>(sg.routevar)]) {
            c[k] = 0;
            creason[k] = label_ceiling_[static_cast<size_t>(sg.routevar)];
          } else {
            c[k] = stocked ? kInf : std::max(0.0, supply_left[s]);
          }
        } else {
          c[k] = stocked || optimistic ? kInf : std::max(0.0, node_in[n * NS + s] - sent_from[n * NS + s]);
        }
      }
      // Progressive filling of this phase.
      std::vector<char> frozen(phase.size(), 0);
      for (size_t k = 0; k < phase.size(); ++k)
        if (c[k] <= 0) { frozen[k] = 1; nreason[static_cast<size_t>(phase[k])] = creason[k]; }
      for (int round = 0; round <= static_cast<int>(phase.size()) + 1; ++round) {
        bool any = false;
        for (char fz : frozen) any |= !fz;
        if (!any) break;
        std::vector<double> rate(NR, 0.0);
        for (size_t k = 0; k < phase.size(); ++k) {
          if (frozen[k]) continue;
          const size_t g = static_cast<size_t>(phase[k]);
          for (const auto& [j, a] : rows[g]) rate[j] += a * w[g];
        }
        double dl = kInf;
        for (size_t j = 0; j < NR; ++j)
          if (rate[j] > 0 && std::isfinite(R[j])) dl = std::min(dl, std::max(0.0, R[j] - used[j]) / rate[j]);
        for (size_t k = 0; k < phase.size(); ++k)
          if (!frozen[k] && std::isfinite(c[k])) {
            const size_t g = static_cast<size_t>(phase[k]);
            dl = std::min(dl, std::max(0.0, c[k] - nf[g]) / w[g]);
          }
        if (!std::isfinite(dl)) {
          const auto& sg = segs_[static_cast<size_t>(phase[0])];
          throw SolverError("allocation is unbounded: shipper '" + sc_.shippers[static_cast<size_t>(sg.shipper)].id +
                            "' can draw stock with no finite leg capacity on its route");
        }
        for (size_t k = 0; k < phase.size(); ++k) {
          if (frozen[k]) continue;
          const size_t g = static_cast<size_t>(phase[k]);
          const double df = dl * w[g];
          nf[g] += df;
          for (const auto& [j, a] : rows[g]) used[j] += a * df;
        }
        // Freeze what reached its cap or sits in a tight constraint.
        for (size_t k = 0; k < phase.size(); ++k) {
          if (frozen[k]) continue;
          const size_t g = static_cast<size_t>(phase[k]);
          if (std::isfinite(c[k]) && nf[g] >= c[k] * (1 - 1e-13) - 1e-12) {
            frozen[k] = 1;
            nreason[g] = creason[k];
            continue;
          }
          auto tight = [&](size_t j) { return std::isfinite(R[j]) && R[j] - used[j] <= 1e-12 * std::max(1.0, R[j]); };
          for (const auto& [j, a] : rows[g])
            if (tight(j)) { frozen[k] = 1; nreason[g] = row_label[j]; break; }
        }
      }
      for (int gi : phase) {
        const auto& sg = segs_[static_cast<size_t>(gi)];
        const size_t s = static_cast<size_t>(sg.shipper);
        if (sg.first) supply_left[s] -= nf[static_cast<size_t>(gi)];
        sent_from[static_cast<size_t>(sg.from_node) * NS + s] += nf[static_cast<size_t>(gi)];
      }
    }
    fprev = f;
    f = nf;
    reason = nreason;
    double diff = 0, scale = 1.0;
    for (size_t g = 0; g < NG; ++g) {
      diff = std::max(diff, std::abs(f[g] - fprev[g]));
      scale = std::max(scale, std::abs(f[g]));
    }
    if (sweep > 0 && diff <= 1e-12 * scale) break;
  }
  if (sweep == max_sweeps) {
    std::ostringstream os;
    os << "allocation did not converge at " << iso_date(t) << " after " << max_sweeps
       << " storage-coupling sweeps (a cycle of full/empty storage nodes?)";
    throw SolverError(os.str());
  }
  res.sweeps = sweep + 1;
  compute_leg_flows(f);
  res.leg_in = leg_in;
  res.leg_out = leg_out;

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
  for (size_t s = 0; s < NS; ++s) {
    const size_t o = static_cast<size_t>(sc_.shippers[s].origin);
    const double excess = res.supply[s] + res.node_net[o * NS + s];  // supply minus what left the origin
    if (!sc_.nodes[o].has_storage()) {
      res.shut_in[s] = std::max(0.0, excess);
      res.node_net[o * NS + s] = 0;
    } else if (md.full[o]) {
      res.shut_in[s] = std::max(0.0, excess);
      res.node_net[o * NS + s] = std::min(0.0, excess);
    } else {
      res.node_net[o * NS + s] = excess;
    }
  }
  // Only storage nodes keep stock; junction and sink balances are zero or counted as deliveries.
  for (size_t n = 0; n < NN; ++n)
    if (!sc_.nodes[n].has_storage())
      for (size_t s = 0; s < NS; ++s) res.node_net[n * NS + s] = 0;

  // Capacity in kg/s at the current mix.
  res.leg_capacity.resize(NL);
  for (size_t l = 0; l < NL; ++l) {
    if (sc_.legs[l].basis == CapBasis::Mass) {
      res.leg_capacity[l] = cap[l];
      continue;
    }
    double m = 0, v = 0;
    for (size_t s = 0; s < NS; ++s) {
      m += leg_in[l * NS + s];
      v += leg_in[l * NS + s] / rho(static_cast<int>(s));
    }
    double dens = v > 0 ? m / v : 0;
    if (dens <= 0) {  // no flow: density of the first shipper routed over the leg
      for (const auto& sg : segs_)
        if (std::find(sg.legs.begin(), sg.legs.end(), static_cast<int>(l)) != sg.legs.end()) { dens = rho(sg.shipper); break; }
      if (dens <= 0) dens = 850.0;
    }
    res.leg_capacity[l] = cap[l] * dens;
  }

  // Quality allowance: what each offending shipper could send given the others' flows.
  res.quality_allowance.assign(NL * NS, std::numeric_limits<double>::quiet_NaN());
  for (size_t k = 0; k < NQ; ++k) {
    const size_t l = static_cast<size_t>(quality_[k].leg);
    double load = 0;  // sum over offenders of a f
    for (size_t s = 0; s < NS; ++s)
      if (quality_[k].a[s] > 0) load += quality_[k].a[s] * leg_in[l * NS + s];
    const double room = quality_room(k, f);
    for (size_t s = 0; s < NS; ++s) {
      const double a = quality_[k].a[s];
      if (!(a > 0)) continue;
      const double allow = std::max(0.0, (room - (load - a * leg_in[l * NS + s])) / a);
      double& q = res.quality_allowance[l * NS + s];
      q = std::isnan(q) ? allow : std::min(q, allow);
    }
  }

  // Route entries and the limit of each shipper.
  res.route_entry.assign(routes_.size(), 0.0);
  for (size_t r = 0; r < routes_.size(); ++r) res.route_entry[r] = f[static_cast<size_t>(routes_[r].first_seg)];
  res.limit.assign(NS, label_supply_);
  for (size_t s = 0; s < NS; ++s) {
    if (sc_.shippers[s].routes.empty()) { res.limit[s] = label_noroute_; continue; }
    // Routes in preference order; on a route, the most downstream constraint that is not a full tank
    // (a full tank is the consequence of a limit further down), else the most downstream full tank.
    bool found = false;
    for (const auto& rv : routes_) {
      if (static_cast<size_t>(rv.shipper) != s || found) continue;
      int full = -1;
      for (int g = rv.first_seg + rv.nseg - 1; g >= rv.first_seg && !found; --g) {
        const int r = reason[static_cast<size_t>(g)];
        if (r == label_supply_) continue;
        if (std::find(label_full_.begin(), label_full_.end(), r) != label_full_.end()) {
          if (full < 0) full = r;
          continue;
        }
        res.limit[s] = r;
        found = true;
      }
      if (!found && full >= 0) {
        res.limit[s] = full;
        found = true;
      }
    }
  }
  return res;
}

}  // namespace caspflow::model
