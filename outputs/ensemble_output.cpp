#include "caspflow/outputs/ensemble_output.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <limits>
#include <numeric>

#include "caspflow/outputs/sha256.hpp"
#include "caspflow/version.hpp"

namespace caspflow::outputs {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Attr s(const char* n, std::string v) { return Attr{n, std::move(v)}; }
Variable var(const std::string& name, std::vector<std::string> dims, const char* units, const std::string& long_name) {
  Variable v;
  v.name = name;
  v.dims = std::move(dims);
  v.attrs = {s("units", units), s("long_name", long_name)};
  return v;
}
std::string safe(std::string n) {
  for (char& c : n)
    if (c == ':' || c == '/' || c == '.' || c == '-') c = '_';
  return n;
}
/// Quantile by linear interpolation between order statistics (numpy's default), NaNs dropped.
double quantile(std::vector<double> v, double p) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h)), hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}
int leg_index(const model::Scenario& sc, const std::string& id) {
  for (size_t l = 0; l < sc.legs.size(); ++l)
    if (sc.legs[l].id == id) return static_cast<int>(l);
  return -1;
}
/// Annual Kazakh total of headline `name` for member m, year y (t).
double annual(const model::Scenario& sc, const solvers::MemberResult& r, const std::string& name, size_t y) {
  const size_t NS = sc.shippers.size(), NL = sc.legs.size();
  if (r.status != 0) return kNaN;
  double v = 0;
  if (name == "kazakh_sink" || name == "kazakh_shut_in") {
    for (size_t s2 = 0; s2 < NS; ++s2)
      if (sc.shippers[s2].kazakh) v += (name == "kazakh_sink" ? r.annual_sink : r.annual_shut_in)[y * NS + s2];
    return v;
  }
  const auto colon = name.find(':');
  const int l = leg_index(sc, name.substr(colon + 1));
  return (name.rfind("kazakh_entering", 0) == 0 ? r.annual_entered : r.annual_left)[y * NL + static_cast<size_t>(l)];
}
}  // namespace

Headlines headlines(const model::Scenario& sc, const solvers::EnsembleResult& e) {
  Headlines h;
  h.names = {"kazakh_sink", "kazakh_shut_in"};
  h.long_names = {"Kazakh crude delivered into sinks", "Kazakh crude shut in"};
  for (const auto& d : e.daily_names)
    if (d.rfind("kazakh_entering:", 0) == 0 || d.rfind("kazakh_leaving:", 0) == 0) {
      h.names.push_back(d);
      h.long_names.push_back("Kazakh crude " + std::string(d[7] == 'e' ? "entering " : "leaving ") + d.substr(d.find(':') + 1));
    }
  const size_t M = static_cast<size_t>(e.members), NY = e.year.size();
  for (const auto& n : h.names) {
    std::vector<double> pm(M);
    for (size_t m = 0; m < M; ++m) {
      double sum = 0;
      for (size_t y = 0; y < NY; ++y) sum += annual(sc, e.results[m], n, y);
      pm[m] = NY ? sum / static_cast<double>(NY) : kNaN;
    }
    h.per_member.push_back(std::move(pm));
  }
  const auto& U = sc.uncertainty;
  for (const auto& p : U.parameters) h.drivers.push_back(p.name);
  for (const auto& o : U.outages) h.drivers.push_back("outage_count:" + o.id), h.drivers.push_back("outage_days:" + o.id);
  for (const auto& w : U.weather) h.drivers.push_back("weather_mean:" + w.id);
  h.driver_values.assign(h.drivers.size(), std::vector<double>(M, kNaN));
  for (size_t m = 0; m < M; ++m) {
    const auto& d = e.draws[m];
    size_t k = 0;
    for (size_t j = 0; j < d.parameters.size(); ++j) h.driver_values[k++][m] = d.parameters[j] / U.parameters[j].unit_factor;
    for (size_t j = 0; j < U.outages.size(); ++j) h.driver_values[k++][m] = d.outage_count[j], h.driver_values[k++][m] = d.outage_days[j];
    for (const auto& w : d.weather) h.driver_values[k++][m] = std::accumulate(w.v.begin(), w.v.end(), 0.0) / std::max<size_t>(1, w.v.size());
  }
  for (const auto& y : h.per_member) {
    std::vector<double> row;
    std::vector<size_t> ok;
    for (size_t m = 0; m < M; ++m)
      if (!std::isnan(y[m])) ok.push_back(m);
    std::vector<double> yy;
    for (size_t m : ok) yy.push_back(y[m]);
    for (const auto& x : h.driver_values) {
      std::vector<double> xx;
      for (size_t m : ok) xx.push_back(x[m]);
      row.push_back(solvers::spearman(xx, yy));
    }
    h.correlation.push_back(std::move(row));
  }
  return h;
}

