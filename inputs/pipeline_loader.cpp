#include "caspflow/inputs/pipeline_loader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include <toml++/toml.h>

#include "caspflow/inputs/toml_prescan.hpp"
#include "caspflow/inputs/input_file.hpp"
#include "caspflow/inputs/source_context.hpp"
#include "caspflow/inputs/suggest.hpp"
#include "caspflow/inputs/toml_reader.hpp"
#include "caspflow/inputs/toml_strings.hpp"
#include "caspflow/inputs/units.hpp"

namespace caspflow::inputs {

using model::pipeline::Pipeline;

namespace {

using inputs::Dim;
using namespace caspflow::model::pipeline;

/// The pipeline file's reader: the toolkit (inputs/toml_reader.hpp) plus the file's name and the
/// checks of docs/hydraulics-pipeline.md §5 (a quantity within a range named in words).
class Reader : public TomlReader {
 public:
  explicit Reader(std::string file) : TomlReader(std::move(file)) {}
  [[nodiscard]] const std::string& file() const { return default_file(); }

  /// A quantity of one dimension (plain numbers only for Dimensionless and Fraction), its SI value.
  std::optional<double> value(const toml::node& n, const std::string& key, Dim dim) {
    auto q = quantity(n, key, {dim});
    return q ? std::optional<double>(q->value) : std::nullopt;
  }
  std::optional<double> value(const toml::table& t, const std::string& path, const std::string& key, Dim dim,
                              bool required) {
    auto q = get_quantity(t, path, key, {dim}, required);
    return q ? std::optional<double>(q->value) : std::nullopt;
  }
  /// A value within [lo, hi] (the ranges of docs/hydraulics-pipeline.md §5), else a problem naming the range.
  std::optional<double> ranged(const toml::table& t, const std::string& path, const std::string& key, Dim dim,
                               double lo, double hi, const std::string& range) {
    auto v = value(t, path, key, dim, false);
    if (v && !check_range(*t.get(key), key_path(path, key), *v, Range{lo, hi}, range)) return std::nullopt;
    return v;
  }
};

const std::vector<std::string> kTopKeys{"id", "name", "source", "assumed", "calibration", "temperature",
                                        "inlet_pressure", "delivery_pressure", "vapour_pressure", "vapour_margin",
                                        "maop", "roughness", "head_scale", "sections", "profile", "stations",
                                        "reduction_stations"};
const std::vector<std::string> kSectionKeys{"id", "length", "end", "outside_diameter", "wall", "inside_diameter",
                                            "roughness", "maop", "source", "assumed"};
const std::vector<std::string> kProfileKeys{"points", "source", "assumed"};
const std::vector<std::string> kStationKeys{"id", "name", "chainage", "series", "parallel", "curve", "h0", "r", "n",
                                            "speed", "efficiency", "max_discharge", "min_suction", "source",
                                            "assumed"};
const std::vector<std::string> kPrsKeys{"id", "name", "chainage", "slack_from", "source", "assumed"};

// Accepted ranges (docs/hydraulics-pipeline.md §5, "Ranges"). Pressures are gauge.
// -40..150 degC: ASTM D341 and API MPMS 11.1 (crude) validity; 1e-9 K of leeway, as `capacity --temperature`
// has, so that "-40 degC" (233.14999999999998 K after the unit conversion) is inside.
constexpr double kMinT = 233.15 - 1e-9, kMaxT = 423.15 + 1e-9;
const std::string kTRange = "a temperature of -40 to 150 degC (233.15 to 423.15 K, where the ASTM D341 viscosity and "
                            "API MPMS 11.1 density correlations hold)";
constexpr double kMinP = -101325.0, kMaxP = 1e8;  // gauge: absolute zero .. 1000 bar
const std::string kPRange = "a gauge pressure of -1.01325 to 1000 bar";
constexpr double kMaxLength = 1e7;               // 10,000 km
constexpr double kMaxDiameter = 5.0;             // m
constexpr double kMaxRoughness = 0.01;           // 10 mm
constexpr double kMinElevation = -1000.0, kMaxElevation = 9000.0;

std::string item_path(const std::string& array, std::size_t i, const toml::table& t) {
  if (auto id = t.get_as<std::string>("id")) return array + "[" + id->get() + "]";
  return array + "[" + std::to_string(i) + "]";
}

/// An array of [x, y] or [x, y, label] pairs with dimensions dx, dy.
struct Pair {
  double x = 0, y = 0;
  std::string label;
  const toml::node* node = nullptr;
};
std::optional<std::vector<Pair>> pairs(Reader& r, const toml::node& n, const std::string& key, Dim dx, Dim dy,
                                       bool allow_label) {
  const toml::array* a = n.as_array();
  const std::string shape = allow_label ? "[x, y] or [x, y, \"label\"]" : "[x, y]";
  if (!a) {
    r.problem(n, key, "found " + describe(n) + ", expected an array of " + shape + " points");
    return std::nullopt;
  }
  std::vector<Pair> out;
  bool ok = true;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::node& e = *a->get(i);
    const std::string k = key + "[" + std::to_string(i) + "]";
    const toml::array* pa = e.as_array();
    if (!pa || pa->size() < 2 || pa->size() > (allow_label ? 3u : 2u)) {
      r.problem(e, k, "found " + describe(e) + ", expected " + shape);
      ok = false;
      continue;
    }
    auto x = r.value(*pa->get(0), k, dx);
    auto y = r.value(*pa->get(1), k, dy);
    Pair p;
    p.node = &e;
    if (pa->size() == 3) {
      if (!pa->get(2)->is_string()) {
        r.problem(*pa->get(2), k, "found " + describe(*pa->get(2)) + ", expected a label string");
        ok = false;
      } else {
        p.label = pa->get(2)->as_string()->get();
      }
    }
    if (!x || !y) {
      ok = false;
      continue;
    }
    p.x = *x;
    p.y = *y;
    out.push_back(std::move(p));
  }
  if (!ok) return std::nullopt;
  return out;
}

std::string fmt_km(double x) {
  std::ostringstream os;
  os << x / 1000.0 << " km";
  return os.str();
}

/// Line-wide values given at the top level that sections inherit unless they give their own.
struct Defaults {
  std::optional<double> maop;
  double roughness = 4.5e-5;
};

/// Top-level keys: id, name, conditions (temperature, pressures), head scale; returns the section defaults.
Defaults read_top(const toml::table& root, Reader& r, Pipeline& p) {
  p.file = r.file();
  r.check_keys(root, "", kTopKeys, "a pipeline file");
  p.id = r.get_string(root, "", "id", true).value_or("");
  p.name = r.get_string(root, "", "name", false).value_or(p.id);
  (void)r.get_string(root, "", "calibration", false);
  (void)r.provenance(root, "", p.assumptions);
  if (auto v = r.ranged(root, "", "temperature", Dim::Temperature, kMinT, kMaxT, kTRange)) p.temperature_k = *v;
  if (auto v = r.ranged(root, "", "inlet_pressure", Dim::Pressure, kMinP, kMaxP, kPRange)) p.inlet_pressure_pa = *v;
  if (auto v = r.ranged(root, "", "delivery_pressure", Dim::Pressure, kMinP, kMaxP, kPRange)) p.delivery_pressure_pa = *v;
  if (auto v = r.ranged(root, "", "vapour_pressure", Dim::Pressure, kMinP, kMaxP, kPRange)) p.vapour_pressure_pa = *v;
  if (auto v = r.ranged(root, "", "vapour_margin", Dim::Pressure, 0.0, 1e7, "a pressure of 0 to 100 bar")) p.vapour_margin_pa = *v;
  Defaults d;
  d.maop = r.ranged(root, "", "maop", Dim::Pressure, 1.0, kMaxP, "a pressure above 0 and at most 1000 bar");
  d.roughness = r.ranged(root, "", "roughness", Dim::Length, 0.0, kMaxRoughness, "a roughness of 0 to 10 mm").value_or(4.5e-5);
  if (const toml::node* hs = root.get("head_scale")) {
    if (auto v = r.value(*hs, "head_scale", Dim::Dimensionless))
      if (r.check_range(*hs, "head_scale", *v, Range{0.0, 10.0, false, false}, "a number in (0, 10)")) p.head_scale = *v;
  }

  return d;
}

/// [[sections]]: consecutive pipe sections (length or end chainage, diameters, roughness, MAOP).
void read_sections(const toml::table& root, Reader& r, Pipeline& p, const Defaults& d) {
  const std::optional<double>& maop = d.maop;
  const double roughness = d.roughness;
  const toml::array* secs = root.get_as<toml::array>("sections");
  if (!root.get("sections")) {
    r.problem(root, "sections", "missing section, expected at least one [[sections]] table");
  } else if (!secs || secs->empty()) {
    r.problem(*root.get("sections"), "sections", "found " + describe(*root.get("sections")) + ", expected at least one [[sections]] table");
  } else {
    double x = 0.0;
    for (std::size_t i = 0; i < secs->size(); ++i) {
      const toml::table* t = secs->get(i)->as_table();
      if (!t) {
        r.problem(*secs->get(i), "sections[" + std::to_string(i) + "]", "found " + describe(*secs->get(i)) + ", expected a [[sections]] table");
        continue;
      }
      const std::string path = item_path("sections", i, *t);
      r.check_keys(*t, path, kSectionKeys, "a [[sections]] table");
      (void)r.provenance(*t, path, p.assumptions);
      Section s;
      s.loc = r.loc(*t);
      s.id = r.get_string(*t, path, "id", false).value_or("section" + std::to_string(i + 1));
      s.start_m = x;
      auto len = r.ranged(*t, path, "length", Dim::Length, -HUGE_VAL, kMaxLength, "a length of at most 10000 km");
      auto end = r.ranged(*t, path, "end", Dim::Length, -HUGE_VAL, kMaxLength, "a chainage of at most 10000 km");
      if (len && end) {
        r.problem(*t, path, "found both `length` and `end`, expected exactly one of them");
      } else if (len) {
        (void)r.check_range(*t->get("length"), path + ".length", *len, Range{0.0, HUGE_VAL, false, true}, "a positive length");
        s.end_m = x + *len;
      } else if (end) {
        (void)r.check_range(*t->get("end"), path + ".end", *end, Range{x, HUGE_VAL, false, true},
                            "a chainage beyond the previous section's end (" + fmt_km(x) + ")");
        s.end_m = *end;
      } else if (!t->get("length") && !t->get("end")) {
        r.missing(*t, path, "length", "a length (or `end`, the chainage where the section ends)");
      }
      auto od = r.ranged(*t, path, "outside_diameter", Dim::Length, 1e-3, kMaxDiameter, "a diameter of 1 mm to 5 m");
      auto wall = r.value(*t, path, "wall", Dim::Length, false);
      auto id = r.ranged(*t, path, "inside_diameter", Dim::Length, 1e-3, kMaxDiameter, "a diameter of 1 mm to 5 m");
      if (id && (od || wall)) {
        r.problem(*t, path, "found both `inside_diameter` and `outside_diameter`/`wall`, expected one of them");
      } else if (id) {
        (void)r.check_range(*t->get("inside_diameter"), path + ".inside_diameter", *id, Range{0.0, HUGE_VAL, false, true},
                            "a positive length");
        s.inner_diameter_m = *id;
      } else if (od && wall) {
        s.outer_diameter_m = *od;
        s.wall_m = *wall;
        s.inner_diameter_m = *od - 2.0 * *wall;
        if (*wall <= 0.0 || s.inner_diameter_m <= 0.0)
          r.problem(*t->get("wall"), path + ".wall",
                    "found " + raw(*t->get("wall")) + ", expected a positive wall thinner than half the outside diameter");
      } else if (!t->get("inside_diameter") && !(t->get("outside_diameter") && t->get("wall"))) {
        r.problem(*t, path, "missing diameter, expected `inside_diameter`, or `outside_diameter` and `wall`");
      }
      s.roughness_m = r.ranged(*t, path, "roughness", Dim::Length, 0.0, kMaxRoughness, "a roughness of 0 to 10 mm").value_or(roughness);
      auto sm = r.ranged(*t, path, "maop", Dim::Pressure, 1.0, kMaxP, "a pressure above 0 and at most 1000 bar");
      if (sm)
        s.maop_pa = *sm;
      else if (maop)
        s.maop_pa = *maop;
      else if (!t->get("maop"))
        r.missing(*t, path, "maop", "a pressure here or at the top level");
      if ((sm || maop) && s.maop_pa <= 0.0)
        r.problem(*t, path + ".maop", "found " + fmt_num(s.maop_pa) + " Pa, expected a positive pressure");
      x = s.end_m;
      p.sections.push_back(std::move(s));
    }
  }
}

/// [profile]: the elevation profile, strictly increasing chainages covering the whole line of length L.
void read_profile(const toml::table& root, Reader& r, Pipeline& p, double L) {
  const toml::table* prof = root.get_as<toml::table>("profile");
  const std::string expect = "a [profile] table with points = [[\"0 km\", \"10 m\"], ...]";
  if (!root.get("profile")) {
    r.problem(root, "profile", "missing section, expected " + expect);
  } else if (!prof) {
    r.problem(*root.get("profile"), "profile", "found " + describe(*root.get("profile")) + ", expected " + expect);
  } else {
    r.check_keys(*prof, "profile", kProfileKeys, "[profile]");
    (void)r.provenance(*prof, "profile", p.assumptions);
    const toml::node* pts = prof->get("points");
    if (!pts) {
      r.missing(*prof, "profile", "points", "an array of [chainage, elevation(, label)]");
    } else if (auto v = pairs(r, *pts, "profile.points", Dim::Length, Dim::Length, true)) {
      if (v->size() < 2) r.problem(*pts, "profile.points", "found " + describe(*pts) + ", expected at least two points");
      for (std::size_t i = 0; i < v->size(); ++i) {
        const Pair& q = (*v)[i];
        if (i > 0 && q.x <= (*v)[i - 1].x)
          r.problem(*q.node, "profile.points[" + std::to_string(i) + "]",
                    "found chainage " + fmt_km(q.x) + " after the previous point's " + fmt_km((*v)[i - 1].x) +
                        ", expected strictly increasing chainages");
        if (q.y < kMinElevation || q.y > kMaxElevation)
          r.problem(*q.node, "profile.points[" + std::to_string(i) + "]",
                    "found an elevation of " + std::to_string(q.y) + " m, expected -1000 to 9000 m");
        if (q.x < 0.0 || q.x > kMaxLength)
          r.problem(*q.node, "profile.points[" + std::to_string(i) + "]", "found chainage " + fmt_km(q.x) + ", expected 0 to 10000 km");
        p.profile.push_back({q.x, q.y, q.label});
      }
      if (!v->empty() && L > 0.0 && ((*v).front().x > 1e-6 || (*v).back().x < L - 1e-6))
        r.problem(*pts, "profile.points",
                  "found points from " + fmt_km(v->front().x) + " to " + fmt_km(v->back().x) +
                      ", expected them to cover the whole line, 0 km to " + fmt_km(L));
    }
  }

}

/// A station's pump curve: 1 or 3 (flow, head) points, or the coefficients h0, r, n.
void read_pump_curve(const toml::table& tt, const std::string& path, Reader& r, PumpStation& st) {
  const toml::table* t = &tt;
  const toml::node* curve = t->get("curve");
  const bool coeffs = t->get("h0") || t->get("r") || t->get("n");
  if (curve && coeffs) {
    r.problem(*curve, path + ".curve", "found both `curve` and `h0`/`r`/`n`, expected either curve points or the coefficients h0, r, n");
  } else if (curve) {
    if (auto v = pairs(r, *curve, path + ".curve", Dim::VolumeFlow, Dim::Length, false)) {
      std::vector<std::pair<double, double>> pts;
      for (const auto& q : *v) pts.emplace_back(q.x, q.y);
      try {
        if (pts.size() != 1 && pts.size() != 3) throw std::invalid_argument("a pump curve needs 1 or 3 points");
        st.unit = model::hydraulics::fit_pump_curve(pts);
      } catch (const std::invalid_argument& e) {
        r.problem(*curve, path + ".curve", std::string("found ") + std::to_string(pts.size()) + " point(s): " + e.what() +
                                               "; expected 1 or 3 (flow, head) points of a falling curve");
      }
    }
  } else if (coeffs) {
    auto h0 = r.value(*t, path, "h0", Dim::Length, true);
    // r is in SI: m / (m3/s)^n (a plain number).
    auto rr = r.value(*t, path, "r", Dim::Dimensionless, true);
    auto nn = r.value(*t, path, "n", Dim::Dimensionless, true);
    if (h0 && rr && nn) {
      if (!(*h0 > 0.0 && *h0 <= 1e4) || !(*rr > 0.0 && *rr <= 1e12) || !(*nn > 0.0 && *nn <= 10.0))
        r.problem(*t, path, "found h0 = " + std::to_string(*h0) + " m, r = " + std::to_string(*rr) + ", n = " + std::to_string(*nn) +
                                ", expected 0 < h0 <= 10000 m, 0 < r <= 1e12 (m per (m3/s)^n), 0 < n <= 10");
      st.unit = model::hydraulics::PumpCurve{*h0, *rr, *nn};
    }
  } else {
    r.missing(*t, path, "curve", "curve = [[flow, head], ...] (1 or 3 points) or h0, r, n");
  }
}

/// A station's efficiency: a constant fraction or (flow, efficiency) points.
void read_efficiency(const toml::table& tt, const std::string& path, Reader& r, PumpStation& st) {
  const toml::table* t = &tt;
  if (const toml::node* ef = t->get("efficiency")) {
    if (ef->is_array()) {
      if (auto v = pairs(r, *ef, path + ".efficiency", Dim::VolumeFlow, Dim::Fraction, false)) {
        for (std::size_t k = 0; k < v->size(); ++k) {
          if (!((*v)[k].y > 0.0 && (*v)[k].y <= 1.0))
            r.problem(*(*v)[k].node, path + ".efficiency",
                      "found an efficiency of " + fmt_num((*v)[k].y) + ", expected an efficiency in (0, 1]");
          if (k > 0 && (*v)[k].x <= (*v)[k - 1].x)
            r.problem(*(*v)[k].node, path + ".efficiency",
                      "found a flow of " + fmt_num((*v)[k].x) + " m3/s after " + fmt_num((*v)[k - 1].x) + " m3/s, expected strictly increasing flows");
          st.efficiency.points.emplace_back((*v)[k].x, (*v)[k].y);
        }
      }
    } else if (auto v = r.value(*ef, path + ".efficiency", Dim::Fraction)) {
      if (r.check_range(*ef, path + ".efficiency", *v, Range{0.0, 1.0, false, true}, "an efficiency in (0, 1]"))
        st.efficiency.constant = *v;
    }
  }
}

/// [[stations]]: pump stations in increasing chainage within the line of length L.
void read_stations(const toml::table& root, Reader& r, Pipeline& p, double L) {
  if (const toml::node* sn = root.get("stations")) {
    const toml::array* arr = sn->as_array();
    if (!arr) r.problem(*sn, "stations", "found " + describe(*sn) + ", expected an array of [[stations]] tables");
    std::set<std::string> ids;
    for (std::size_t i = 0; arr && i < arr->size(); ++i) {
      const toml::table* t = arr->get(i)->as_table();
      if (!t) {
        r.problem(*arr->get(i), "stations[" + std::to_string(i) + "]", "found " + describe(*arr->get(i)) + ", expected a [[stations]] table");
        continue;
      }
      const std::string path = item_path("stations", i, *t);
      r.check_keys(*t, path, kStationKeys, "a pump station");
      (void)r.provenance(*t, path, p.assumptions);
      (void)r.get_string(*t, path, "name", false);
      PumpStation st;
      st.loc = r.loc(*t);
      st.id = r.get_string(*t, path, "id", true).value_or("");
      if (!st.id.empty() && !ids.insert(st.id).second) r.problem(*t, path + ".id", "found duplicate station id \"" + st.id + "\", expected a unique id");
      if (auto c = r.value(*t, path, "chainage", Dim::Length, true)) {
        st.chainage_m = *c;
        if (*c < 0.0 || (L > 0.0 && *c > L))
          r.problem(*t->get("chainage"), path + ".chainage", "found " + fmt_km(*c) + ", expected 0 km to " + fmt_km(L));
        if (!p.stations.empty() && *c <= p.stations.back().chainage_m)
          r.problem(*t->get("chainage"), path + ".chainage", "found " + fmt_km(*c) + ", expected stations in increasing chainage order");
      }
      st.n_series = static_cast<int>(r.get_integer(*t, path, "series", 1, 100, false).value_or(1));
      st.n_parallel = static_cast<int>(r.get_integer(*t, path, "parallel", 1, 100, false).value_or(1));
      read_pump_curve(*t, path, r, st);
      if (const toml::node* sp = t->get("speed")) {
        if (auto v = r.value(*sp, path + ".speed", sp->is_number() ? Dim::Dimensionless : Dim::Fraction))
          if (r.check_range(*sp, path + ".speed", *v, Range{0.0, 1.5, false, true}, "a speed ratio in (0, 1.5]")) st.speed = *v;
      }
      read_efficiency(*t, path, r, st);
      if (auto v = r.ranged(*t, path, "max_discharge", Dim::Pressure, kMinP, kMaxP, kPRange)) st.max_discharge_pa = *v;
      if (auto v = r.ranged(*t, path, "min_suction", Dim::Pressure, kMinP, kMaxP, kPRange)) st.min_suction_pa = *v;
      p.stations.push_back(std::move(st));
    }
    if (arr && arr->size() > kMaxStations)
      r.problem(*sn, "stations", "found " + std::to_string(arr->size()) + " [[stations]], expected at most " +
                                     std::to_string(kMaxStations) + " (the capacity table keys stations out of service by a 64-bit mask)");
  }

}

/// [[reduction_stations]]: pressure-reduction stations (slack-line zones), sorted by chainage.
void read_reductions(const toml::table& root, Reader& r, Pipeline& p, double L) {
  if (const toml::node* rn = root.get("reduction_stations")) {
    const toml::array* arr = rn->as_array();
    if (!arr) r.problem(*rn, "reduction_stations", "found " + describe(*rn) + ", expected an array of [[reduction_stations]] tables");
    for (std::size_t i = 0; arr && i < arr->size(); ++i) {
      const toml::table* t = arr->get(i)->as_table();
      if (!t) {
        r.problem(*arr->get(i), "reduction_stations[" + std::to_string(i) + "]",
                  "found " + describe(*arr->get(i)) + ", expected a [[reduction_stations]] table");
        continue;
      }
      const std::string path = item_path("reduction_stations", i, *t);
      r.check_keys(*t, path, kPrsKeys, "a pressure-reduction station");
      (void)r.provenance(*t, path, p.assumptions);
      (void)r.get_string(*t, path, "name", false);
      ReductionStation rs;
      rs.loc = r.loc(*t);
      rs.id = r.get_string(*t, path, "id", true).value_or("");
      if (auto c = r.value(*t, path, "chainage", Dim::Length, true)) {
        rs.chainage_m = *c;
        if (*c < 0.0 || (L > 0.0 && *c > L))
          r.problem(*t->get("chainage"), path + ".chainage", "found " + fmt_km(*c) + ", expected 0 km to " + fmt_km(L));
      }
      rs.slack_from_m = rs.chainage_m;
      if (auto c = r.value(*t, path, "slack_from", Dim::Length, false)) {
        if (*c > rs.chainage_m)
          r.problem(*t->get("slack_from"), path + ".slack_from",
                    "found " + fmt_km(*c) + ", expected a chainage at or upstream of the station (" + fmt_km(rs.chainage_m) + ")");
        rs.slack_from_m = *c;
      }
      p.reductions.push_back(std::move(rs));
    }
    std::sort(p.reductions.begin(), p.reductions.end(),
              [](const ReductionStation& a, const ReductionStation& b) { return a.chainage_m < b.chainage_m; });
  }
}

Pipeline build(const toml::table& root, Reader& r) {
  Pipeline p;
  const Defaults d = read_top(root, r, p);
  read_sections(root, r, p, d);
  const double L = p.length();
  read_profile(root, r, p, L);
  read_stations(root, r, p, L);
  read_reductions(root, r, p, L);
  return p;
}

}  // namespace

