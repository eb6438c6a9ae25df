// `caspflow capacity SCENARIO --sweep KEY=VALUES [--sweep ...] [--json|--csv]` (issue 12 item 3): the capacity
// and binding constraint at every point of the Cartesian grid of the sweeps, each point solved exactly as the
// single-point command solves it (cli/capacity_cmd.cpp resolves the scenario, the fluid and the single options
// once and calls run_capacity_sweep). docs/hydraulics-pipeline.md §3 "Sweeps".
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "caspflow/inputs/units.hpp"
#include "caspflow/model/errors.hpp"
#include "caspflow/model/hydraulics/fluid.hpp"
#include "caspflow/model/pipeline/pipeline_model.hpp"

namespace caspflow::cli {

namespace pl = caspflow::model::pipeline;
namespace hy = caspflow::model::hydraulics;

// Defined in cli/capacity_cmd.cpp (the CLI has no private header; the same declarations are there).
std::string capacity_binding_text(const pl::Binding& b);
std::string capacity_json_fields(const pl::Pipeline& p, const std::string& fluid, double temperature_k,
                                 const pl::Conditions& c, const pl::CapacityResult* r);
std::string capacity_json_str(const std::string& s);
std::string capacity_num(double v);
void capacity_check_dra(double dra, const std::string& what);

namespace {

constexpr std::size_t kMaxPoints = 10000;
const char* const kKeyList = "dra, temperature, density, viscosity, station_out";

enum class Key { Dra, Temperature, Density, Viscosity, StationOut };

/// One `--sweep KEY=VALUES`: its values in SI (dra fraction, K, kg/m3 at 15 degC, m2/s) or, for station_out,
/// one out-of-service mask per value; `labels` are the values as the table shows them.
struct Axis {
  Key key = Key::Dra;
  std::string spec;  ///< the --sweep text
  std::vector<double> values;
  std::vector<std::vector<bool>> outs;
  std::vector<std::string> labels;
  [[nodiscard]] std::size_t size() const { return labels.size(); }
};

/// The key as --sweep takes it (table headers).
const char* key_name(Key k) {
  switch (k) {
    case Key::Dra: return "dra";
    case Key::Temperature: return "temperature";
    case Key::Density: return "density";
    case Key::Viscosity: return "viscosity";
    case Key::StationOut: return "station_out";
  }
  return "";
}

/// Column / JSON names of the five sweepable conditions (the single-point --json keys, plus station_out).
const char* column(Key k) {
  switch (k) {
    case Key::Dra: return "dra";
    case Key::Temperature: return "temperature_K";
    case Key::Density: return "density_15C_kg_m3";
    case Key::Viscosity: return "viscosity_m2_s";
    case Key::StationOut: return "station_out";
  }
  return "";
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t at = s.find(sep, pos);
    out.push_back(trim(s.substr(pos, at == std::string::npos ? std::string::npos : at - pos)));
    if (at == std::string::npos) return out;
    pos = at + 1;
  }
}

[[noreturn]] void bad_sweep(const std::string& spec, const std::string& detail, const std::string& expected) {
  throw InputError(SourceLoc{"<command line>", 0, 0}, "--sweep",
                   "found \"" + spec + "\"" + (detail.empty() ? "" : " (" + detail + ")") + ", expected " + expected);
}

inputs::Dim dim_of(Key k) {
  switch (k) {
    case Key::Dra: return inputs::Dim::Fraction;
    case Key::Temperature: return inputs::Dim::Temperature;
    case Key::Density: return inputs::Dim::Density;
    default: return inputs::Dim::KinViscosity;
  }
}

/// The allowed form of a numeric key, for messages.
std::string form(Key k) {
  const std::string range = " as LO:HI:STEP (HI included) or a comma list (items may be ranges)";
  switch (k) {
    case Key::Dra: return "dra=" + range.substr(4) + " of drag reductions in [0, 1) as plain fractions or %, e.g. dra=0%:45%:5% or dra=0,0.1,28.5%";
    case Key::Temperature: return "temperature=" + range.substr(4) + " of temperatures (" + inputs::units_for(inputs::Dim::Temperature) + ") of -40 to 150 degC, e.g. temperature=10degC:30degC:5degC";
    case Key::Density: return "density=" + range.substr(4) + " of densities at 15 degC (" + inputs::units_for(inputs::Dim::Density) + "), positive, e.g. density=800kg/m3:870kg/m3:10kg/m3";
    default: return "viscosity=" + range.substr(4) + " of kinematic viscosities at the flowing temperature (" + inputs::units_for(inputs::Dim::KinViscosity) + ") of 0.1 to 100,000 cSt, e.g. viscosity=3cSt:10cSt:1cSt";
  }
}

/// The leading number of `text` and the rest (the unit), or false when it does not start with a number.
bool split_number(const std::string& text, double* number, std::string* unit) {
  const char* begin = text.c_str();
  char* end = nullptr;
  *number = std::strtod(begin, &end);
  if (end == begin) return false;
  *unit = trim(std::string(end));
  return std::isfinite(*number);
}

/// One value of a numeric key as its single option reads it (--dra: plain fraction or %/ppm; the others a
/// quantity with a unit of the option's dimension), range-checked as the option is.
double parse_value(const Axis& a, const std::string& text) {
  double v = 0;
  std::string unit;
  if (!(a.key == Key::Dra && split_number(text, &v, &unit) && unit.empty())) {
    try {
      const inputs::Quantity q = inputs::parse_quantity(text);
      if (q.dim != dim_of(a.key))
        bad_sweep(a.spec, "value \"" + text + "\" is a " + inputs::dim_name(q.dim) + ", not a " + inputs::dim_name(dim_of(a.key)), form(a.key));
      v = q.value;
    } catch (const std::invalid_argument& e) {
      bad_sweep(a.spec, "value \"" + text + "\": " + e.what(), form(a.key));
    }
  }
  bool ok = std::isfinite(v);
  if (a.key == Key::Dra) ok = ok && v >= 0.0 && v < 1.0;
  if (a.key == Key::Temperature) ok = ok && v >= 233.15 - 1e-9 && v <= 423.15 + 1e-9;  // as --temperature
  if (a.key == Key::Density) ok = ok && v > 0;
  if (a.key == Key::Viscosity) ok = ok && v >= 1e-7 && v <= 0.1;
  if (!ok) bad_sweep(a.spec, "value \"" + text + "\" is out of range", form(a.key));
  return v;
}

/// A range step: a positive number with a unit of the key's dimension, converted as a difference (5 degC = 5 K;
/// 5 % = 0.05); a plain number only for dra.
double parse_step(const Axis& a, const std::string& text) {
  double n = 0;
  std::string unit;
  if (!split_number(text, &n, &unit)) bad_sweep(a.spec, "step \"" + text + "\" is not a number", form(a.key));
  if (!(n > 0)) bad_sweep(a.spec, "step \"" + text + "\" is not > 0", form(a.key) + ", with STEP > 0");
  if (unit.empty()) {
    if (a.key != Key::Dra) bad_sweep(a.spec, "step \"" + text + "\" has no unit", form(a.key));
    return n;
  }
  try {
    const inputs::Quantity q = inputs::parse_quantity(text);
    if (q.dim != dim_of(a.key))
      bad_sweep(a.spec, "step \"" + text + "\" is a " + inputs::dim_name(q.dim) + ", not a " + inputs::dim_name(dim_of(a.key)), form(a.key));
    return n * inputs::si_factor(unit);
  } catch (const std::invalid_argument& e) {
    bad_sweep(a.spec, "step \"" + text + "\": " + e.what(), form(a.key));
  }
}

/// Rounded to 10 significant digits, the precision of --json and --csv: every row can be reproduced exactly
/// by the single-point command with the values it prints (0.15000000000000002 from 3 x 5 % becomes 0.15).
double tidy(double v) { return std::strtod(fmt("%.10g", v).c_str(), nullptr); }

std::string label(Key k, double v) {
  switch (k) {
    case Key::Dra: return fmt("%.6g", v * 100) + " %";
    case Key::Temperature: return fmt("%.6g", v - 273.15) + " degC";
    case Key::Density: return fmt("%.6g", v) + " kg/m3";
    default: return fmt("%.6g", v * 1e6) + " cSt";
  }
}

void add_value(Axis& a, double v) {
  if (a.size() >= kMaxPoints)
    bad_sweep(a.spec, "more than 10,000 values", "at most 10,000 points in the whole grid");
  a.values.push_back(tidy(v));
  a.labels.push_back(label(a.key, a.values.back()));
}

/// LO:HI:STEP: LO, LO + STEP, ... up to HI inclusive. The count is floor((HI - LO) / STEP) with a 1e-9
/// relative allowance, so that 0%:45%:5% gives exactly 10 points whatever the round-off of 0.45 / 0.05.
void add_range(Axis& a, const std::string& item) {
  const std::vector<std::string> part = split(item, ':');
  if (part.size() != 3) bad_sweep(a.spec, "range \"" + item + "\" does not have 3 parts", form(a.key));
  const double lo = parse_value(a, part[0]), hi = parse_value(a, part[1]), step = parse_step(a, part[2]);
  if (lo > hi) bad_sweep(a.spec, "range \"" + item + "\" has LO > HI", form(a.key) + ", with LO <= HI");
  const double r = (hi - lo) / step;
  if (!(r < static_cast<double>(kMaxPoints)))
    bad_sweep(a.spec, "range \"" + item + "\" has " + fmt("%.0f", std::floor(r) + 1) + " points",
              "at most 10,000 points in the whole grid (a larger STEP)");
  const auto n = static_cast<std::size_t>(std::floor(r + 1e-9 * std::max(1.0, r)));
  for (std::size_t i = 0; i <= n; ++i) add_value(a, i == n && std::fabs(lo + i * step - hi) <= 1e-9 * step ? hi : lo + i * step);
}

/// station_out values: `none`, one station id, or ids joined by `+`.
void add_station_set(Axis& a, const std::string& item, const pl::Pipeline& p) {
  std::string ids;
  for (const auto& st : p.stations) ids += (ids.empty() ? "" : ", ") + st.id;
  const std::string expected = "station_out=a comma list of none, a station id or ids joined by + (e.g. station_out=none,PT1,PT1+PT3), "
                               "each id a station of pipeline '" + p.id + "': " + ids;
  std::vector<bool> out(p.stations.size(), false);
  if (item != "none") {
    for (const std::string& id : split(item, '+')) {
      const int i = p.station_index(id);
      if (i < 0) bad_sweep(a.spec, "station '" + id + "' is not a station of pipeline '" + p.id + "'", expected);
      if (out[i]) bad_sweep(a.spec, "station '" + id + "' twice in \"" + item + "\"", expected);
      out[i] = true;
    }
  }
  a.outs.push_back(out);
  a.labels.push_back(item);
}

Key parse_key(const std::string& spec, const std::string& name) {
  const std::string expected = "KEY=VALUES with KEY one of: " + std::string(kKeyList);
  if (name == "dra") return Key::Dra;
  if (name == "temperature") return Key::Temperature;
  if (name == "density") return Key::Density;
  if (name == "viscosity") return Key::Viscosity;
  if (name == "station_out") return Key::StationOut;
  bad_sweep(spec, name.empty() ? "no key" : "unknown key '" + name + "'", expected);
}

Axis parse_axis(const std::string& spec, const pl::Pipeline& p, const std::vector<std::string>& fixed) {
  const std::size_t eq = spec.find('=');
  if (eq == std::string::npos) bad_sweep(spec, "no '='", "KEY=VALUES with KEY one of: " + std::string(kKeyList));
  Axis a;
  a.spec = spec;
  const std::string name = trim(spec.substr(0, eq));
  a.key = parse_key(spec, name);
  if (std::find(fixed.begin(), fixed.end(), name) != fixed.end()) {
    const std::string opt = name == "station_out" ? "--station-out" : "--" + name;
    bad_sweep(spec, name + " is also given as " + opt, "a key either swept or given as " + opt + ", not both");
  }
  for (const std::string& item : split(spec.substr(eq + 1), ',')) {
    if (item.empty()) bad_sweep(spec, "an empty value", a.key == Key::StationOut ? "station_out=none,PT1,PT1+PT3 (station ids)" : form(a.key));
    if (a.key == Key::StationOut)
      add_station_set(a, item, p);
    else if (item.find(':') != std::string::npos)
      add_range(a, item);
    else
      add_value(a, parse_value(a, item));
  }
  return a;
}

std::vector<Axis> parse_axes(const std::vector<std::string>& specs, const pl::Pipeline& p, const std::vector<std::string>& fixed) {
  std::vector<Axis> axes;
  std::string all;
  double points = 1;
  for (const std::string& spec : specs) {
    axes.push_back(parse_axis(spec, p, fixed));
    for (std::size_t i = 0; i + 1 < axes.size(); ++i)
      if (axes[i].key == axes.back().key)
        bad_sweep(spec, "a second sweep of " + std::string(key_name(axes.back().key)) + " (first: \"" + axes[i].spec + "\")",
                  "each key swept once (list all its values in one --sweep)");
    all += (all.empty() ? "" : " --sweep ") + spec;
    points *= static_cast<double>(axes.back().size());
  }
  if (points > static_cast<double>(kMaxPoints))
    bad_sweep(all, "a grid of " + fmt("%.0f", points) + " points",
              "at most 10,000 points (the product of the sweeps' sizes; fewer values or larger steps)");
  return axes;
}

/// One grid point, solved.
struct Row {
  std::vector<std::size_t> index;  ///< per axis
  double temperature_k = 0;
  pl::Conditions c;
  std::string fluid;
  std::string station_out;  ///< "none", "PT1", "PT1+PT3"
  bool ok = false;
  pl::CapacityResult r;
  std::string error;  ///< why the solve failed
};

std::string out_label(const pl::Pipeline& p, const pl::Conditions& c) {
  std::string s;
  for (std::size_t i = 0; i < p.stations.size(); ++i)
    if (c.is_out(i)) s += (s.empty() ? "" : "+") + p.stations[i].id;
  return s.empty() ? "none" : s;
}

/// What every point shares, resolved by cli/capacity_cmd.cpp.
struct Base {
  const pl::Pipeline& p;
  const hy::Fluid& fluid;
  double temperature_k;
  const pl::Conditions& c;
  const std::string& fluid_text;
  bool viscosity_fixed;
};

/// The conditions of one point, built as the single-point command builds them (cli/capacity_cmd.cpp,
/// conditions): the fluid (rho15 from the density) at the temperature, then viscosity, DRA, stations out.
Row point(const Base& b, const std::vector<Axis>& axes, const std::vector<std::size_t>& index) {
  Row row;
  row.index = index;
  hy::Fluid f = b.fluid;
  row.temperature_k = b.temperature_k;
  std::string fluid = b.fluid_text;
  for (std::size_t k = 0; k < axes.size(); ++k) {
    if (axes[k].key == Key::Density) f.rho15 = axes[k].values[index[k]], fluid += "; density at 15 degC from --sweep";
    if (axes[k].key == Key::Temperature) row.temperature_k = axes[k].values[index[k]];
  }
  auto at = [&] {
    std::string s;
    for (std::size_t k = 0; k < axes.size(); ++k) s += (s.empty() ? "" : ", ") + std::string(key_name(axes[k].key)) + " " + axes[k].labels[index[k]];
    return s;
  };
  try {
    row.c = pl::conditions_for(f, row.temperature_k);
  } catch (const model::PreconditionError& e) {
    bad_sweep(at(), std::string("fluid properties: ") + e.what(), "a fluid the density and viscosity correlations accept");
  }
  row.c.nu = b.viscosity_fixed ? b.c.nu : row.c.nu;
  row.c.dra = b.c.dra;
  row.c.out = b.c.out;
  for (std::size_t k = 0; k < axes.size(); ++k) {
    if (axes[k].key == Key::Viscosity) row.c.nu = axes[k].values[index[k]], fluid += "; viscosity at the flowing temperature from --sweep";
    if (axes[k].key == Key::Dra) row.c.dra = axes[k].values[index[k]];
    if (axes[k].key == Key::StationOut) row.c.out = axes[k].outs[index[k]];
  }
  // A fixed or swept viscosity is range-checked; one from the fluid's two points (ASTM D341) can extrapolate to
  // no usable viscosity at a swept temperature far from them: an input error before any solve, not a failed row.
  if (!(std::isfinite(row.c.nu) && row.c.nu > 0))
    bad_sweep(at(), "fluid properties: a viscosity of " + fmt("%g", row.c.nu * 1e6) + " cSt at " +
                        fmt("%.6g", row.temperature_k - 273.15) + " degC from the fluid's two (temperature, viscosity) points",
              "a finite positive viscosity (ASTM D341 needs each point above 0.3 cSt and extrapolates badly far from them; "
              "points nearer the swept temperatures, or --viscosity / --sweep viscosity=...)");
  row.fluid = fluid;
  row.station_out = out_label(b.p, row.c);
  return row;
}

/// Every point (the first sweep outermost, the last varying fastest), its conditions built before any solve
/// (a bad point is an input error, exit 2, before any output), then solved; a failed solve is kept as a row.
std::vector<Row> solve_grid(const Base& b, const std::vector<Axis>& axes) {
  std::size_t n = 1;
  for (const auto& a : axes) n *= a.size();
  std::vector<Row> rows;
  rows.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::size_t> index(axes.size());
    std::size_t rest = i;
    for (std::size_t k = axes.size(); k-- > 0;) {
      index[k] = rest % axes[k].size();
      rest /= axes[k].size();
    }
    rows.push_back(point(b, axes, index));
  }
  const pl::PipelineModel model(b.p);
  for (Row& row : rows) {
    try {
      row.r = model.capacity(row.c);
      row.ok = true;
    } catch (const SolverError& e) {
      row.error = e.what();
    } catch (const model::PreconditionError& e) {  // the checks above leave none reachable; kept as a failed row
      row.error = e.what();
    }
  }
  return rows;
}