namespace {
void add_member_tables(Dataset& ds, const model::Scenario& sc, const solvers::EnsembleResult& e) {
  const size_t M = static_cast<size_t>(e.members), NY = e.year.size(), NS = sc.shippers.size(), NL = sc.legs.size();
  Variable st = var("status", {"member"}, "1", "outcome of the member's run");
  st.is_int = true;
  st.attrs.push_back(Attr{"flag_values", std::vector<int32_t>{0, 1, 2}});
  st.attrs.push_back(s("flag_meanings", "ok solver_failed input_rejected"));
  Variable res = var("conservation_residual", {"member"}, "1", "|supply - deliveries - shut-in - change of stock and transit| / supply, whole run");
  Variable sink = var("annual_sink_delivery", {"member", "year", "shipper"}, "t", "delivered into sink nodes in the year");
  Variable shut = var("annual_shut_in", {"member", "year", "shipper"}, "t", "shut in during the year");
  Variable ent = var("annual_kazakh_entering", {"member", "year", "leg"}, "t", "Kazakh crude entering the leg in the year");
  Variable lef = var("annual_kazakh_leaving", {"member", "year", "leg"}, "t", "Kazakh crude leaving the leg at its downstream end in the year");
  Variable db = var("days_bound", {"member", "constraint"}, "d", "days on which the constraint limits at least one shipper");
  db.is_int = true;
  for (Variable* v : {&sink, &shut, &ent, &lef}) v->attrs.push_back(s("cell_methods", "year: sum"));
  for (size_t m = 0; m < M; ++m) {
    const auto& r = e.results[m];
    st.idata.push_back(r.status);
    const bool ok = r.status == 0;
    res.data.push_back(ok ? r.residual : kNaN);
    for (size_t y = 0; y < NY; ++y) {
      for (size_t s2 = 0; s2 < NS; ++s2) {
        sink.data.push_back(ok ? r.annual_sink[y * NS + s2] : kNaN);
        shut.data.push_back(ok ? r.annual_shut_in[y * NS + s2] : kNaN);
      }
      for (size_t l = 0; l < NL; ++l) {
        ent.data.push_back(ok ? r.annual_entered[y * NL + l] : kNaN);
        lef.data.push_back(ok ? r.annual_left[y * NL + l] : kNaN);
      }
    }
    for (size_t c = 0; c < e.constraint_labels.size(); ++c)
      db.idata.push_back(ok && c < r.days_bound.size() ? r.days_bound[c] : 0);
  }
  for (Variable* v : {&st, &res, &sink, &shut, &ent, &lef, &db}) ds.variables.push_back(std::move(*v));
}

void add_daily_stats(Dataset& ds, const solvers::EnsembleResult& e) {
  const size_t ND = static_cast<size_t>(e.ndays), NQ = e.stat_labels.size();
  const auto& cat = solvers::daily_variable_catalogue();
  for (size_t v = 0; v < e.daily_names.size(); ++v) {
    const std::string& n = e.daily_names[v];
    const std::string base = n.substr(0, n.find(':'));
    const auto it = std::find_if(cat.begin(), cat.end(), [&](const auto& c) { return c.name == base; });
    Variable q = var(safe(n), {"statistic", "time"}, it->units.c_str(), it->long_name + " -- statistics over members (" + n + ")");
    q.data.assign(e.daily_stats.begin() + static_cast<long>(v * NQ * ND), e.daily_stats.begin() + static_cast<long>((v + 1) * NQ * ND));
    ds.variables.push_back(std::move(q));
    if (e.results.empty()) continue;
    const size_t K = std::min<size_t>(e.results.size(), static_cast<size_t>(std::count_if(e.results.begin(), e.results.end(), [](const auto& r) { return !r.daily.empty(); })));
    if (K == 0) continue;
    Variable k = var("member_" + safe(n), {"kept_member", "time"}, it->units.c_str(), it->long_name + " of each kept member (" + n + ")");
    for (size_t m = 0; m < K; ++m) {
      const auto& d = e.results[m].daily;
      for (size_t t = 0; t < ND; ++t) k.data.push_back(d.empty() ? kNaN : d[v * ND + t]);
    }
    ds.variables.push_back(std::move(k));
  }
}
}  // namespace

