// `caspflow capacity` and `caspflow calibrate`: hydraulic capacity of a pipeline leg
// (model/pipeline/pipeline_model.hpp) and the fit of one unknown to a published capacity.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/inputs/units.hpp"
#include "caspflow/model/hydraulics/fluid.hpp"
#include "caspflow/model/pipeline/calibrate.hpp"
#include "caspflow/inputs/pipeline_loader.hpp"
#include "caspflow/model/pipeline/pipeline_model.hpp"
#include "caspflow/inputs/input_file.hpp"
#include "caspflow/outputs/json.hpp"
#include "caspflow/outputs/output_file.hpp"

namespace caspflow::cli {

/// `caspflow capacity --sweep` (cli/capacity_sweep.cpp, which declares the helpers it takes from this file, below
/// the anonymous namespace; the CLI has no private header). `specs`: the --sweep texts; `fixed_keys`: sweep keys
/// also given as a single option; `fluid`, `temperature_k`, `base`: the point the single options describe;
/// `format`: "table", "json" or "csv". Returns the exit code (0, or 3 when every point failed).
int run_capacity_sweep(const std::vector<std::string>& specs, const std::vector<std::string>& fixed_keys,
                       const model::pipeline::Pipeline& p, const model::hydraulics::Fluid& fluid, double temperature_k,
                       const model::pipeline::Conditions& base, const std::string& fluid_text, const std::string& format);

namespace {

namespace pl = caspflow::model::pipeline;
namespace hy = caspflow::model::hydraulics;

struct CommonOptions {
  std::string file;
  std::string pipeline_id;
  std::string dra;  ///< empty = the scenario leg's DRA at the scenario start (0 for a bare pipeline file)
  std::string blend;      ///< "grade=fraction,..." volume fractions at 15 degC
  bool blend_given = false;  ///< --blend on the command line (an empty value is malformed, not absent)
  std::string viscosity;  ///< at the flowing temperature; wins over the grade / blend
  std::string density;    ///< at 15 degC; wins over the grade / blend, corrected to the flowing temperature
  std::string temperature;
  std::vector<std::string> stations_out;
  ScenarioOverrides ov;
};

struct CapacityOptions : CommonOptions {
  std::string profile_csv;
  bool json = false;
  bool csv = false;                 ///< --csv (with --sweep only)
  std::vector<std::string> sweeps;  ///< --sweep KEY=VALUES, in the order given (cli/capacity_sweep.cpp)
};

struct CalibrateOptions : CommonOptions {
  std::string parameter;
  std::string target;
};

/// Plausible ranges of requested (--dra) and fitted (calibrate) values, each with its source. A value
/// outside its range is reported on stderr as `caspflow: warning: ...` and the command goes on (exit 0).
/// This is the one place these ranges live; docs/hydraulics-pipeline.md §4 lists them.
namespace plausible {
/// Drag reduction: the largest DR among the published field figures is TAPS's 50 % (the others are
/// Mostorod-Tanta 35.4 % DR, SUMED 9-32 % flow, Trans Mountain ~10 % flow).
constexpr double kDraMax = 0.50;
constexpr const char* kDraSource =
    "the field range of route-data §10 (row 'TAPS (48 in, 800 mi)': 50 % drag reduction, the largest published)";
/// Pipe steel for the MAOP limit (the pipeline file has no steel grade): API 5L X65, SMYS 448 MPa
/// (65,000 psi, API 5L). route-data §1 row 'Steel grade (Turkish 34/42-in pipe)' gives X65 for Turkey; the
/// Azerbaijan and Georgia grades were not found, so X65 is assumed there.
constexpr double kSmysPa = 448e6;
constexpr const char* kSteel =
    "API 5L X65, SMYS 448 MPa (route-data §1 row 'Steel grade (Turkish 34/42-in pipe)'; assumed outside Turkey)";
/// ASME B31.4 §403.2.1: allowable hoop stress S = F E SMYS with design factor F <= 0.72 (weld joint
/// factor E = 1 for API 5L pipe). The MAOP limit of a section is Barlow's P = 2 F SMYS t / D (D outside).
constexpr double kDesignFactor = 0.72;
/// Station head factor: head goes with speed squared (affinity laws, Karassik, Pump Handbook), so +-10 %
/// of speed or impeller diameter about the assumed pumps is 0.81-1.21 in head. Further from 1 the fit is
/// standing in for other pumps (more units, other staging) or for an error elsewhere (MAOP, profile).
constexpr double kHeadScaleMin = 0.81, kHeadScaleMax = 1.21;
constexpr const char* kHeadScaleSource =
    "assumed: +-10 % pump speed or impeller diameter about the assumed pump curves, head ~ speed^2 (affinity laws)";
}  // namespace plausible

void warn(const std::string& message) { std::cerr << "caspflow: warning: " << message << "\n"; }

/// What to solve: the pipeline, the fluid and a description of where they came from.
struct Subject {
  pl::Pipeline pipeline;
  hy::Fluid fluid;
  std::string fluid_label;
  /// The input key the fluid's viscosity points come from (`grades.ID.viscosity`, `--blend`), empty for the
  /// documented default crude of a bare pipeline file.
  std::string fluid_key;
  double scenario_dra = 0.0;  ///< the leg's `dra` at the scenario start (0 without a scenario)
  std::vector<std::string> inputs;  ///< every file read (an output must not be one of them)
};

[[noreturn]] void bad_option(const std::string& option, const std::string& message) {
  throw InputError(SourceLoc{"<command line>", 0, 0}, option, message);
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

double option_quantity(const std::string& option, const std::string& text, inputs::Dim dim) {
  try {
    const inputs::Quantity q = inputs::parse_quantity(text);
    if (q.dim != dim)
      bad_option(option, "found \"" + text + "\" (a " + inputs::dim_name(q.dim) + "), expected a " + inputs::dim_name(dim) +
                             " (" + inputs::units_for(dim) + ")");
    return q.value;
  } catch (const std::invalid_argument& e) {
    bad_option(option, std::string(e.what()) + "; expected a " + inputs::dim_name(dim) + " (" + inputs::units_for(dim) + ")");
  }
}

double option_fraction(const std::string& option, const std::string& text) {
  // A plain number in [0, 1] or a value with % / ppm.
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size()) v = option_quantity(option, text, inputs::Dim::Fraction);
  if (!(v >= 0.0 && v < 1.0)) bad_option(option, "found \"" + text + "\", expected a drag reduction in [0, 1) or 0-99 %");
  return v;
}

std::string pct(double x) { return fmt("%.6g", x * 100) + " %"; }

/// `--blend grade=fraction,...`: volume fractions at 15 degC (plain numbers or "%"), each >= 0, summing to
/// 1 within 1e-6, of grades of the scenario. Returns (grade index, fraction) in the order given.
std::vector<std::pair<std::size_t, double>> parse_blend(const std::string& text, const model::Scenario& sc) {
  std::string ids;
  for (const auto& g : sc.grades) ids += (ids.empty() ? "" : ", ") + g.id;
  const std::string expected = "expected grade=fraction pairs separated by commas, e.g. \"" +
                               (sc.grades.empty() ? std::string("a=0.7,b=0.3") : sc.grades.front().id + "=0.7,...") +
                               "\" (volume fractions at 15 degC, plain numbers or %, each >= 0, summing to 1)";
  std::vector<std::pair<std::size_t, double>> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    pos = comma + 1;
    const std::size_t eq = item.find('=');
    if (item.empty() || eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      bad_option("--blend", "found \"" + text + "\" (item \"" + item + "\"), " + expected);
    const std::string id = item.substr(0, eq), value = item.substr(eq + 1);
    std::size_t gi = sc.grades.size();
    for (std::size_t i = 0; i < sc.grades.size(); ++i)
      if (sc.grades[i].id == id) gi = i;
    if (gi == sc.grades.size())
      bad_option("--blend", "found grade '" + id + "' in \"" + text + "\", expected a grade of the scenario: " + ids);
    for (const auto& e : out)
      if (e.first == gi) bad_option("--blend", "found grade '" + id + "' twice in \"" + text + "\", expected each grade once");
    double x = 0;
    std::size_t used = 0;
    try {
      x = std::stod(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size()) {
      try {
        const inputs::Quantity q = inputs::parse_quantity(value);
        if (q.dim != inputs::Dim::Fraction) throw std::invalid_argument("not a fraction");
        x = q.value;
      } catch (const std::invalid_argument&) {
        bad_option("--blend", "found \"" + value + "\" for grade '" + id + "', expected a volume fraction (a plain number or %)");
      }
    }
    if (!std::isfinite(x) || x < 0)
      bad_option("--blend", "found \"" + value + "\" for grade '" + id + "', expected a volume fraction >= 0");
    out.emplace_back(gi, x);
  }
  double sum = 0;
  for (const auto& e : out) sum += e.second;
  if (!(std::fabs(sum - 1.0) <= 1e-6))
    bad_option("--blend", "found fractions summing to " + fmt("%.9g", sum) + " in \"" + text + "\", expected a sum of 1 (100 %) within 1e-6");
  return out;
}

Subject resolve(const CommonOptions& o) {
  // A regular file below the input size limit only: a FIFO or /dev/zero is refused without blocking (exit 2).
  const std::string text = inputs::read_input_file_or_throw(o.file, "file");
  Subject s;
  s.inputs.push_back(o.file);
  if (inputs::is_pipeline_description(text, o.file)) {
    s.pipeline = inputs::parse_pipeline(text, o.file);
    if (!o.pipeline_id.empty() && o.pipeline_id != s.pipeline.id)
      bad_option("--pipeline", "found '" + o.pipeline_id + "', but " + o.file + " describes pipeline '" + s.pipeline.id + "'");
    if (!o.ov.list().empty())
      bad_option(o.ov.set.empty() ? (o.ov.start.empty() ? "--end" : "--start") : "--set",
                 "found an override with a pipeline file (" + o.file + "), expected a scenario file (overrides use its key paths)");
    if (o.blend_given)
      bad_option("--blend", "found \"" + o.blend + "\" with a pipeline file (" + o.file +
                                "), which has no grades; expected a scenario file whose [grades] the blend names");
    // No scenario, so no grade: the base crude of BTC (route-data §6 Azeri BTC density 0.84 g/cm3;
    // viscosity not public, 6 cSt at 20 degC and 3.5 cSt at 40 degC assumed).
    s.fluid = hy::Fluid{840.0, 8.0e-4, 293.15, 6e-6, 313.15, 3.5e-6};
    s.fluid_label = "default crude (840 kg/m3 at 15 degC; 6 cSt at 20 degC, 3.5 cSt at 40 degC, assumed)";
  } else {
    const model::Scenario sc = inputs::load_scenario(o.file, o.ov.list());
    s.inputs.insert(s.inputs.end(), sc.input_files.begin(), sc.input_files.end());
    std::vector<const model::Leg*> legs;
    std::string ids;
    for (const auto& l : sc.legs) {
      if (l.kind != model::LegKind::Pipeline || l.hydraulic_model.empty()) continue;
      ids += (ids.empty() ? "" : ", ") + l.id;
      if (o.pipeline_id.empty() || l.id == o.pipeline_id) legs.push_back(&l);
    }
    if (legs.empty()) {
      if (ids.empty())
        throw InputError(SourceLoc{o.file, 0, 0}, "legs",
                         "no pipeline leg has a 'hydraulics' description; expected a [legs.ID] with kind = \"pipeline\" "
                         "and hydraulics = \"<file>\"");
      bad_option("--pipeline", "found '" + o.pipeline_id + "', expected one of the hydraulic pipeline legs: " + ids);
    }
    if (legs.size() > 1) bad_option("--pipeline", "missing; the scenario has several hydraulic pipeline legs: " + ids);
    const model::Leg& leg = *legs.front();
    // The blend is checked before the pipeline file is read: a bad --blend is an input error either way.
    const auto parts = o.blend_given ? parse_blend(o.blend, sc) : std::vector<std::pair<std::size_t, double>>{};
    s.pipeline = *leg.hydraulics;  // read and validated with the scenario (inputs/scenario_loader.cpp)
    if (!parts.empty()) {
      // The same rule and code as the run's linefill (model/allocation.cpp, hydraulic_conditions): grades
      // with a zero share left out, one grade as it is, several through model::hydraulics::blend (volume-additive
      // density, Refutas viscosity blending number mixed by mass fraction).
      std::vector<hy::Fluid> fl;
      std::vector<double> fr;
      double tot = 0;
      for (const auto& [gi, x] : parts) tot += x;
      std::string desc;
      for (const auto& [gi, x] : parts) {
        const model::Grade& g = sc.grades.at(gi);
        desc += (desc.empty() ? "" : " + ") + g.id + " " + pct(x);
        if (!(x > 0)) continue;
        if (!g.has_viscosity())
          bad_option("--blend", "found grade '" + g.id + "', which has no viscosity in the scenario; expected a grade with two "
                                "(temperature, viscosity) points (`caspflow run` refuses it in a hydraulic pipeline too)");
        fl.push_back(model::fluid_of(g));
        fr.push_back(x / tot);
      }
      try {
        s.fluid = fl.size() == 1 ? fl.front() : hy::blend(fl, fr);
      } catch (const model::PreconditionError& e) {
        bad_option("--blend", std::string("found \"") + o.blend + "\": " + e.what());
      }
      s.fluid_key = "--blend";
      s.fluid_label = "blend " + desc + " by volume at 15 degC (volume-additive density, Refutas viscosity by mass fraction)";
    } else {
      // The loader made sure a hydraulic leg has a linefill owner whose grade has a viscosity (the same rule
      // as `caspflow run`: inputs/scenario_loader.cpp, hydraulic_checks), so no viscosity is assumed here.
      const model::Shipper& sh = sc.shippers.at(static_cast<size_t>(leg.linefill_owner));
      const model::Grade& g = sc.grades.at(static_cast<size_t>(sh.grade));
      s.fluid = model::fluid_of(g);
      s.fluid_key = "grades." + g.id + ".viscosity";
      s.fluid_label = "grade " + g.id + " (linefill owner " + sh.id + " of leg " + leg.id + "; viscosity from the grade)";
    }
    if (!leg.dra.empty()) s.scenario_dra = leg.dra.at(sc.start);
  }
  return s;
}

/// The fluid actually used: the subject's, with --density (at 15 degC) replacing its reference density.
hy::Fluid used_fluid(const CommonOptions& o, const Subject& s) {
  hy::Fluid f = s.fluid;
  if (!o.density.empty()) {
    f.rho15 = option_quantity("--density", o.density, inputs::Dim::Density);
    if (!(f.rho15 > 0) || !std::isfinite(f.rho15))
      bad_option("--density", "found \"" + o.density + "\", expected a positive density at 15 degC");
  }
  return f;
}

pl::Conditions conditions(const CommonOptions& o, const Subject& s, double* temperature_k) {
  double T = s.pipeline.temperature_k;
  if (!o.temperature.empty()) T = option_quantity("--temperature", o.temperature, inputs::Dim::Temperature);
  // The same range as the pipeline file's `temperature` (docs/hydraulics-pipeline.md §5); 1e-9 K of round-off
  // allowed at the ends (-40 degC is 273.15 - 40 = 233.14999999999998 K).
  if (!o.temperature.empty() && !(T >= 233.15 - 1e-9 && T <= 423.15 + 1e-9))
    bad_option("--temperature", "found \"" + o.temperature + "\", expected a temperature of -40 to 150 degC (233.15 to 423.15 K, "
                                "where the ASTM D341 viscosity and API MPMS 11.1 density correlations hold)");
  *temperature_k = T;
  const hy::Fluid f = used_fluid(o, s);
  pl::Conditions c;
  try {
    // The run's conversion to the flowing temperature (model::pipeline::conditions_for, as Allocator uses it).
    c = pl::conditions_for(f, T);
  } catch (const model::PreconditionError& e) {
    throw InputError(SourceLoc{o.file, 0, 0}, s.fluid_key.empty() ? "grade" : s.fluid_key,
                     std::string("fluid properties: ") + e.what());
  }
  if (!o.viscosity.empty()) {
    c.nu = option_quantity("--viscosity", o.viscosity, inputs::Dim::KinViscosity);
  } else if (!(std::isfinite(c.nu) && c.nu > 0)) {
    // Two points the loader accepts (each within -40..150 degC and 0.1..100,000 cSt, viscosity falling) can
    // still extrapolate (ASTM D341, double logarithm) to no usable viscosity far from them: an input error,
    // not the model's precondition (model::PreconditionError "density and viscosity must be positive").
    throw InputError(SourceLoc{o.file, 0, 0}, s.fluid_key.empty() ? "--temperature" : s.fluid_key,
                     "found a viscosity of " + fmt("%g", c.nu * 1e6) + " cSt at " + fmt("%.6g", T - 273.15) + " degC (" +
                         (o.temperature.empty() ? "the pipeline file's temperature" : "--temperature") +
                         ") from the two (temperature, viscosity) points (ASTM D341), expected a finite positive "
                         "viscosity (ASTM D341 needs each point above 0.3 cSt and extrapolates badly far from them); give "
                         "points nearer the flowing temperature, or --viscosity");
  }
  if (!(c.rho > 0))
    bad_option("--density", "found " + fmt("%g", c.rho) + " kg/m3 at the flowing temperature, expected a positive density");
  if (!o.viscosity.empty() && !(c.nu >= 1e-7 && c.nu <= 0.1))
    bad_option("--viscosity", "found \"" + o.viscosity + "\", expected a kinematic viscosity of 0.1 to 100,000 cSt");
  c.dra = o.dra.empty() ? s.scenario_dra : option_fraction("--dra", o.dra);
  c.out.assign(s.pipeline.stations.size(), false);
  for (const auto& id : o.stations_out) {
    const int i = s.pipeline.station_index(id);
    if (i < 0) {
      std::string all;
      for (const auto& st : s.pipeline.stations) all += (all.empty() ? "" : ", ") + st.id;
      bad_option("--station-out", "found '" + id + "', expected a station of pipeline '" + s.pipeline.id + "': " + all);
    }
    c.out[i] = true;
  }
  return c;
}

/// Plausibility of the drag reduction used (requested with --dra, or the scenario leg's, or fitted).
void check_dra(double dra, const std::string& what) {
  if (dra > plausible::kDraMax)
    warn(what + " " + fmt("%.4g", dra * 100) + " % is beyond " + plausible::kDraSource + ", 0-" +
         fmt("%.0f", plausible::kDraMax * 100) + " %");
}

/// Plausibility of an MAOP applied to every section: Barlow's limit of each section with a known wall.
void check_maop(double maop_pa, const pl::Pipeline& p, const std::string& what) {
  int over = 0, known = 0;
  const pl::Section* worst = nullptr;
  double worst_limit = 0;
  for (const auto& sec : p.sections) {
    if (!(sec.wall_m > 0 && sec.outer_diameter_m > 0)) continue;
    ++known;
    // Implausible: a pressure at which the hoop stress passes SMYS (the pipe yields). The design limit of
    // ASME B31.4 (F = 0.72) is reported with it, as information: a fitted MAOP above it but below yield
    // says the assumed steel or wall may be wrong, not that the fit is.
    const double limit = 2.0 * plausible::kSmysPa * sec.wall_m / sec.outer_diameter_m;
    if (maop_pa > limit) ++over;
    if (!worst || limit < worst_limit) {
      worst = &sec;
      worst_limit = limit;
    }
  }
  if (over == 0) return;
  warn(what + " " + fmt("%.4f", maop_pa / 1e5) + " bar would take the hoop stress past the steel's yield in " +
       std::to_string(over) + " of " + std::to_string(known) + " sections with a known wall; lowest: section " + worst->id +
       " (" + fmt("%.1f", worst->outer_diameter_m * 1000) + " mm OD, " + fmt("%.1f", worst->wall_m * 1000) + " mm wall): " +
       fmt("%.1f", worst_limit / 1e5) + " bar = Barlow 2 S t / D with S = " + plausible::kSteel +
       "; the ASME B31.4 §403.2.1 design limit (F = 0.72) there is " + fmt("%.1f", worst_limit * plausible::kDesignFactor / 1e5) + " bar");
}

void check_head_scale(double v, const std::string& what) {
  if (v < plausible::kHeadScaleMin || v > plausible::kHeadScaleMax)
    warn(what + " " + fmt("%.4f", v) + " is outside the plausible " + fmt("%.2f", plausible::kHeadScaleMin) + "-" +
         fmt("%.2f", plausible::kHeadScaleMax) + " (" + plausible::kHeadScaleSource + ")");
}

std::string dra_what(const CommonOptions& o) { return o.dra.empty() ? "drag reduction (the scenario leg's `dra`)" : "--dra"; }

std::string json_str(const std::string& s) { return outputs::json_string(s); }

/// Capacity JSON numbers keep 10 significant digits (the sweep prints its grid values the same way, so a row
/// is reproduced by the values it shows; docs/hydraulics-pipeline.md §3).
std::string num(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string binding_text(const pl::Binding& b) {
  std::string s = std::string(pl::kind_name(b.kind)) + " at " + b.location;
  if (b.location.rfind("km ", 0) != 0) s += " (km " + fmt("%.1f", b.chainage_m / 1000) + ")";
  if (!b.upstream_station.empty()) s += "; upstream station " + b.upstream_station + " " + b.upstream_state;
  return s;
}

void write_profile_csv(const std::string& path, const pl::ProfileResult& pr) {
  std::ostringstream out;
  out << "chainage_m,elevation_m,head_m,pressure_Pa,label\n";
  for (const auto& r : pr.rows) {
    std::string lab = r.label;
    for (char& ch : lab)
      if (ch == '"') ch = '\'';
    out << num(r.chainage_m) << ',' << num(r.elevation_m) << ',' << num(r.head_m) << ',' << num(r.pressure_pa) << ",\""
        << lab << "\"\n";
  }
  // Temporary (O_EXCL, random name) + rename, as the HDF5 outputs; the path was checked by check_output_path.
  // The directory must exist (a missing one is an I/O failure, exit 4).
  const std::string bytes = out.str();
  outputs::write_file_atomically(path, bytes.data(), bytes.size());
}

std::string stations_out_text(const pl::Pipeline& p, const pl::Conditions& c) {
  std::string s;
  for (std::size_t i = 0; i < p.stations.size(); ++i)
    if (c.is_out(i)) s += (s.empty() ? "" : ", ") + p.stations[i].id;
  return s.empty() ? "none" : s;
}

/// Where the fluid came from, with the overrides that replaced part of it.
std::string fluid_text(const CommonOptions& o, const Subject& s) {
  std::string t = s.fluid_label;
  if (!o.density.empty()) t += "; density at 15 degC from --density";
  if (!o.viscosity.empty()) t += "; viscosity at the flowing temperature from --viscosity";
  return t;
}

std::string fluid_line(const Subject& s, double T, const pl::Conditions& c) {
  return "  density " + fmt("%.2f", c.rho15) + " kg/m3 at 15 degC, " + fmt("%.2f", c.rho) + " kg/m3 at " +
         fmt("%.1f", T - 273.15) + " degC (used); viscosity " + fmt("%.3f", c.nu * 1e6) + " cSt; drag reduction " +
         fmt("%.1f", c.dra * 100) + " %; stations out: " + stations_out_text(s.pipeline, c);
}

/// The members of the `--json` object of one capacity solve, without the braces (SI units, plus m3/h, b/d and
/// Mt/yr). `r` null (a sweep point whose solve failed): the capacities and `binding` are null, `stations` empty.
std::string json_fields(const pl::Pipeline& p, const std::string& fluid, double T, const pl::Conditions& c,
                        const pl::CapacityResult* r) {
  const double q = r ? r->q : std::nan("");
  std::ostringstream js;
  js << "\"pipeline\": " << json_str(p.id) << ", \"capacity_m3s\": " << num(q) << ", \"capacity_m3h\": " << num(q * 3600)
     << ", \"capacity_bpd\": " << num(pl::to_bpd(q)) << ", \"capacity_mtpa\": " << num(q * c.rho * pl::kYearS / 1e9)
     << ", \"temperature_K\": " << num(T) << ", \"density_15C_kg_m3\": " << num(c.rho15) << ", \"density_kg_m3\": " << num(c.rho)
     << ", \"viscosity_m2_s\": " << num(c.nu) << ", \"fluid\": " << json_str(fluid) << ", \"dra\": " << num(c.dra)
     << ", \"binding\": ";
  if (!r) return js.str() + "null, \"stations\": []";
  js << "{\"kind\": " << json_str(pl::kind_name(r->binding.kind)) << ", \"location\": " << json_str(r->binding.location)
     << ", \"chainage_m\": " << num(r->binding.chainage_m) << ", \"margin_m\": " << num(r->binding.margin_m)
     << ", \"upstream_station\": " << json_str(r->binding.upstream_station)
     << ", \"upstream_state\": " << json_str(r->binding.upstream_state) << "}, \"stations\": [";
  bool first = true;
  for (const auto& st : r->profile.stations) {
    js << (first ? "" : ", ") << "{\"id\": " << json_str(st.id) << ", \"in_service\": " << (st.in_service ? "true" : "false")
       << ", \"chainage_m\": " << num(st.chainage_m) << ", \"suction_Pa\": " << num(st.suction_pa)
       << ", \"discharge_Pa\": " << num(st.discharge_pa) << ", \"units_running\": " << st.units_running << ", \"pump_head_m\": " << num(st.pump_head_m)
       << ", \"throttled_head_m\": " << num(st.throttled_head_m) << ", \"power_W\": " << num(st.power_w) << "}";
    first = false;
  }
  return js.str() + "]";
}

/// `capacity --sweep ...` (cli/capacity_sweep.cpp does the grid): the subject and the single options resolved once.
int run_sweep(const CapacityOptions& o) {
  if (!o.profile_csv.empty())
    bad_option("--sweep", "found --sweep with --profile \"" + o.profile_csv +
                              "\", expected one or the other (--profile writes the profile of a single point)");
  const Subject s = resolve(o);
  double T = 0;
  const pl::Conditions c = conditions(o, s, &T);
  std::vector<std::string> fixed;  // sweep keys also given as a single option
  if (!o.dra.empty()) fixed.push_back("dra");
  if (!o.temperature.empty()) fixed.push_back("temperature");
  if (!o.density.empty()) fixed.push_back("density");
  if (!o.viscosity.empty()) fixed.push_back("viscosity");
  if (!o.stations_out.empty()) fixed.push_back("station_out");
  const bool dra_swept = std::any_of(o.sweeps.begin(), o.sweeps.end(), [](const std::string& w) {
    std::string key = w.substr(0, w.find('='));
    key.erase(std::remove_if(key.begin(), key.end(), [](char ch) { return ch == ' ' || ch == '\t'; }), key.end());
    return key == "dra";
  });
  if (!dra_swept) check_dra(c.dra, dra_what(o));  // a swept DRA is checked by the sweep (its largest value)
  return run_capacity_sweep(o.sweeps, fixed, s.pipeline, used_fluid(o, s), T, c, fluid_text(o, s),
                            o.json ? "json" : (o.csv ? "csv" : "table"));
}

int run_capacity(const CapacityOptions& o) {
  if (!o.sweeps.empty()) return run_sweep(o);
  if (o.csv) bad_option("--csv", "found --csv without --sweep, expected --sweep KEY=VALUES (a single point prints a table or --json)");
  const Subject s = resolve(o);
  if (!o.profile_csv.empty()) outputs::check_output_path(o.profile_csv, s.inputs, "--profile");
  double T = 0;
  const pl::Conditions c = conditions(o, s, &T);
  check_dra(c.dra, dra_what(o));
  const pl::PipelineModel model(s.pipeline);
  const pl::CapacityResult r = model.capacity(c);
  if (!o.profile_csv.empty()) write_profile_csv(o.profile_csv, r.profile);
  const double bpd = pl::to_bpd(r.q);
  const double mtpa = r.q * c.rho * pl::kYearS / 1e9;
  if (o.json) {
    std::cout << "{" << json_fields(s.pipeline, fluid_text(o, s), T, c, &r) << "}\n";
    return 0;
  }
  std::cout << "pipeline " << s.pipeline.id << " (" << s.pipeline.name << "), " << fmt("%.1f", s.pipeline.length() / 1000)
            << " km, " << s.pipeline.stations.size() << " pump stations; file " << s.pipeline.file << "\n";
  std::cout << "fluid: " << fluid_text(o, s) << "\n" << fluid_line(s, T, c) << "\n";
  std::cout << "capacity: " << fmt("%.1f", r.q * 3600) << " m3/h = " << fmt("%.0f", bpd) << " b/d (" << fmt("%.4f", bpd / 1e6)
            << " Mb/d) = " << fmt("%.2f", mtpa) << " Mt/yr\n";
  std::cout << "binding: " << binding_text(r.binding) << "\n";
  std::cout << "outlet pressure " << fmt("%.2f", r.profile.outlet_pressure_pa / 1e5) << " bar\n\n";
  std::printf("%-8s %9s %12s %14s %6s %12s %12s %10s\n", "station", "km", "suction bar", "discharge bar", "units",
              "pump head m", "throttled m", "power MW");
  double total = 0;
  for (const auto& st : r.profile.stations) {
    if (!st.in_service) {
      std::printf("%-8s %9.1f %12s\n", st.id.c_str(), st.chainage_m / 1000, "out of service");
      continue;
    }
    std::printf("%-8s %9.1f %12.2f %14.2f %6d %12.1f %12.1f %10.2f\n", st.id.c_str(), st.chainage_m / 1000, st.suction_pa / 1e5,
                st.discharge_pa / 1e5, st.units_running, st.pump_head_m, st.throttled_head_m, st.power_w / 1e6);
    total += st.power_w;
  }
  std::printf("%-8s %9s %12s %14s %6s %12s %12s %10.2f\n", "total", "", "", "", "", "", "", total / 1e6);
  std::fflush(stdout);
  if (!o.profile_csv.empty()) std::cout << "profile written to " << o.profile_csv << "\n";
  return 0;
}

int run_calibrate(const CalibrateOptions& o, const std::string& command_line) {
  const Subject s = resolve(o);
  double T = 0;
  const pl::Conditions c = conditions(o, s, &T);
  const double target = option_quantity("--target", o.target, inputs::Dim::VolumeFlow);
  if (!(target > 0)) bad_option("--target", "expected a positive flow");
  const auto names = pl::calibration_parameters();
  if (std::find(names.begin(), names.end(), o.parameter) == names.end()) {
    std::string all;
    for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
    bad_option("--parameter", "found '" + o.parameter + "', expected one of: " + all);
  }
  if (o.parameter != "dra") check_dra(c.dra, dra_what(o));
  const pl::CalibrationResult r = pl::calibrate(s.pipeline, c, o.parameter, target);
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  std::cout << "pipeline " << s.pipeline.id << "; fluid: " << fluid_text(o, s) << "\n" << fluid_line(s, T, c) << "\n";
  std::cout << "target capacity " << fmt("%.6g", target) << " m3/s (" << fmt("%.0f", pl::to_bpd(target)) << " b/d)\n";
  std::string value_text;
  if (o.parameter == "maop")
    value_text = fmt("%.4f", r.value / 1e5) + " bar";
  else if (o.parameter == "dra")
    value_text = fmt("%.4f", r.value * 100) + " %";
  else
    value_text = fmt("%.6f", r.value);
  std::cout << o.parameter << " = " << value_text << " gives capacity " << fmt("%.6g", r.capacity) << " m3/s ("
            << fmt("%.0f", pl::to_bpd(r.capacity)) << " b/d); binding: " << binding_text(r.binding) << "\n";
  std::cout << "(" << r.capacity_calls << " capacity solves)\n";
  std::cout.flush();
  if (o.parameter == "maop") check_maop(r.value, s.pipeline, "fitted maop");
  if (o.parameter == "head_scale") check_head_scale(r.value, "fitted head_scale");
  if (o.parameter == "dra") check_dra(r.value, "fitted dra");
  if (o.parameter != "dra") {
    std::cout << "\nto commit it, set in " << s.pipeline.file << ":\n";
    if (o.parameter == "maop")
      std::cout << "maop = \"" << fmt("%.4f", r.value / 1e5) << " bar\"\n";
    else
      std::cout << "head_scale = " << fmt("%.6f", r.value) << "\n";
    std::cout << "calibration = '" << o.parameter << " fitted by `" << command_line << "` on " << date << "'\n";
  }
  return 0;
}

void add_common(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("SCENARIO", o.file,
                  "scenario file (uses the leg's hydraulics file and its linefill owner's grade) or a pipeline "
                  "hydraulics file (e.g. inputs/scenarios/btc-hydraulics.toml)")
      ->required();
  cmd->add_option("--pipeline", o.pipeline_id, "pipeline leg ID (needed when the scenario has several)");
  cmd->add_option("--dra", o.dra, "drag reduction of turbulent friction: \"25%\" or 0.25 (default: the scenario leg's `dra` at its start, 0 for a pipeline file)");
  cmd->add_option("--blend", o.blend,
                  "crude blend as volume fractions at 15 degC of the scenario's grades, e.g. \"azeri_btc=0.7,kz_tengiz=30%\" "
                  "(each >= 0, sum 1; density and viscosity blended as `caspflow run` blends a linefill; default: the "
                  "leg's linefill owner's grade)");
  cmd->add_option("--viscosity", o.viscosity,
                  "kinematic viscosity at the flowing temperature, e.g. \"6 cSt\" (wins over the grade or --blend)");
  cmd->add_option("--density", o.density,
                  "density at 15 degC, e.g. \"840 kg/m3\", corrected to the flowing temperature as the run corrects a grade "
                  "(rho15 / (1 + 8e-4/K (T - 15 degC))); wins over the grade or --blend");
  cmd->add_option("--temperature", o.temperature, "flowing temperature, e.g. \"15 degC\" (default: the pipeline file's)");
  cmd->add_option("--station-out", o.stations_out, "pump station out of service (bypassed); repeat for several");
  add_override_options(cmd, o.ov);
}

/// The capacity command's help with a `--sweep` example under the footer's example (cli/main.cpp owns the footers).
class SweepExampleFormatter : public CLI::Formatter {
 public:
  explicit SweepExampleFormatter(const CLI::Formatter& base) : CLI::Formatter(base) {}
  std::string make_footer(const CLI::App* app) const override {
    const std::string example =
        "  caspflow capacity inputs/scenarios/base.toml --sweep dra=0%:45%:5% --sweep station_out=none,PT1,PT3 --csv\n";
    const std::string footer = CLI::Formatter::make_footer(app);
    return footer.find("Example:") == std::string::npos ? footer + "\nExample:\n" + example : footer + example;
  }
};

}  // namespace

// For cli/capacity_sweep.cpp (declared again there): one sweep point is reported as the single-point command
// reports it.
std::string capacity_binding_text(const model::pipeline::Binding& b) { return binding_text(b); }
std::string capacity_json_fields(const model::pipeline::Pipeline& p, const std::string& fluid, double temperature_k,
                                 const model::pipeline::Conditions& c, const model::pipeline::CapacityResult* r) {
  return json_fields(p, fluid, temperature_k, c, r);
}
std::string capacity_json_str(const std::string& s) { return json_str(s); }
std::string capacity_num(double v) { return num(v); }
void capacity_check_dra(double dra, const std::string& what) { check_dra(dra, what); }

void add_capacity_commands(CLI::App& app, Action& action) {
  auto co = std::make_shared<CapacityOptions>();
  auto* cap = app.add_subcommand(
      "capacity",
      "Hydraulic capacity of a pipeline leg: the largest flow with every station discharge within MAOP, every\n"
      "suction above its minimum, no slack line (pressure above vapour pressure + margin, summit included)\n"
      "and the delivery pressure met. Prints the capacity in m3/h, b/d and Mt/yr, the binding constraint\n"
      "and where it is, and each station's pressures and power.");
  add_common(cap, *co);
  cap->add_option("--profile", co->profile_csv, "write the hydraulic profile at capacity to this CSV file");
  auto* json = cap->add_flag("--json", co->json, "print one JSON object (SI units) instead of the table; with --sweep, one JSON array");
  cap->add_option("--sweep", co->sweeps,
                  "capacity at every point of a grid: KEY=LO:HI:STEP (HI included) or KEY=V1,V2,... with KEY dra, "
                  "temperature, density, viscosity (values as their options take them, e.g. dra=0%:45%:5%) or station_out "
                  "(station ids, each taking one station out; none = all in; PT1+PT3 = both out); repeat for the Cartesian "
                  "grid, at most 10,000 points; prints one row per point (docs/hydraulics-pipeline.md §3)")
      ->allow_extra_args(false);
  cap->add_flag("--csv", co->csv, "with --sweep: print the rows as CSV with a header row")->excludes(json);
  // cli/main.cpp sets the footer (one example per command); the sweep example is added after it.
  const auto base_formatter = std::dynamic_pointer_cast<CLI::Formatter>(cap->get_formatter());
  cap->formatter(std::make_shared<SweepExampleFormatter>(base_formatter ? *base_formatter : CLI::Formatter()));
  cap->callback([co, cap, &action]() {
    co->blend_given = cap->count("--blend") > 0;
    action = [co]() { return run_capacity(*co); };
  });

  auto ko = std::make_shared<CalibrateOptions>();
  auto* cal = app.add_subcommand(
      "calibrate",
      "Fit one unknown of a pipeline description so that its capacity equals a published figure, e.g.\n"
      "  caspflow calibrate inputs/scenarios/btc-hydraulics.toml --parameter maop --target \"1.0 Mb/d\" --dra 0\n"
      "Parameters: maop (all sections), head_scale (all stations), dra (the drag reduction needed for the\n"
      "target). Prints the value and the lines to commit in the pipeline file.");
  add_common(cal, *ko);
  cal->add_option("--parameter", ko->parameter, "maop, head_scale or dra")->required();
  cal->add_option("--target", ko->target, "target capacity, e.g. \"1.0 Mb/d\"")->required();
  cal->callback([ko, cal, &action]() {
    ko->blend_given = cal->count("--blend") > 0;
    std::string cmdline = "caspflow calibrate " + ko->file + " --parameter " + ko->parameter + " --target \"" + ko->target +
                          "\" --dra " + ko->dra;
    if (!ko->pipeline_id.empty()) cmdline += " --pipeline " + ko->pipeline_id;
    if (!ko->viscosity.empty()) cmdline += " --viscosity \"" + ko->viscosity + "\"";
    if (ko->blend_given) cmdline += " --blend \"" + ko->blend + "\"";
    if (!ko->density.empty()) cmdline += " --density \"" + ko->density + "\"";
    if (!ko->temperature.empty()) cmdline += " --temperature \"" + ko->temperature + "\"";
    for (const auto& s : ko->stations_out) cmdline += " --station-out " + s;
    action = [ko, cmdline]() { return run_calibrate(*ko, cmdline); };
  });
}

}  // namespace caspflow::cli