Pipeline parse_pipeline(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = inputs::parse_toml(text, path);  // pre-scan against toml++ 3.3 UB (inputs/toml_prescan.hpp)
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    std::vector<InputProblem> ps{{SourceLoc{path, static_cast<int>(b.line), static_cast<int>(b.column)}, "",
                                  syntax_message(e), {}}};
    add_source_context(ps, path, text);
    throw InputError(std::move(ps));
  }
  Reader r(path);
  inputs::check_control_chars(root, "", [&](const toml::node& n, const std::string& key, const std::string& msg) {
    r.problem(n, key, msg);
  });
  Pipeline p = build(root, r);
  if (!r.problems().empty()) {
    std::vector<InputProblem> ps = r.problems();
    add_source_context(ps, path, text);  // the offending line and a caret under each problem
    throw InputError(std::move(ps));
  }
  return p;
}

bool is_pipeline_description(std::string_view text, const std::string& path) {
  try {
    return parse_toml(text, path).contains("sections");  // inputs/toml_prescan.hpp
  } catch (const toml::parse_error&) {
    return false;
  }
}

Pipeline load_pipeline(const std::string& path) {
  // A regular file below the input size limit only; a FIFO or device is refused (exit 2) without blocking.
  return parse_pipeline(inputs::read_input_file_or_throw(path, "pipeline file"), path);
}

}  // namespace caspflow::inputs