Dataset build_ensemble_dataset(const model::Scenario& sc, const solvers::EnsembleResult& e, const std::string& command) {
  Dataset ds;
  const std::string origin = model::iso_date(e.start);
  TimeAxis time{"time", origin, {}, "start of the simulated day (UTC)", {}};
  for (int d = 0; d < e.ndays; ++d) time.days.push_back(d);
  TimeAxis year{"year", origin, {}, "start of the calendar year (clipped to the simulation)", {}};
  for (size_t k = 0; k < e.year.size(); ++k) {
    const int a = static_cast<int>(model::days_from_civil(e.year[k], 1, 1) - std::lround(std::floor(e.start / model::kDay)));
    const int b = static_cast<int>(model::days_from_civil(e.year[k] + 1, 1, 1) - std::lround(std::floor(e.start / model::kDay)));
    year.days.push_back(std::max(0, a));
    year.bounds.push_back({std::max(0, a), std::min(e.ndays, b)});
  }
  ds.time_axes = {time, year};
  const Headlines h = headlines(sc, e);
  LabelAxis member{"member", {}, "ensemble member (its inputs depend only on the seed and this index)"};
  for (int m = 0; m < e.members; ++m) member.labels.push_back(std::to_string(m));
  LabelAxis shipper{"shipper", {}, "shipper (owner of crude)"}, leg{"leg", {}, "leg (link between two nodes)"};
  for (const auto& x : sc.shippers) shipper.labels.push_back(x.id);
  for (const auto& l : sc.legs) leg.labels.push_back(l.id);
  LabelAxis constraint{"constraint", e.constraint_labels, "what can limit a shipper's flow"};
  LabelAxis stat{"statistic", e.stat_labels, "statistic over the members that ran (P10 = 10th percentile)"};
  LabelAxis driver{"driver", h.drivers, "sampled input: a parameter's key path, outage_count:/outage_days:PROCESS, weather_mean:LEG"};
  LabelAxis headline{"headline", h.names, "headline output: the run's mean annual Kazakh total"};
  ds.label_axes = {member, shipper, leg, constraint, stat, driver, headline};
  size_t kept = 0;
  for (const auto& r : e.results) kept += r.daily.empty() ? 0 : 1;
  if (kept > 0) {
    LabelAxis km{"kept_member", {}, "members whose daily series are kept (--keep-members)"};
    for (size_t m = 0; m < kept; ++m) km.labels.push_back(std::to_string(m));
    ds.label_axes.push_back(km);
  }
  Variable smp = var("sample", {"member", "driver"}, "1", "value of each sampled input in the member (units: driver_units)");
  for (int m = 0; m < e.members; ++m)
    for (const auto& dv : h.driver_values) smp.data.push_back(dv[static_cast<size_t>(m)]);
  std::string units;
  for (const auto& p : sc.uncertainty.parameters) units += p.name + ": " + (p.scale ? "multiplier" : p.unit.empty() ? "1" : p.unit) + "\n";
  smp.attrs.push_back(s("driver_units", units + "outage_count: starts; outage_days: d; weather_mean: fraction"));
  ds.variables.push_back(std::move(smp));
  Variable hv = var("headline_value", {"member", "headline"}, "t/yr", "mean annual Kazakh total of the headline in the member");
  for (int m = 0; m < e.members; ++m)
    for (const auto& pm : h.per_member) hv.data.push_back(pm[static_cast<size_t>(m)]);
  ds.variables.push_back(std::move(hv));
  Variable dc = var("driver_correlation", {"headline", "driver"}, "1", "Spearman rank correlation of the headline with the input, over the members that ran");
  for (const auto& row : h.correlation) dc.data.insert(dc.data.end(), row.begin(), row.end());
  ds.variables.push_back(std::move(dc));
  add_member_tables(ds, sc, e);
  add_daily_stats(ds, e);

  const std::time_t tt = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char created[32];
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string failures;
  for (int m = 0; m < e.members; ++m)
    if (e.results[static_cast<size_t>(m)].status != 0) failures += "member " + std::to_string(m) + ": " + e.results[static_cast<size_t>(m)].reason + "\n";
  ds.attrs = {s("title", (sc.title.empty() ? std::string("caspflow") : sc.title) + " (ensemble)"),
              s("source", "caspflow"),
              s("filetype", "caspflow ensemble"),
              Attr{"format_version", std::vector<int32_t>{1, 0}},
              s("caspflow_version", kVersion),
              s("git_commit", kGitCommit),
              s("scenario_file", sc.file),
              s("scenario_text", sc.text),
              s("scenario_sha256", sha256_hex(sc.text)),
              Attr{"members", static_cast<long long>(e.members)},
              Attr{"seed", static_cast<long long>(sc.uncertainty.seed)},
              s("sampling", sc.uncertainty.sampling == model::Uncertainty::Sampling::LatinHypercube ? "latin-hypercube" : "monte-carlo"),
              Attr{"failed_members", static_cast<long long>(e.failed)},
              s("failures", failures),
              s("created", created),
              s("history", std::string(created) + " " + command)};
  return ds;
}