double mtpa(const Row& row) { return row.r.q * row.c.rho * pl::kYearS / 1e9; }

void print_table(const Base& b, const std::vector<Axis>& axes, const std::vector<Row>& rows) {
  std::cout << "pipeline " << b.p.id << " (" << b.p.name << "), " << fmt("%.1f", b.p.length() / 1000) << " km, "
            << b.p.stations.size() << " pump stations; file " << b.p.file << "\n";
  std::cout << "fluid: " << b.fluid_text << "\n";
  std::string grid, fixed;
  bool swept[5] = {false, false, false, false, false};
  for (const auto& a : axes) {
    grid += (grid.empty() ? "" : " x ") + std::string(key_name(a.key)) + " (" + std::to_string(a.size()) + ")";
    swept[static_cast<int>(a.key)] = true;
  }
  if (!swept[1]) fixed += "; temperature " + fmt("%.1f", b.temperature_k - 273.15) + " degC";
  if (!swept[2]) fixed += "; density " + fmt("%.2f", b.c.rho15) + " kg/m3 at 15 degC";
  if (!swept[3] && (!swept[1] || b.viscosity_fixed)) fixed += "; viscosity " + fmt("%.3f", b.c.nu * 1e6) + " cSt";
  if (!swept[0]) fixed += "; drag reduction " + fmt("%.1f", b.c.dra * 100) + " %";
  if (!swept[4]) fixed += "; stations out: " + out_label(b.p, b.c);
  std::cout << "sweep: " << grid << " = " << rows.size() << " points" << fixed << "\n\n";
  std::vector<int> width;
  for (const auto& a : axes) {
    int w = static_cast<int>(std::string(key_name(a.key)).size());
    for (const auto& l : a.labels) w = std::max(w, static_cast<int>(l.size()));
    width.push_back(w);
  }
  for (std::size_t k = 0; k < axes.size(); ++k) std::printf("%-*s  ", width[k], key_name(axes[k].key));
  std::printf("%13s %10s %7s  %s\n", "capacity m3/h", "b/d", "Mt/yr", "binding");
  for (const Row& row : rows) {
    for (std::size_t k = 0; k < axes.size(); ++k) std::printf("%-*s  ", width[k], axes[k].labels[row.index[k]].c_str());
    if (row.ok)
      std::printf("%13.1f %10.0f %7.2f  %s\n", row.r.q * 3600, pl::to_bpd(row.r.q), mtpa(row), capacity_binding_text(row.r.binding).c_str());
    else
      std::printf("%13s %10s %7s  failed: %s\n", "-", "-", "-", row.error.c_str());
  }
  std::fflush(stdout);
}

