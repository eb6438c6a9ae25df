#include "caspflow/inputs/uncertainty_loader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/inputs/units.hpp"

namespace caspflow::inputs {

namespace {

using model::Distribution;
thread_local int g_trial_depth = 0;

struct TrialGuard {
  TrialGuard() { ++g_trial_depth; }
  ~TrialGuard() { --g_trial_depth; }
  TrialGuard(const TrialGuard&) = delete;
  TrialGuard& operator=(const TrialGuard&) = delete;
};

const std::vector<Dim> kAnyDim = {Dim::Dimensionless, Dim::Fraction, Dim::Mass,   Dim::Volume,       Dim::Length,
                                  Dim::Time,          Dim::Speed,    Dim::MassFlow, Dim::VolumeFlow, Dim::Density,
                                  Dim::Pressure,      Dim::KinViscosity, Dim::Power};

/// The unit symbol of a quantity as written ("67 Mt/yr" -> "Mt/yr", "55%" -> "%", 3 -> "").
std::string unit_of(const toml::node& n) {
  if (!n.is_string()) return "";
  const std::string s = n.as_string()->get();
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' || s[i] == '-' || s[i] == '+' ||
                          s[i] == 'e' || s[i] == 'E'))
    ++i;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

/// Reads a distribution table: `distribution` and its parameters, all of one dimension (among `dims`).
struct DistReader {
  TomlReader& r;
  std::vector<Dim> dims;
  Dim dim = Dim::Dimensionless;
  std::string unit;
  bool have_dim = false;

