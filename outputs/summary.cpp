#include "caspflow/outputs/summary.hpp"

#include "caspflow/outputs/json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <sstream>

#include "caspflow/model/errors.hpp"
#include "caspflow/model/scenario.hpp"
#include "caspflow/model/series.hpp"
#include "caspflow/outputs/hdf5_reader.hpp"

namespace caspflow::outputs {
namespace {

/// Days since 1970-01-01 of "YYYY-MM-DD" (the reader has checked the origins are real dates).
long epoch_day(const std::string& iso) {
  const auto d = model::parse_iso_date(iso);
  if (!d) throw IoError("'" + iso + "' is not a date YYYY-MM-DD");
  return *d;
}

/// The parts of a run dataset the summary and the comparison use, checked once: dimensions, the calendar
/// years as day ranges of `time`, the network topology and the Kazakh shippers.
struct RunView {
  const Dataset& ds;
  std::string file;
  std::vector<std::string> legs, nodes, shippers;
  size_t NL = 0, NN = 0, NS = 0, ND = 0;
  std::vector<int> year, first, end;  // calendar year, [first, end) day indices into `time`
  std::vector<size_t> kz;             // Kazakh shipper indices
  std::vector<int32_t> leg_to, leg_kind, node_kind;
  std::vector<size_t> pipes, sinks;   // pipeline legs; legs into a sink

  RunView(const Dataset& d, std::string f);