/// The swept value of a row as --json / --csv give it: SI number, or the station_out label.
std::string swept_value(const Row& row, Key k, bool quoted) {
  switch (k) {
    case Key::Dra: return capacity_num(row.c.dra);
    case Key::Temperature: return capacity_num(row.temperature_k);
    case Key::Density: return capacity_num(row.c.rho15);
    case Key::Viscosity: return capacity_num(row.c.nu);
    case Key::StationOut: return quoted ? capacity_json_str(row.station_out) : row.station_out;
  }
  return "";
}

void print_json(const Base& b, const std::vector<Axis>& axes, const std::vector<Row>& rows) {
  std::ostringstream js;
  js << "[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    js << (i ? ",\n" : "\n") << "{\"point\": " << i << ", \"sweep\": {";
    for (std::size_t k = 0; k < axes.size(); ++k)
      js << (k ? ", " : "") << "\"" << column(axes[k].key) << "\": " << swept_value(row, axes[k].key, true);
    js << "}, \"ok\": " << (row.ok ? "true" : "false") << ", \"error\": " << (row.ok ? "null" : capacity_json_str(row.error))
       << ", \"station_out\": " << capacity_json_str(row.station_out)
       << ", \"binding_text\": " << (row.ok ? capacity_json_str(capacity_binding_text(row.r.binding)) : "null") << ", "
       << capacity_json_fields(b.p, row.fluid, row.temperature_k, row.c, row.ok ? &row.r : nullptr) << "}";
  }
  js << "\n]\n";
  std::cout << js.str();
}