  std::optional<double> num(const toml::table& t, const std::string& path, const std::string& key, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) r.missing(t, path, key, "a value");
      return std::nullopt;
    }
    const auto q = r.quantity(*n, key_path(path, key), have_dim ? std::vector<Dim>{dim} : dims);
    if (!q) return std::nullopt;
    if (!have_dim) {
      dim = q->dim, unit = unit_of(*n), have_dim = true;
      if (unit == "degC" || unit == "degF") {
        r.problem(*n, key_path(path, key), "found " + describe(*n) + ", expected a value that is not a temperature (temperatures cannot be sampled yet)");
        return std::nullopt;
      }
    }
    return q->value;
  }
  /// A dimensionless positive number (sigma, weights).
  std::optional<double> plain(const toml::table& t, const std::string& path, const std::string& key, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) r.missing(t, path, key, "a plain number");
      return std::nullopt;
    }
    if (!n->is_number()) {
      r.problem(*n, key_path(path, key), "found " + describe(*n) + ", expected a plain number");
      return std::nullopt;
    }
    return n->value<double>();
  }

  std::optional<Distribution> read(const toml::table& t, const std::string& path, const std::vector<std::string>& extra_keys) {
    std::vector<std::string> keys = {"distribution", "min", "max", "mode", "mean", "sd", "median", "sigma", "values", "weights"};
    keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
    r.check_keys(t, path, keys, "a distribution");
    const auto kind = r.get_choice(t, path, "distribution", {"uniform", "triangular", "normal", "lognormal", "discrete"}, true);
    if (!kind) return std::nullopt;
    Distribution d;
    const size_t before = r.problems().size();
    auto bad = [&](const char* key, const std::string& msg) {
      const toml::node* n = t.get(key);
      r.problem(n ? r.loc(*n) : r.loc(t), key_path(path, key), msg);
    };
    if (*kind == "uniform" || *kind == "triangular") {
      d.kind = *kind == "uniform" ? Distribution::Kind::Uniform : Distribution::Kind::Triangular;
      const auto lo = num(t, path, "min", true);
      const auto mode = d.kind == Distribution::Kind::Triangular ? num(t, path, "mode", true) : std::optional<double>(0.0);
      const auto hi = num(t, path, "max", true);
      if (!lo || !hi || !mode) return std::nullopt;
      if (!(*hi > *lo)) bad("max", "found max " + fmt_num(*hi) + " (SI) <= min " + fmt_num(*lo) + ", expected max > min");
      if (d.kind == Distribution::Kind::Triangular && !(*mode >= *lo && *mode <= *hi))
        bad("mode", "found a mode outside [min, max], expected min <= mode <= max");
      d.a = *lo;
      d.b = d.kind == Distribution::Kind::Triangular ? *mode : *hi;
      d.c = *hi;
    } else if (*kind == "normal" || *kind == "lognormal") {
      d.kind = *kind == "normal" ? Distribution::Kind::Normal : Distribution::Kind::Lognormal;
      const auto centre = d.kind == Distribution::Kind::Normal ? num(t, path, "mean", true) : num(t, path, "median", true);
      const auto spread = d.kind == Distribution::Kind::Normal ? num(t, path, "sd", true) : plain(t, path, "sigma", true);
      if (!centre || !spread) return std::nullopt;
      if (!(*spread > 0)) bad(d.kind == Distribution::Kind::Normal ? "sd" : "sigma", "found " + fmt_num(*spread) + ", expected a value > 0");
      if (d.kind == Distribution::Kind::Lognormal && !(*centre > 0)) bad("median", "found " + fmt_num(*centre) + ", expected a median > 0");
      d.a = *centre, d.b = *spread;
      if (t.get("min")) if (auto v = num(t, path, "min", false)) d.lo = *v;
      if (t.get("max")) if (auto v = num(t, path, "max", false)) d.hi = *v;
      if (!(d.hi > d.lo)) bad("max", "found a truncation max <= min, expected max > min");
      if (d.kind == Distribution::Kind::Normal && std::isfinite(d.lo) && std::isfinite(d.hi) && r.problems().size() == before &&
          !(model::normal_cdf((d.hi - d.a) / d.b) - model::normal_cdf((d.lo - d.a) / d.b) > 1e-12))
        bad("max", "found a truncation [min, max] the normal puts no probability in, expected one around the mean");
    } else {
      d.kind = Distribution::Kind::Discrete;
      const toml::array* vs = r.get_array(t, path, "values", true, "an array of values");
      if (!vs) return std::nullopt;
      if (vs->empty() || vs->size() > 10000) {
        bad("values", "found an array of " + std::to_string(vs->size()) + ", expected 1 to 10000 values");
        return std::nullopt;
      }
      for (size_t i = 0; i < vs->size(); ++i)
        if (auto q = r.quantity(*vs->get(i), key_path(path, "values") + "[" + std::to_string(i) + "]", have_dim ? std::vector<Dim>{dim} : dims)) {
          if (!have_dim) dim = q->dim, unit = unit_of(*vs->get(i)), have_dim = true;
          d.values.push_back(q->value);
        }
      std::vector<double> w(vs->size(), 1.0);
      if (const toml::array* ws = r.get_array(t, path, "weights", false, "an array of plain numbers")) {
        if (ws->size() != vs->size()) bad("weights", "found " + std::to_string(ws->size()) + " weights, expected one per value (" + std::to_string(vs->size()) + ")");
        for (size_t i = 0; i < std::min(ws->size(), w.size()); ++i) {
          const auto x = ws->get(i)->value<double>();
          if (!x || !(*x >= 0) || !std::isfinite(*x)) r.problem(*ws->get(i), key_path(path, "weights") + "[" + std::to_string(i) + "]", "found " + describe(*ws->get(i)) + ", expected a weight >= 0");
          else w[i] = *x;
        }
      }
      double tot = 0;
      for (double x : w) tot += x;
      if (!(tot > 0)) bad("weights", "found weights summing to 0, expected a positive sum");
      double c = 0;
      for (double x : w) d.cumulative.push_back((c += x) / tot);
      if (!d.cumulative.empty()) d.cumulative.back() = 1.0;
    }
    if (r.problems().size() != before) return std::nullopt;
    return d;
  }
};

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::optional<int> month_of(TomlReader& r, const toml::node& n, const std::string& key) {
  if (auto i = n.value<int64_t>(); i && n.is_integer() && *i >= 1 && *i <= 12) return static_cast<int>(*i);
  if (n.is_string())
    for (int m = 0; m < 12; ++m)
      if (n.as_string()->get() == kMonths[m]) return m + 1;
  r.problem(n, key, "found " + describe(n) + ", expected a month: \"Jan\"..\"Dec\" or 1..12");
  return std::nullopt;
}