  [[noreturn]] void fail(const std::string& key, const std::string& msg) const {
    throw InputError(SourceLoc{file, 0, 0}, key, msg);
  }
  const LabelAxis& axis(const std::string& name) const {
    const LabelAxis* a = find_label_axis(ds, name);
    if (a == nullptr) fail(name, "the file has no `" + name + "` coordinate; expected a caspflow run file");
    return *a;
  }
  /// The variable `name`, which must have exactly `dims` and be int32 when `is_int`.
  const Variable& need(const std::string& name, const std::vector<std::string>& dims, bool is_int = false) const {
    const Variable* v = find_variable(ds, name);
    if (v == nullptr) {
      const std::string version = format_version(ds.attrs).text();
      if (version == "1.0" || version == "1.1")
        fail(name, "the file has no variable `" + name + "`: it is format_version " + version +
                       ", and summary and compare need 1.2 or later (run the scenario again with this caspflow)");
      fail(name, "the file has no variable `" + name + "`, which every caspflow run file of format_version " + version + " has");
    }
    if (v->dims != dims || v->is_int != is_int) fail(name, "the variable has other dimensions or another type than a run file's");
    return *v;
  }
  /// Sum over the Kazakh shippers of an annual (year, shipper) or (year, leg, shipper) variable, in Mt.
  double kz_annual(const Variable& v, size_t k, size_t leg = 0) const {
    const bool by_leg = v.dims.size() == 3;
    double s = 0;
    for (size_t s2 : kz) s += v.data[by_leg ? (k * NL + leg) * NS + s2 : k * NS + s2] / 1e6;
    return s;
  }
};

RunView::RunView(const Dataset& d, std::string f) : ds(d), file(std::move(f)) {
  legs = axis("leg").labels, nodes = axis("node").labels, shippers = axis("shipper").labels;
  NL = legs.size(), NN = nodes.size(), NS = shippers.size();
  const TimeAxis* time = find_time_axis(ds, "time");
  const TimeAxis* yr = find_time_axis(ds, "year");
  if (time == nullptr || yr == nullptr || yr->bounds.size() != yr->days.size())
    fail("time", "the file has no `time` axis or no `year` axis with bounds; expected a caspflow run file");
  ND = time->days.size();
  for (size_t i = 0; i < ND; ++i)
    if (time->days[i] != time->days[0] + static_cast<int32_t>(i)) fail("time", "the `time` axis is not one value per day");
  const long t0 = epoch_day(time->origin) + (ND ? time->days[0] : 0), y0 = epoch_day(yr->origin);
  for (size_t k = 0; k < yr->days.size(); ++k) {
    int y;
    unsigned m, dd;
    model::civil_from_days(y0 + yr->days[k], y, m, dd);
    const long a = y0 + yr->bounds[k][0] - t0, b = y0 + yr->bounds[k][1] - t0;
    if (a < 0 || b < a || b > static_cast<long>(ND)) fail("year_bnds", "the year bounds lie outside the `time` axis");
    year.push_back(y), first.push_back(static_cast<int>(a)), end.push_back(static_cast<int>(b));
  }
  const auto& kzv = need("kazakh", {"shipper"}, true);
  for (size_t s = 0; s < NS; ++s)
    if (kzv.idata[s] == 1) kz.push_back(s);
  leg_to = need("leg_to", {"leg"}, true).idata;
  leg_kind = need("leg_kind", {"leg"}, true).idata;
  node_kind = need("node_kind", {"node"}, true).idata;
  for (size_t l = 0; l < NL; ++l) {
    if (leg_to[l] < 0 || static_cast<size_t>(leg_to[l]) >= NN) fail("leg_to", "an index outside the `node` axis");
    if (leg_kind[l] == static_cast<int32_t>(model::LegKind::Pipeline)) pipes.push_back(l);
    if (node_kind[static_cast<size_t>(leg_to[l])] == static_cast<int32_t>(model::NodeKind::Sink)) sinks.push_back(l);
  }
}

/// The Kazakh allowance under a quality-limited leg over days [a, b), Mt: one Kazakh shipper's allowance plus what
/// the other Kazakh shippers send (they share the room), the best such shipper each day; days when no Kazakh crude
/// is limited (NaN allowance) count the Kazakh flow.
double kz_allowance(const RunView& v, const Variable& qa, const Variable& fbs, size_t l, size_t a, size_t b) {
  auto at = [&](const Variable& x, size_t d, size_t s) { return x.data[(d * v.NL + l) * v.NS + s]; };
  double tot = 0;
  for (size_t d = a; d < b; ++d) {
    double best = 0;
    bool any = false;
    for (size_t s0 : v.kz) {
      const double al = at(qa, d, s0);
      if (std::isnan(al)) continue;
      double x = al;
      for (size_t s1 : v.kz)
        if (s1 != s0) x += at(fbs, d, s1);
      best = any ? std::max(best, x) : x;
      any = true;
    }
    if (!any)
      for (size_t s1 : v.kz) best += at(fbs, d, s1);
    tot += best;
  }
  return tot / 1e6;
}

/// The (Kazakh route, constraint) pair that limited most days in [a, b): counted per route, so shippers are not
/// pooled; ties go to the earlier route, then the earlier constraint.
void most_limited(const RunView& v, const std::vector<std::string>& routes, const std::vector<char>& kz_route,
                  const std::vector<std::string>& constraints, const Variable& rl, int supply, SummaryRow& row,
                  size_t a, size_t b) {
  std::map<std::pair<size_t, int>, int> count;
  const size_t NR = routes.size();
  for (size_t d = a; d < b; ++d)
    for (size_t r = 0; r < NR; ++r) {
      if (!kz_route[r]) continue;
      const int lab = rl.idata[d * NR + r];
      if (lab != supply) ++count[{r, lab}];
    }
  std::pair<size_t, int> best{0, -1};
  int bestn = 0;
  for (const auto& [key, n] : count)
    if (n > bestn) best = key, bestn = n;
  row.days_in_year = static_cast<int>(b - a);
  if (best.second < 0) return;
  if (static_cast<size_t>(best.second) >= constraints.size()) v.fail("route_limit", "an index outside the `constraint` axis");
  row.route = routes[best.first];
  row.constraint = constraints[static_cast<size_t>(best.second)];
  row.days_limited = bestn;
}

/// For each route label (SHIPPER/ROUTE, numbered shipper by shipper in file order): 1 if its shipper is Kazakh.
std::vector<char> kazakh_routes(const RunView& v, const std::vector<std::string>& routes) {
  std::vector<char> out;
  size_t s = 0;
  for (const auto& r : routes) {
    while (s < v.NS && r.compare(0, v.shippers[s].size() + 1, v.shippers[s] + "/") != 0) ++s;
    if (s == v.NS) v.fail("route", "route '" + r + "' does not follow the shipper order SHIPPER/ROUTE");
    out.push_back(std::find(v.kz.begin(), v.kz.end(), s) != v.kz.end() ? 1 : 0);
  }
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}


}  // namespace

std::string SummaryRow::limited_text() const {
  if (constraint.empty()) return "none (all supply moved)";
  return route + " " + constraint + " (" + std::to_string(days_limited) + " of " + std::to_string(days_in_year) + " d)";
}

std::string exact_number(double v) {
  if (std::isnan(v)) return "nan";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

SummaryTable summarize(const Dataset& ds, const std::string& file) {
  const RunView v(ds, file);
  const auto& asup = v.need("annual_supply", {"year", "shipper"});
  const auto& aflow = v.need("annual_flow", {"year", "leg", "shipper"});
  const auto& adel = v.need("annual_delivered", {"year", "leg", "shipper"});
  const auto& ashut = v.need("annual_shut_in", {"year", "shipper"});
  const auto& constraints = v.axis("constraint").labels;
  const auto& routes = v.axis("route").labels;
  const auto& rl = v.need("route_limit", {"time", "route"}, true);
  const auto supply_it = std::find(constraints.begin(), constraints.end(), "supply");
  const int supply = supply_it == constraints.end() ? 0 : static_cast<int>(supply_it - constraints.begin());
  const std::vector<char> kz_route = kazakh_routes(v, routes);

  SummaryTable t;
  // A scenario without a title is written with the title "caspflow run"; the table then names the scenario file.
  t.title = text_attr(ds.attrs, "title");
  if (t.title.empty() || t.title == "caspflow run") t.title = text_attr(ds.attrs, "scenario_file", t.title);
  for (size_t s : v.kz) t.shippers.push_back(v.shippers[s]);
  t.columns = {"supply"};
  for (size_t l : v.pipes) {
    t.columns.push_back("into " + v.legs[l]);
    t.columns.push_back("at " + v.nodes[static_cast<size_t>(v.leg_to[l])]);  // what the pipeline delivered
  }
  for (size_t l : v.sinks) t.columns.push_back("to " + v.nodes[static_cast<size_t>(v.leg_to[l])]);
  std::vector<size_t> qlegs;  // legs with a quality limit (they have a `quality:LEG` constraint)
  for (size_t l = 0; l < v.NL; ++l)
    if (std::find(constraints.begin(), constraints.end(), "quality:" + v.legs[l]) != constraints.end()) {
      qlegs.push_back(l);
      t.columns.push_back("allow " + v.legs[l]);
    }
  t.columns.push_back("shut-in");
  const Variable* qa = qlegs.empty() ? nullptr : &v.need("quality_allowance", {"time", "leg", "shipper"});
  const Variable* fbs = qlegs.empty() ? nullptr : &v.need("flow_by_shipper", {"time", "leg", "shipper"});

  for (size_t k = 0; k < v.year.size(); ++k) {
    const auto a = static_cast<size_t>(v.first[k]), b = static_cast<size_t>(v.end[k]);
    SummaryRow row;
    row.year = v.year[k];
    row.values.push_back(v.kz_annual(asup, k));
    for (size_t l : v.pipes) {
      row.values.push_back(v.kz_annual(aflow, k, l));
      row.values.push_back(v.kz_annual(adel, k, l));
    }
    for (size_t l : v.sinks) row.values.push_back(v.kz_annual(adel, k, l));
    for (size_t l : qlegs) row.values.push_back(kz_allowance(v, *qa, *fbs, l, a, b));
    row.values.push_back(v.kz_annual(ashut, k));
    most_limited(v, routes, kz_route, constraints, rl, supply, row, a, b);
    t.rows.push_back(std::move(row));
  }
  const Attr* res = find_attr(ds.attrs, "conservation_residual_total");
  t.residual = res != nullptr && std::holds_alternative<double>(res->value) ? std::get<double>(res->value)
                                                                             : std::numeric_limits<double>::quiet_NaN();
  return t;
}

Headline headline_quantities(const Dataset& ds, const std::string& file) {
  const RunView v(ds, file);
  const auto& asup = v.need("annual_supply", {"year", "shipper"});
  const auto& aflow = v.need("annual_flow", {"year", "leg", "shipper"});
  const auto& adel = v.need("annual_delivered", {"year", "leg", "shipper"});
  const auto& ashut = v.need("annual_shut_in", {"year", "shipper"});
  Headline h;
  h.years = v.year;
  for (size_t k = 0; k < v.year.size(); ++k) h.days_in_year.push_back(v.end[k] - v.first[k]);
  const size_t NY = v.year.size();
  auto add = [&](std::string name, auto value_of) {
    std::vector<double> vals;
    for (size_t k = 0; k < NY; ++k) vals.push_back(value_of(k));
    h.quantities.emplace_back(std::move(name), std::move(vals));
  };
  add("Kazakh supply", [&](size_t k) { return v.kz_annual(asup, k); });
  for (size_t l : v.pipes) {
    add("Kazakh into " + v.legs[l], [&](size_t k) { return v.kz_annual(aflow, k, l); });
    add("Kazakh at " + v.nodes[static_cast<size_t>(v.leg_to[l])], [&](size_t k) { return v.kz_annual(adel, k, l); });
  }
  for (size_t l : v.sinks)
    add("Kazakh to " + v.nodes[static_cast<size_t>(v.leg_to[l])], [&](size_t k) { return v.kz_annual(adel, k, l); });
  add("Kazakh shut-in", [&](size_t k) { return v.kz_annual(ashut, k); });
  for (size_t l : v.pipes)
    add("total into " + v.legs[l], [&](size_t k) {
      double s = 0;
      for (size_t s2 = 0; s2 < v.NS; ++s2) s += aflow.data[(k * v.NL + l) * v.NS + s2] / 1e6;
      return s;
    });
  return h;
}

void write_text(std::ostream& os, const SummaryTable& t) {
  const std::ios_base::fmtflags flags = os.flags();
  const std::streamsize prec = os.precision();
  os << t.title << "\n";
  os << "Kazakh crude by year, Mt (shippers: ";
  for (size_t i = 0; i < t.shippers.size(); ++i) os << (i ? ", " : "") << t.shippers[i];
  os << ")\n";
  // Column widths: each at least 10 characters, one space apart.
  std::vector<int> width;
  std::ostringstream hdr;
  hdr << std::left << std::setw(6) << "year" << std::right;
  for (const auto& h : t.columns) {
    width.push_back(std::max<int>(10, static_cast<int>(h.size())) + 1);
    hdr << std::setw(width.back()) << h;
  }
  hdr << "  most limited Kazakh route";
  os << hdr.str() << "\n" << std::string(hdr.str().size() + 12, '-') << "\n";
  for (const auto& r : t.rows) {
    os << std::left << std::setw(6) << r.year << std::right << std::fixed << std::setprecision(3);
    for (size_t c = 0; c < r.values.size(); ++c) os << std::setw(width[c]) << r.values[c];
    os << "  " << r.limited_text() << "\n";
  }
  os << std::scientific << std::setprecision(2) << "mass conservation residual (relative): " << t.residual
     << " (limit 1e-9)\n";
  os.flags(flags);
  os.precision(prec);
}

void write_csv(std::ostream& os, const SummaryTable& t) {
  os << "year";
  for (const auto& c : t.columns) os << "," << csv_field(c);
  os << ",most_limited_route,most_limited_constraint,days_limited,days_in_year\n";
  for (const auto& r : t.rows) {
    os << r.year;
    for (double x : r.values) os << "," << exact_number(x);
    os << "," << csv_field(r.route) << "," << csv_field(r.constraint) << "," << r.days_limited << "," << r.days_in_year
       << "\n";
  }
}

void write_json(std::ostream& os, const SummaryTable& t) {
  os << "{\"title\": " << json_string(t.title) << ", \"units\": \"Mt\", \"shippers\": [";
  for (size_t i = 0; i < t.shippers.size(); ++i) os << (i ? ", " : "") << json_string(t.shippers[i]);
  os << "], \"columns\": [";
  for (size_t i = 0; i < t.columns.size(); ++i) os << (i ? ", " : "") << json_string(t.columns[i]);
  os << "], \"rows\": [";
  for (size_t k = 0; k < t.rows.size(); ++k) {
    const auto& r = t.rows[k];
    os << (k ? ",\n  " : "\n  ") << "{\"year\": " << r.year;
    for (size_t c = 0; c < r.values.size() && c < t.columns.size(); ++c)
      os << ", " << json_string(t.columns[c]) << ": " << json_number(r.values[c]);
    os << ", \"most_limited_route\": " << (r.route.empty() ? "null" : json_string(r.route))
       << ", \"most_limited_constraint\": " << (r.constraint.empty() ? "null" : json_string(r.constraint))
       << ", \"days_limited\": " << r.days_limited << ", \"days_in_year\": " << r.days_in_year << "}";
  }
  os << (t.rows.empty() ? "" : "\n") << "], \"conservation_residual\": " << json_number(t.residual) << "}\n";
}

}  // namespace caspflow::outputs