/// RFC 4180 field: quoted when it holds a comma, a quote or a line break (quotes doubled).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char ch : s) o += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return o + "\"";
}

/// CSV: the swept conditions first (in sweep order), then the other conditions, the capacity and the binding
/// constraint; the same names and numbers as --json (`binding_*` = its `binding` members, `binding` = `binding_text`).
void print_csv(const std::vector<Axis>& axes, const std::vector<Row>& rows) {
  std::vector<Key> keys;
  for (const auto& a : axes) keys.push_back(a.key);
  for (Key k : {Key::Dra, Key::Temperature, Key::Density, Key::Viscosity, Key::StationOut})
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  std::ostringstream out;
  for (Key k : keys) out << column(k) << ",";
  out << "density_kg_m3,capacity_m3s,capacity_m3h,capacity_bpd,capacity_mtpa,binding_kind,binding_location,"
         "binding_chainage_m,binding_margin_m,binding_upstream_station,binding_upstream_state,binding,ok,error\n";
  for (const Row& row : rows) {
    for (Key k : keys) out << csv_field(swept_value(row, k, false)) << ",";
    out << capacity_num(row.c.rho) << ",";
    if (row.ok) {
      const pl::Binding& bd = row.r.binding;
      out << capacity_num(row.r.q) << "," << capacity_num(row.r.q * 3600) << "," << capacity_num(pl::to_bpd(row.r.q)) << ","
          << capacity_num(mtpa(row)) << "," << pl::kind_name(bd.kind) << "," << csv_field(bd.location) << ","
          << capacity_num(bd.chainage_m) << "," << capacity_num(bd.margin_m) << "," << csv_field(bd.upstream_station) << ","
          << csv_field(bd.upstream_state) << "," << csv_field(capacity_binding_text(bd)) << ",true,\n";
    } else {
      out << ",,,,,,,,,,,false," << csv_field(row.error) << "\n";
    }
  }
  std::cout << out.str();
}

}  // namespace