/// "1.5/yr", "0.2/month", "2 per year" -> starts per year.
std::optional<double> rate_of(TomlReader& r, const toml::node& n, const std::string& key) {
  const std::string expected = "expected a rate such as \"1.5/yr\", \"0.25/month\" or \"2 per year\" (> 0, at most 365/yr)";
  if (!n.is_string()) {
    r.problem(n, key, "found " + describe(n) + ", " + expected);
    return std::nullopt;
  }
  const std::string s = n.as_string()->get();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  std::string rest(end);
  rest.erase(0, rest.find_first_not_of(' '));
  double per_year = 0;
  if (rest == "/yr" || rest == "/year" || rest == "per year") per_year = 1;
  else if (rest == "/month" || rest == "per month") per_year = 12;
  else if (rest == "/d" || rest == "/day" || rest == "per day") per_year = 365.25;
  if (end == s.c_str() || per_year == 0 || !std::isfinite(v) || !(v > 0) || v * per_year > 365.25) {
    r.problem(n, key, "found " + describe(n) + ", " + expected);
    return std::nullopt;
  }
  return v * per_year;
}

void read_parameters(const toml::table& u, TomlReader& r, model::Scenario& sc) {
  const toml::table* ps = r.get_table(u, "uncertainty", "parameters", false, "a table of key path -> distribution");
  if (!ps) return;
  for (auto&& [k, v] : *ps) {
    const std::string name(k.str()), path = "uncertainty.parameters.\"" + name + "\"";
    if (!v.is_table()) {
      r.problem(v, path, "found " + describe(v) + ", expected a distribution table, e.g. { distribution = \"uniform\", min = 5, max = 8 }");
      continue;
    }
    const toml::table& t = *v.as_table();
    model::UncertainParameter p;
    p.name = name;
    p.loc = r.key_loc(k, v);
    p.scale = r.get_bool(t, path, "scale", false).value_or(false);
    DistReader dr{r, p.scale ? std::vector<Dim>{Dim::Dimensionless} : kAnyDim};
    auto d = dr.read(t, path, {"scale", "integer", "source", "assumed"});
    r.provenance(t, path, sc.assumptions);
    if (!d) continue;
    p.dist = *d;
    p.unit = dr.unit;
    if (!p.unit.empty()) p.unit_factor = si_factor(p.unit);
    const bool count_key = name.size() > 6 && (name.ends_with(".fleet") || name.ends_with(".berths"));
    p.integer = r.get_bool(t, path, "integer", false).value_or(count_key);
    if (p.scale && !series_at(sc, name))
      r.problem(p.loc, path, "found a key path that is not a series, expected with scale = true one of shippers.ID.supply, "
                             "legs.ID.capacity, legs.ID.berths, legs.ID.fleet, legs.ID.dra, shippers.ID.routes[i].annual_ceiling, "
                             "shippers.ID.routes[i].nomination");
    if (p.scale && !(p.dist.min_value() >= 0))
      r.problem(p.loc, path, "found a multiplier that can be negative, expected min >= 0 (truncate the normal with min = 0)");
    sc.uncertainty.parameters.push_back(std::move(p));
  }
}

