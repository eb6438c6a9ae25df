#include "caspflow/outputs/run_output.hpp"

#include "caspflow/outputs/limits_output.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>

#include "caspflow/version.hpp"
#include "caspflow/model/blend.hpp"
#include "caspflow/model/hydraulics/fluid.hpp"
#include "caspflow/outputs/sha256.hpp"

namespace caspflow::outputs {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kT = 1000.0;  // kg per tonne

struct Years {
  std::vector<int> year;       // calendar year
  std::vector<int> first_day;  // day index of the first day in the run
  std::vector<int> end_day;    // one past the last day
};

Years years_of(const solvers::RunResult& run) {
  Years Y;
  for (int d = 0; d < run.ndays; ++d) {
    int y;
    unsigned m, dd;
    model::civil_from_days(static_cast<long>(std::floor(run.start / model::kDay)) + d, y, m, dd);
    if (Y.year.empty() || Y.year.back() != y) {
      if (!Y.year.empty()) Y.end_day.push_back(d);
      Y.year.push_back(y);
      Y.first_day.push_back(d);
    }
  }
  if (!Y.year.empty()) Y.end_day.push_back(run.ndays);
  return Y;
}

Attr s(const char* n, std::string v) { return Attr{n, std::move(v)}; }

/// What every builder below reads: the scenario, the run's named series and sizes, the shippers' densities.
struct Run {
  const model::Scenario& sc;
  const solvers::RunResult& run;
  size_t ND, NS, NL, NN;
  std::vector<double> rho;  ///< density of each shipper's grade [kg/m3]
  Years yrs;
  Run(const model::Scenario& scenario, const solvers::RunResult& r)
      : sc(scenario), run(r), ND(static_cast<size_t>(r.ndays)), NS(scenario.shippers.size()), NL(scenario.legs.size()),
        NN(scenario.nodes.size()), rho(NS), yrs(years_of(r)) {
    for (size_t s2 = 0; s2 < NS; ++s2) rho[s2] = sc.grades[static_cast<size_t>(sc.shippers[s2].grade)].density;
  }
  /// Value of `series` at day boundary `day` (day == ND: the end of the run); its change over [a, b) in t.
  static double at(const solvers::BoundarySeries& series, size_t day, size_t i, size_t j = 0) {
    return series.at(static_cast<int>(day), static_cast<int>(i), static_cast<int>(j));
  }
  static double tonnes(const solvers::BoundarySeries& series, size_t a, size_t b, size_t i, size_t j = 0) {
    return series.change(static_cast<int>(a), static_cast<int>(b), static_cast<int>(i), static_cast<int>(j)) / kT;
  }
  [[nodiscard]] bool to_sink(size_t l) const { return sc.nodes[static_cast<size_t>(sc.legs[l].to)].kind == model::NodeKind::Sink; }
};

Variable var(const char* name, std::vector<std::string> dims, const char* units, const char* long_name) {
  Variable v;
  v.name = name;
  v.dims = std::move(dims);
  v.attrs = {s("units", units), s("long_name", long_name)};
  return v;
}
constexpr const char* kMeanDay = "time: mean (daily mean over the day starting at `time`)";
constexpr const char* kEndDay = "time: point (value at the end of the day starting at `time`)";

/// The time and year axes, and the leg, node, shipper, grade and constraint labels.
void add_axes(Dataset& ds, const Run& R) {
  const std::string origin = model::iso_date(R.run.start);
  TimeAxis time{"time", origin, {}, "start of the simulated day (UTC)", {}};
  for (size_t d = 0; d < R.ND; ++d) time.days.push_back(static_cast<int32_t>(d));
  TimeAxis year{"year", origin, {}, "start of the calendar year (clipped to the simulation)", {}};
  for (size_t k = 0; k < R.yrs.year.size(); ++k) {
    year.days.push_back(R.yrs.first_day[k]);
    year.bounds.push_back({R.yrs.first_day[k], R.yrs.end_day[k]});
  }
  ds.time_axes = {time, year};
  LabelAxis leg{"leg", {}, "leg (link between two nodes)"}, node{"node", {}, "node"}, shipper{"shipper", {}, "shipper (owner of crude)"},
      grade{"grade", {}, "crude grade"}, constraint{"constraint", R.run.constraint_labels, "what can limit a shipper's flow"};
  for (const auto& l : R.sc.legs) leg.labels.push_back(l.id);
  for (const auto& n : R.sc.nodes) node.labels.push_back(n.id);
  for (const auto& x : R.sc.shippers) shipper.labels.push_back(x.id);
  for (const auto& g : R.sc.grades) grade.labels.push_back(g.id);
  ds.label_axes = {leg, node, shipper, grade, constraint};
}

/// Daily flows, capacities, stocks, transit, supply, shut-in, sink deliveries (from exact cumulative integrals)
/// and the limit of each shipper at mid-day.
void add_daily(Dataset& ds, const Run& R) {
  const auto& sc = R.sc;
  const auto& run = R.run;
  const size_t ND = R.ND, NS = R.NS, NL = R.NL, NN = R.NN;
  const auto& rho = R.rho;
  const char* mean_day = kMeanDay;
  const char* end_day = kEndDay;
  // Daily flows from exact cumulative integrals (t/d).
  Variable fbs = var("flow_by_shipper", {"time", "leg", "shipper"}, "t/d", "mass flow entering the leg, by shipper (daily mean)");
  Variable del = var("delivered", {"time", "leg", "shipper"}, "t/d", "mass flow leaving the leg at its downstream end, by shipper (daily mean)");
  Variable flow = var("flow", {"time", "leg"}, "t/d", "mass flow entering the leg (daily mean)");
  Variable cap = var("capacity", {"time", "leg"}, "t/d", "capacity of the leg (daily mean; volume capacities at the mix's density)");
  Variable util = var("utilisation", {"time", "leg"}, "1", "flow / capacity (daily means)");
  for (Variable* v : {&fbs, &del, &flow, &cap, &util}) v->attrs.push_back(s("cell_methods", mean_day));
  Variable inv = var("inventory", {"time", "node"}, "m3", "total stock in the node's tanks incl. heel (NaN: no storage)");
  Variable invs = var("inventory_by_shipper", {"time", "node", "shipper"}, "t", "working stock owned by each shipper");
  Variable tr = var("in_transit", {"time", "leg", "shipper"}, "t", "crude inside the leg (tanker cargoes, pipeline linefill)");
  for (Variable* v : {&inv, &invs, &tr}) v->attrs.push_back(s("cell_methods", end_day));
  Variable sup = var("supply", {"time", "shipper"}, "t/d", "supply offered at the shipper's origin (daily mean)");
  Variable shut = var("shut_in", {"time", "shipper"}, "t/d", "supply that no route and no storage could take (daily mean)");
  Variable sink = var("sink_delivery", {"time", "shipper"}, "t/d", "mass delivered into sink nodes (daily mean)");
  for (Variable* v : {&sup, &shut, &sink}) v->attrs.push_back(s("cell_methods", mean_day));
  Variable lim = var("limit", {"time", "shipper"}, "1", "index into `constraint` of what limited the shipper at mid-day");
  lim.is_int = true;
  for (auto& a : index_flag_attrs(run.constraint_labels)) lim.attrs.push_back(std::move(a));
  lim.attrs.push_back(s("comment", "constraint[limit] is the label (flag_meanings: the same labels with characters CF "
                                   "does not allow in a flag meaning replaced by '_'): 'supply' = nothing bound (all "
                                   "supply moved); 'capacity:LEG'; 'storage_full:NODE' (or 'storage_full:NODE/GRADE' for "
                                   "segregated tanks); 'quality:LEG'; 'ceiling:SHIPPER/ROUTE'; 'no_route'; see "
                                   "docs/output-format.md"));

  for (size_t d = 0; d < ND; ++d) {
    for (size_t l = 0; l < NL; ++l) {
      double ftot = 0;
      for (size_t s2 = 0; s2 < NS; ++s2) {
        const double a = Run::tonnes(run.entered, d, d + 1, l, s2);
        fbs.data.push_back(a);
        del.data.push_back(Run::tonnes(run.left, d, d + 1, l, s2));
        tr.data.push_back(Run::at(run.in_transit, d + 1, l, s2) / kT);
        ftot += a;
      }
      const double c = Run::tonnes(run.capacity, d, d + 1, l);
      flow.data.push_back(ftot);
      cap.data.push_back(c);
      util.data.push_back(c > 0 ? ftot / c : kNaN);
    }
    for (size_t n = 0; n < NN; ++n) {
      const auto& nd = sc.nodes[n];
      double v = nd.has_storage() ? nd.heel : kNaN;
      for (size_t s2 = 0; s2 < NS; ++s2) {
        const double I = Run::at(run.stock, d + 1, n, s2);
        invs.data.push_back(nd.has_storage() ? I / kT : 0.0);
        if (nd.has_storage()) v += I / rho[s2];
      }
      inv.data.push_back(v);
    }
    for (size_t s2 = 0; s2 < NS; ++s2) {
      sup.data.push_back(Run::tonnes(run.supplied, d, d + 1, s2));
      shut.data.push_back(Run::tonnes(run.shut_in, d, d + 1, s2));
      double sk = 0;
      for (size_t l = 0; l < NL; ++l)
        if (sc.nodes[static_cast<size_t>(sc.legs[l].to)].kind == model::NodeKind::Sink) sk += Run::tonnes(run.left, d, d + 1, l, s2);
      sink.data.push_back(sk);
      lim.idata.push_back(run.limit_day[d * NS + s2]);
    }
  }

  for (Variable* v : {&flow, &fbs, &del, &cap, &util, &inv, &invs, &tr, &sup, &shut, &sink, &lim}) ds.variables.push_back(std::move(*v));
}

/// Initial stocks and transit, per-shipper and per-grade constants, and the network topology.
void add_constants(Dataset& ds, const Run& R) {
  const auto& run = R.run;
  const auto& sc = R.sc;
  const size_t NS = R.NS, NL = R.NL, NN = R.NN;
  const auto& grade = ds.label_axes[3];
  const auto& node = ds.label_axes[1];
  Variable inv0 = var("initial_inventory_by_shipper", {"node", "shipper"}, "t", "working stock at the start of the run");
  Variable tr0 = var("initial_in_transit", {"leg", "shipper"}, "t", "crude inside each leg at the start of the run");
  for (size_t n = 0; n < NN; ++n)
    for (size_t s2 = 0; s2 < NS; ++s2) inv0.data.push_back(sc.nodes[n].has_storage() ? Run::at(run.stock, 0, n, s2) / kT : 0.0);
  for (size_t l = 0; l < NL; ++l)
    for (size_t s2 = 0; s2 < NS; ++s2) tr0.data.push_back(Run::at(run.in_transit, 0, l, s2) / kT);
  Variable kz = var("kazakh", {"shipper"}, "1", "1 if the shipper's crude is counted as Kazakh");
  kz.is_int = true;
  kz.attrs.push_back(Attr{"flag_values", std::vector<int32_t>{0, 1}});
  kz.attrs.push_back(s("flag_meanings", "not_kazakh kazakh"));
  Variable gos = var("grade_of_shipper", {"shipper"}, "1", "index into `grade` of the shipper's crude");
  gos.is_int = true;
  for (auto& a : index_flag_attrs(grade.labels)) gos.attrs.push_back(std::move(a));
  Variable dens = var("grade_density", {"grade"}, "kg m-3", "density at 15 degC");
  Variable sul = var("grade_sulphur", {"grade"}, "1", "sulphur mass fraction");
  for (const auto& g : sc.grades) {
    dens.data.push_back(g.density);
    sul.data.push_back(g.sulphur);
  }
  for (const auto& x : sc.shippers) {
    kz.idata.push_back(x.kazakh ? 1 : 0);
    gos.idata.push_back(x.grade);
  }
  // Network topology (format 1.2): which nodes each leg joins, and the kind of every leg and node, so that a
  // reader of the file alone (caspflow summary / compare) knows the pipelines and the sinks.
  Variable lfrom = var("leg_from", {"leg"}, "1", "index into `node` of the leg's upstream node");
  Variable lto = var("leg_to", {"leg"}, "1", "index into `node` of the leg's downstream node");
  for (Variable* v : {&lfrom, &lto}) {
    v->is_int = true;
    for (auto& a : index_flag_attrs(node.labels)) v->attrs.push_back(std::move(a));
  }
  Variable lkind = var("leg_kind", {"leg"}, "1", "kind of the leg (see flag_meanings)");
  lkind.is_int = true;
  lkind.attrs.push_back(Attr{"flag_values", std::vector<int32_t>{0, 1, 2, 3}});
  lkind.attrs.push_back(s("flag_meanings", "fixed port tanker pipeline"));
  Variable nkind = var("node_kind", {"node"}, "1", "kind of the node (see flag_meanings)");
  nkind.is_int = true;
  nkind.attrs.push_back(Attr{"flag_values", std::vector<int32_t>{0, 1, 2, 3}});
  nkind.attrs.push_back(s("flag_meanings", "origin storage junction sink"));
  static_assert(static_cast<int>(model::LegKind::Fixed) == 0 && static_cast<int>(model::LegKind::Port) == 1 &&
                    static_cast<int>(model::LegKind::Tanker) == 2 && static_cast<int>(model::LegKind::Pipeline) == 3,
                "leg_kind flag_meanings follow model::LegKind");
  static_assert(static_cast<int>(model::NodeKind::Origin) == 0 && static_cast<int>(model::NodeKind::Storage) == 1 &&
                    static_cast<int>(model::NodeKind::Junction) == 2 && static_cast<int>(model::NodeKind::Sink) == 3,
                "node_kind flag_meanings follow model::NodeKind");
  for (const auto& l : sc.legs) {
    lfrom.idata.push_back(l.from);
    lto.idata.push_back(l.to);
    lkind.idata.push_back(static_cast<int32_t>(l.kind));
  }
  for (const auto& n : sc.nodes) nkind.idata.push_back(static_cast<int32_t>(n.kind));

  for (Variable* v : {&inv0, &tr0, &kz, &gos, &dens, &sul, &lfrom, &lto, &lkind, &nkind}) ds.variables.push_back(std::move(*v));
}

/// Annual totals (t) from the cumulative states at year boundaries, and the whole-run conservation residual.
void add_annual(Dataset& ds, const Run& R) {
  const auto& run = R.run;
  const auto& sc = R.sc;
  const auto& yrs = R.yrs;
  const size_t NS = R.NS, NL = R.NL;
  Variable asup = var("annual_supply", {"year", "shipper"}, "t", "supply in the year");
  Variable asink = var("annual_sink_delivery", {"year", "shipper"}, "t", "delivered into sink nodes in the year");
  Variable ashut = var("annual_shut_in", {"year", "shipper"}, "t", "shut in during the year");
  Variable aflow = var("annual_flow", {"year", "leg", "shipper"}, "t", "mass entering each leg in the year");
  Variable adel = var("annual_delivered", {"year", "leg", "shipper"}, "t", "mass leaving each leg in the year");
  for (Variable* v : {&asup, &asink, &ashut, &aflow, &adel}) v->attrs.push_back(s("cell_methods", "year: sum"));
  for (size_t k = 0; k < yrs.year.size(); ++k) {
    const size_t a = static_cast<size_t>(yrs.first_day[k]), b = static_cast<size_t>(yrs.end_day[k]);
    for (size_t s2 = 0; s2 < NS; ++s2) {
      asup.data.push_back(Run::tonnes(run.supplied, a, b, s2));
      ashut.data.push_back(Run::tonnes(run.shut_in, a, b, s2));
      double sk = 0;
      for (size_t l = 0; l < NL; ++l)
        if (sc.nodes[static_cast<size_t>(sc.legs[l].to)].kind == model::NodeKind::Sink) sk += Run::tonnes(run.left, a, b, l, s2);
      asink.data.push_back(sk);
    }
    for (size_t l = 0; l < NL; ++l)
      for (size_t s2 = 0; s2 < NS; ++s2) {
        aflow.data.push_back(Run::tonnes(run.entered, a, b, l, s2));
        adel.data.push_back(Run::tonnes(run.left, a, b, l, s2));
      }
  }
  Variable res = var("conservation_residual", {"shipper"}, "1",
                     "|supply - sink deliveries - shut-in - change of stock - change in transit| / supply, whole run");
  res.data = R.run.residual;
  for (Variable* v : {&asup, &asink, &ashut, &aflow, &adel, &res}) ds.variables.push_back(std::move(*v));
}

/// Blend in every pipeline with linefill, at the end of each day (DESIGN §3: volume-additive density,
/// mass-weighted sulphur, Refutas viscosity blending at 20 degC).
void add_linefill_blend(Dataset& ds, const Run& R) {
  const auto& run = R.run;
  const auto& sc = R.sc;
  const size_t ND = R.ND, NS = R.NS, NL = R.NL;
  const auto& rho = R.rho;
  const char* end_day = kEndDay;
  Variable bd = var("linefill_density", {"time", "leg"}, "kg m-3", "density at 15 degC of the crude in the line (NaN: no linefill)");
  Variable bs = var("linefill_sulphur", {"time", "leg"}, "1", "sulphur mass fraction of the crude in the line");
  Variable bv = var("linefill_viscosity", {"time", "leg"}, "m2 s-1", "kinematic viscosity at 20 degC of the crude in the line (NaN: a grade without viscosity)");
  for (Variable* v : {&bd, &bs, &bv}) v->attrs.push_back(s("cell_methods", end_day));
  std::vector<model::hydraulics::Fluid> gfl;
  for (const auto& g : sc.grades) gfl.push_back(model::fluid_of(g));
  for (size_t d = 0; d < ND; ++d)
    for (size_t l = 0; l < NL; ++l) {
      if (!(sc.legs[l].linefill > 0)) {
        bd.data.push_back(kNaN), bs.data.push_back(kNaN), bv.data.push_back(kNaN);
        continue;
      }
      std::vector<double> gvol(sc.grades.size(), 0.0), gmass(sc.grades.size(), 0.0);
      for (size_t s2 = 0; s2 < NS; ++s2) {
        const double m = std::max(0.0, Run::at(run.in_transit, d + 1, l, s2));
        const size_t g = static_cast<size_t>(sc.shippers[s2].grade);
        gmass[g] += m;
        gvol[g] += m / rho[s2];
      }
      double V = 0, M = 0, S = 0;
      bool visc = true;
      for (size_t g = 0; g < gvol.size(); ++g) {
        V += gvol[g];
        M += gmass[g];
        S += gmass[g] * sc.grades[g].sulphur;
        if (gvol[g] > 0) visc &= sc.grades[g].has_viscosity();
      }
      bd.data.push_back(V > 0 ? M / V : kNaN);
      bs.data.push_back(M > 0 ? S / M : kNaN);
      bv.data.push_back(visc && V > 0 ? model::mix_by_volume(gfl, gvol).viscosity(293.15) : kNaN);
    }

  for (Variable* v : {&bd, &bs, &bv}) ds.variables.push_back(std::move(*v));
}

/// Blend at storage nodes (end of day) and of the crude entering each leg (daily means), and the quality
/// allowance of each shipper at mid-day.
void add_quality(Dataset& ds, const Run& R) {
  const auto& sc = R.sc;
  const auto& run = R.run;
  const size_t ND = R.ND, NS = R.NS, NL = R.NL, NN = R.NN;
  const auto& rho = R.rho;
  const char* mean_day = kMeanDay;
  const char* end_day = kEndDay;
  Variable nd_d = var("stock_density", {"time", "node"}, "kg m-3", "density at 15 degC of the working stock (NaN: none, or under 1 kg)");
  Variable nd_s = var("stock_sulphur", {"time", "node"}, "1", "sulphur mass fraction of the working stock (NaN: none, or under 1 kg)");
  for (Variable* v : {&nd_d, &nd_s}) v->attrs.push_back(s("cell_methods", end_day));
  for (size_t d = 0; d < ND; ++d)
    for (size_t n = 0; n < NN; ++n) {
      model::Blend b;
      if (sc.nodes[n].has_storage())
        for (size_t s2 = 0; s2 < NS; ++s2)
          b.add(std::max(0.0, Run::at(run.stock, d + 1, n, s2)), rho[s2],
                sc.grades[static_cast<size_t>(sc.shippers[s2].grade)].sulphur);
      // Less than 1 kg is integration round-off of an empty stock (its sign and blend are noise).
      nd_d.data.push_back(b.mass > 1.0 ? b.density() : kNaN);
      nd_s.data.push_back(b.mass > 1.0 ? b.sulphur_fraction() : kNaN);
    }
  // Blend entering each leg (daily means) and the quality allowance.
  Variable in_s = var("inflow_sulphur", {"time", "leg"}, "1", "sulphur mass fraction of the blend entering the leg (daily mean flows)");
  // API gravity is dimensionless (degrees API are not a UDUNITS unit): units "1", the definition in the comment.
  Variable in_a = var("inflow_api", {"time", "leg"}, "1", "API gravity (degrees API) of the blend entering the leg (daily mean flows)");
  in_a.attrs.push_back(s("comment", "API gravity = 141.5 / SG - 131.5, SG = density at 15 degC / 999.016 kg m-3 "
                                    "(water at 60 degF); a dimensionless number (e.g. 45 for a light crude)"));
  Variable qa = var("quality_allowance", {"time", "leg", "shipper"}, "t/d",
                    "most the shipper could send into the leg under its quality limits given the others' flows, at mid-day "
                    "(NaN: its crude meets the limits, or the leg has none)");
  for (Variable* v : {&in_s, &in_a}) v->attrs.push_back(s("cell_methods", mean_day));
  for (size_t d = 0; d < ND; ++d)
    for (size_t l = 0; l < NL; ++l) {
      model::Blend b;
      for (size_t s2 = 0; s2 < NS; ++s2) {
        b.add(run.entered.change(static_cast<int>(d), static_cast<int>(d + 1), static_cast<int>(l), static_cast<int>(s2)), rho[s2], sc.grades[static_cast<size_t>(sc.shippers[s2].grade)].sulphur);
        qa.data.push_back(run.quality_allowance_day[(d * NL + l) * NS + s2] * model::kDay / kT);
      }
      in_s.data.push_back(b.mass > 0 ? b.sulphur_fraction() : kNaN);
      in_a.data.push_back(b.volume > 0 ? b.api() : kNaN);
    }

  for (Variable* v : {&nd_d, &nd_s, &in_s, &in_a, &qa}) ds.variables.push_back(std::move(*v));
}

/// Pump stations of hydraulic pipelines (mid-day, at the flow then entering the line) and what binds each line.
void add_stations(Dataset& ds, const Run& R) {
  const auto& run = R.run;
  const auto& sc = R.sc;
  if (!run.station_labels.empty()) {
    ds.label_axes.push_back(LabelAxis{"station", run.station_labels, "pump station (LEG/STATION)"});
    Variable ps = var("station_suction_pressure", {"time", "station"}, "Pa", "suction pressure (gauge) at mid-day; NaN: out of service");
    Variable pd = var("station_discharge_pressure", {"time", "station"}, "Pa", "discharge pressure (gauge) at mid-day; NaN: out of service");
    Variable pw = var("station_power", {"time", "station"}, "W", "pump shaft power at mid-day");
    ps.data = run.station_suction;
    pd.data = run.station_discharge;
    pw.data = run.station_power;
    std::vector<std::string> hl;
    for (int l : run.hydraulic_legs) hl.push_back(sc.legs[static_cast<size_t>(l)].id);
    ds.label_axes.push_back(LabelAxis{"hydraulic_leg", hl, "pipeline leg whose capacity comes from the flow equations"});
    ds.label_axes.push_back(LabelAxis{"hydraulic_constraint", run.binding_labels, "constraint that limits a pipeline's capacity"});
    Variable hb = var("hydraulic_binding", {"time", "hydraulic_leg"}, "1",
                      "index into `hydraulic_constraint` of what limits the pipeline's capacity at mid-day");
    hb.is_int = true;
    hb.idata = run.hydraulic_binding;
    for (auto& a : index_flag_attrs(run.binding_labels)) hb.attrs.push_back(std::move(a));
    for (auto* v : {&ps, &pd, &pw}) ds.variables.push_back(*v);
    ds.variables.push_back(hb);
  }

}

/// Provenance: title, versions, every input text and its hash, dates, residual, assumptions, history.
std::vector<Attr> provenance(const model::Scenario& sc, const solvers::RunResult& run, const std::string& command) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t tt = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char created[32];
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string assumptions;
  for (const auto& a : sc.assumptions) assumptions += a + "\n";
  // Every file that can change a result, one line each as sha256sum prints it; `scenario_sha256` is the
  // SHA-256 of `scenario_text`, which holds all of them, so it changes when any of them does.
  std::string input_hashes;
  for (const auto& [path, text] : sc.input_texts) input_hashes += sha256_hex(text) + "  " + path + "\n";
  return {s("title", sc.title.empty() ? std::string("caspflow run") : sc.title),
              s("source", "caspflow"),
              s("filetype", "caspflow run"),
              // [major, minor] int32 (1.3); 1.1: NC_CHAR attributes, int32 without _FillValue, flags (issue 8
              // item 5); 1.2: leg_from, leg_to, leg_kind, node_kind (issue 12 item 4); 1.3: this pair and filetype.
              Attr{"format_version", std::vector<int32_t>{1, 3}},
              s("caspflow_version", kVersion),
              s("git_commit", kGitCommit),
              s("scenario_file", sc.file),
              s("scenario_text", sc.text),
              s("scenario_sha256", sha256_hex(sc.text)),
              s("input_files_sha256", input_hashes),
              s("created", created),
              s("simulation_start", model::iso_date(sc.start)),
              s("simulation_end", model::iso_date(sc.end - model::kDay)),
              Attr{"conservation_residual_total", run.residual_total},
              s("assumptions", assumptions),
              s("history", std::string(created) + " " + (command.empty() ? "caspflow run " + sc.file : command))};
}

}  // namespace

Dataset build_run_dataset(const model::Scenario& sc, const solvers::RunResult& run, const std::string& command) {
  const Run R(sc, run);
  Dataset ds;
  add_axes(ds, R);
  add_daily(ds, R);
  add_constants(ds, R);
  add_annual(ds, R);
  add_linefill_blend(ds, R);
  add_quality(ds, R);
  add_stations(ds, R);
  add_limit_variables(ds, sc, run);
  ds.attrs = provenance(sc, run, command);
  return ds;
}

}  // namespace caspflow::outputs