int run_capacity_sweep(const std::vector<std::string>& specs, const std::vector<std::string>& fixed_keys,
                       const pl::Pipeline& p, const hy::Fluid& fluid, double temperature_k, const pl::Conditions& base,
                       const std::string& fluid_text, const std::string& format) {
  const std::vector<Axis> axes = parse_axes(specs, p, fixed_keys);
  const bool viscosity_fixed = std::find(fixed_keys.begin(), fixed_keys.end(), "viscosity") != fixed_keys.end();
  const Base b{p, fluid, temperature_k, base, fluid_text, viscosity_fixed};
  for (const auto& a : axes)
    if (a.key == Key::Dra) capacity_check_dra(*std::max_element(a.values.begin(), a.values.end()), "--sweep dra up to");
  const std::vector<Row> rows = solve_grid(b, axes);
  if (format == "json")
    print_json(b, axes, rows);
  else if (format == "csv")
    print_csv(axes, rows);
  else
    print_table(b, axes, rows);
  std::cout.flush();
  const auto failed = static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const Row& r) { return !r.ok; }));
  if (failed == rows.size()) {
    std::cerr << "caspflow: solver failure: every point of the sweep failed (" << rows.size() << "); first: " << rows.front().error << "\n";
    return 3;
  }
  if (failed > 0) std::cerr << "caspflow: warning: " << failed << " of " << rows.size() << " sweep points failed (their rows give the reason)\n";
  return 0;
}

}  // namespace caspflow::cli