void read_outages(const toml::table& u, TomlReader& r, model::Scenario& sc, const std::map<std::string, int>& legs) {
  const toml::node* n = u.get("outages");
  if (!n) return;
  if (!n->is_array_of_tables()) {
    r.problem(*n, "uncertainty.outages", "found " + describe(*n) + ", expected an array of tables [[uncertainty.outages]]");
    return;
  }
  const toml::array& a = *n->as_array();
  for (size_t i = 0; i < a.size(); ++i) {
    const toml::table& t = *a.get(i)->as_table();
    const std::string path = "uncertainty.outages[" + std::to_string(i) + "]";
    r.check_keys(t, path, {"id", "leg", "station", "rate", "season", "duration", "remaining", "source", "assumed"}, "an outage process");
    model::OutageProcess p;
    p.loc = r.loc(t);
    p.id = r.get_string(t, path, "id", true).value_or("");
    if (const auto leg = r.get_string(t, path, "leg", true)) {
      const auto it = legs.find(*leg);
      if (it == legs.end()) r.problem(*t.get("leg"), path + ".leg", "found \"" + *leg + "\", expected a leg of the scenario");
      else p.leg = it->second;
    }
    p.station = r.get_string(t, path, "station", false).value_or("");
    if (!p.station.empty() && p.leg >= 0) {
      const auto& hyd = sc.legs[static_cast<size_t>(p.leg)].hydraulics;
      bool found = false;
      if (hyd)
        for (const auto& st : hyd->stations) found |= st.id == p.station;
      if (!found) r.problem(*t.get("station"), path + ".station", "found \"" + p.station + "\", expected a pump station of the leg's hydraulics file");
    }
    if (const toml::node* rn = t.get("rate")) p.rate = rate_of(r, *rn, path + ".rate").value_or(0);
    else r.missing(t, path, "rate", "a rate such as \"1.5/yr\"");
    if (const toml::array* s = r.get_array(t, path, "season", false, "[FIRST_MONTH, LAST_MONTH], e.g. [\"Nov\", \"Mar\"]")) {
      if (s->size() != 2) r.problem(*t.get("season"), path + ".season", "found an array of " + std::to_string(s->size()) + ", expected [FIRST_MONTH, LAST_MONTH]");
      else {
        p.season_from = month_of(r, *s->get(0), path + ".season[0]").value_or(1);
        p.season_to = month_of(r, *s->get(1), path + ".season[1]").value_or(12);
      }
    }
    if (const toml::table* d = r.get_table(t, path, "duration", true, "a distribution of durations, e.g. { distribution = \"lognormal\", median = \"10 d\", sigma = 0.8 }")) {
      DistReader dr{r, {Dim::Time}};
      if (auto dist = dr.read(*d, path + ".duration", {})) p.duration = *dist;
    }
    if (const toml::table* d = r.get_table(t, path, "remaining", true, "a distribution of the fraction left, e.g. { distribution = \"uniform\", min = \"0 %\", max = \"50 %\" }")) {
      DistReader dr{r, {Dim::Fraction}};
      if (auto dist = dr.read(*d, path + ".remaining", {})) {
        p.remaining = *dist;
        if (!(dist->min_value() >= 0 && dist->max_value() <= 1))
          r.problem(r.loc(*d), path + ".remaining", "found a distribution reaching outside [0, 1], expected fractions 0 % .. 100 %");
      }
    }
    r.provenance(t, path, sc.assumptions);
    sc.uncertainty.outages.push_back(std::move(p));
  }
}