void write_ensemble_summary(std::ostream& os, const model::Scenario& sc, const solvers::EnsembleResult& e) {
  const Headlines h = headlines(sc, e);
  os << "Ensemble: " << e.members << " members (" << e.failed << " failed), seed " << sc.uncertainty.seed << ", "
     << std::fixed << std::setprecision(1) << e.seconds << " s\n";
  os << "Mt per year, P10 / P50 / P90 over members\n" << std::setw(6) << "year";
  for (const auto& n : h.names) os << std::setw(26) << n;
  os << "\n";
  for (size_t y = 0; y < e.year.size(); ++y) {
    os << std::setw(6) << e.year[y];
    for (const auto& n : h.names) {
      std::vector<double> v;
      for (const auto& r : e.results) v.push_back(annual(sc, r, n, y) / 1e6);
      char b[64];
      std::snprintf(b, sizeof b, "%6.2f / %6.2f / %6.2f", quantile(v, 0.1), quantile(v, 0.5), quantile(v, 0.9));
      os << std::setw(26) << b;
    }
    os << "\n";
  }
  std::vector<long long> days(e.constraint_labels.size(), 0);
  for (const auto& r : e.results)
    for (size_t c = 0; c < r.days_bound.size() && c < days.size(); ++c) days[c] += r.days_bound[c];
  size_t best = days.size();
  for (size_t c = 0; c < days.size(); ++c)
    if (e.constraint_labels[c] != "supply" && (best == days.size() || days[c] > days[best])) best = c;
  if (best < days.size() && days[best] > 0)
    os << "binds most often: " << e.constraint_labels[best] << " (" << std::setprecision(0)
       << static_cast<double>(days[best]) / std::max(1, e.members - e.failed) << " days per member on average)\n";
  for (size_t k = 0; k < h.names.size(); ++k) {
    std::vector<size_t> idx(h.drivers.size());
    std::iota(idx.begin(), idx.end(), size_t{0});
    auto mag = [&](size_t i) { const double c = h.correlation[k][i]; return std::isnan(c) ? -1.0 : std::abs(c); };
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return mag(a) > mag(b); });
    os << "drivers of " << h.names[k] << ":";
    for (size_t i = 0; i < std::min<size_t>(3, idx.size()); ++i) {
      if (mag(idx[i]) < 0) break;
      os << (i ? ", " : " ") << h.drivers[idx[i]] << " (" << std::showpos << std::setprecision(2) << h.correlation[k][idx[i]] << std::noshowpos << ")";
    }
    os << "\n";
  }
}

}  // namespace caspflow::outputs