void read_weather(const toml::table& u, TomlReader& r, model::Scenario& sc, const std::map<std::string, int>& legs) {
  const toml::node* n = u.get("weather");
  if (!n) return;
  if (!n->is_array_of_tables()) {
    r.problem(*n, "uncertainty.weather", "found " + describe(*n) + ", expected an array of tables [[uncertainty.weather]]");
    return;
  }
  const toml::array& a = *n->as_array();
  for (size_t i = 0; i < a.size(); ++i) {
    const toml::table& t = *a.get(i)->as_table();
    const std::string path = "uncertainty.weather[" + std::to_string(i) + "]";
    r.check_keys(t, path, {"leg", "month", "months", "source", "assumed"}, "a weather variation");
    model::WeatherVariation w;
    w.loc = r.loc(t);
    if (const auto leg = r.get_string(t, path, "leg", true)) {
      const auto it = legs.find(*leg);
      if (it == legs.end()) r.problem(*t.get("leg"), path + ".leg", "found \"" + *leg + "\", expected a tanker leg of the scenario");
      else if (sc.legs[static_cast<size_t>(it->second)].kind != model::LegKind::Tanker)
        r.problem(*t.get("leg"), path + ".leg", "found \"" + *leg + "\" (not a tanker leg), expected a leg of kind \"tanker\"");
      else w.id = *leg, w.leg = it->second;
    }
    auto fraction_dist = [&](const toml::table& d, const std::string& p) -> std::optional<Distribution> {
      DistReader dr{r, {Dim::Fraction}};
      auto dist = dr.read(d, p, {});
      if (dist && !(dist->min_value() >= 0 && dist->max_value() <= 1)) {
        r.problem(r.loc(d), p, "found a distribution reaching outside [0, 1], expected availability fractions");
        return std::nullopt;
      }
      return dist;
    };
    if (const toml::table* m = r.get_table(t, path, "month", false, "one distribution for every month")) {
      if (auto d = fraction_dist(*m, path + ".month")) w.month.fill(*d);
    } else if (const toml::array* ms = r.get_array(t, path, "months", false, "an array of 12 distributions, Jan..Dec")) {
      if (ms->size() != 12 || !ms->is_array_of_tables())
        r.problem(*t.get("months"), path + ".months", "found " + describe(*t.get("months")) + ", expected 12 distribution tables, Jan..Dec");
      else
        for (size_t k = 0; k < 12; ++k)
          if (auto d = fraction_dist(*ms->get(k)->as_table(), path + ".months[" + std::to_string(k) + "]")) w.month[k] = *d;
    } else {
      r.missing(t, path, "month", "`month` (one distribution) or `months` (12)");
    }
    r.provenance(t, path, sc.assumptions);
    sc.uncertainty.weather.push_back(std::move(w));
  }
}

}  // namespace

bool in_trial_load() { return g_trial_depth > 0; }

void read_uncertainty(const toml::table& root, TomlReader& r, model::Scenario& sc, const std::map<std::string, int>& legs) {
  const toml::node* n = root.get("uncertainty");
  if (!n) return;
  if (!n->is_table()) {
    r.problem(*n, "uncertainty", "found " + describe(*n) + ", expected a table [uncertainty]");
    return;
  }
  const toml::table& u = *n->as_table();
  auto& U = sc.uncertainty;
  U.present = true;
  r.check_keys(u, "uncertainty", {"members", "seed", "sampling", "max_failed", "outputs", "parameters", "outages", "weather", "source", "assumed"},
               "[uncertainty]");
  U.members = static_cast<int>(r.get_integer(u, "uncertainty", "members", 1, 1'000'000, false).value_or(100));
  U.seed = static_cast<std::uint64_t>(r.get_integer(u, "uncertainty", "seed", 0, INT64_MAX, false).value_or(1));
  if (const auto s = r.get_choice(u, "uncertainty", "sampling", {"latin-hypercube", "monte-carlo"}, false))
    U.sampling = *s == "monte-carlo" ? model::Uncertainty::Sampling::MonteCarlo : model::Uncertainty::Sampling::LatinHypercube;
  if (const auto q = r.get_quantity(u, "uncertainty", "max_failed", {Dim::Fraction}, false)) U.max_failed_fraction = q->value;
  if (const toml::array* o = r.get_array(u, "uncertainty", "outputs", false, "an array of daily variable names")) {
    for (size_t i = 0; i < o->size(); ++i) {
      if (const auto s = o->get(i)->value<std::string>(); s && o->get(i)->is_string()) U.outputs.push_back(*s);
      else r.problem(*o->get(i), "uncertainty.outputs[" + std::to_string(i) + "]", "found " + describe(*o->get(i)) + ", expected a variable name such as \"kazakh_entering:btc\"");
    }
  }
  r.provenance(u, "uncertainty", sc.assumptions);
  read_parameters(u, r, sc);
  read_outages(u, r, sc, legs);
  read_weather(u, r, sc, legs);
}

model::Series* series_at(model::Scenario& sc, const std::string& path) {
  auto split = [](const std::string& s) {
    std::vector<std::string> v;
    size_t a = 0;
    for (size_t b; (b = s.find('.', a)) != std::string::npos; a = b + 1) v.push_back(s.substr(a, b - a));
    v.push_back(s.substr(a));
    return v;
  };
  const auto seg = split(path);
  if (seg.size() == 3 && seg[0] == "legs")
    for (auto& l : sc.legs)
      if (l.id == seg[1]) {
        if (seg[2] == "capacity") return &l.capacity;
        if (seg[2] == "berths") return &l.berths;
        if (seg[2] == "fleet") return &l.fleet;
        if (seg[2] == "dra") return &l.dra;
      }
  if (seg.size() >= 3 && seg[0] == "shippers")
    for (auto& s : sc.shippers)
      if (s.id == seg[1]) {
        if (seg.size() == 3 && seg[2] == "supply") return &s.supply;
        int i = -1;
        if (seg.size() == 4 && std::sscanf(seg[2].c_str(), "routes[%d]", &i) == 1 && i >= 0 && static_cast<size_t>(i) < s.routes.size() &&
            seg[2] == "routes[" + std::to_string(i) + "]") {
          if (seg[3] == "annual_ceiling") return &s.routes[static_cast<size_t>(i)].annual_ceiling;
          if (seg[3] == "nomination") return &s.routes[static_cast<size_t>(i)].nomination;
        }
      }
  return nullptr;
}

std::string parameter_override(const model::UncertainParameter& p, double v) {
  const double shown = v / p.unit_factor;
  char b[64];
  std::snprintf(b, sizeof b, "%.17g", shown);
  return p.name + "=" + std::string(b) + (p.unit.empty() ? "" : " " + p.unit);
}

void validate_uncertainty(const std::string& path, const std::vector<std::string>& overrides, const model::Scenario& sc) {
  const TrialGuard guard;
  std::vector<InputProblem> problems;
  for (const auto& p : sc.uncertainty.parameters) {
    if (p.scale) continue;  // checked against the series by read_uncertainty
    double lo = p.dist.min_value(), hi = p.dist.max_value();
    if (!std::isfinite(lo)) lo = p.dist.quantile(1e-6);
    if (!std::isfinite(hi)) hi = p.dist.quantile(1 - 1e-6);
    for (double v : {lo, hi}) {
      if (p.integer) v = std::round(v);
      std::vector<std::string> o = overrides;
      o.push_back(parameter_override(p, v));
      try {
        (void)load_scenario(path, o);
      } catch (const InputError& e) {
        std::string why = e.problems().empty() ? e.what() : e.problems().front().message;
        problems.push_back({p.loc, "uncertainty.parameters.\"" + p.name + "\"",
                            "found a distribution reaching " + o.back().substr(p.name.size() + 1) + ", which the scenario refuses (" + why +
                                "), expected values the key accepts",
                            {}});
        break;
      }
    }
  }
  if (!problems.empty()) throw InputError(std::move(problems));
}

model::Scenario member_scenario(const std::string& path, const std::vector<std::string>& overrides, const model::Scenario& base,
                                const std::vector<double>& values) {
  const TrialGuard guard;
  std::vector<std::string> o = overrides;
  const auto& ps = base.uncertainty.parameters;
  for (size_t i = 0; i < ps.size(); ++i)
    if (!ps[i].scale) o.push_back(parameter_override(ps[i], values[i]));
  model::Scenario sc = load_scenario(path, o);
  for (size_t i = 0; i < ps.size(); ++i)
    if (ps[i].scale)
      if (model::Series* s = series_at(sc, ps[i].name))
        for (double& x : s->v) x *= values[i];
  return sc;
}

}  // namespace caspflow::inputs
