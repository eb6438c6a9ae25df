#include "caspflow/inputs/toml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

#include "caspflow/inputs/suggest.hpp"

namespace caspflow::inputs {

// ---------------------------------------------------------------------------------------------
// Words

std::string fmt_num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string describe(const toml::node& n) {
  if (auto s = n.as_string()) return "\"" + s->get() + "\"";
  if (auto i = n.as_integer()) return std::to_string(i->get());
  if (auto f = n.as_floating_point()) return fmt_num(f->get());
  if (auto b = n.as_boolean()) return b->get() ? "true" : "false";
  if (auto d = n.as_date()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", unsigned(d->get().year), unsigned(d->get().month),
                  unsigned(d->get().day));
    return buf;
  }
  if (n.is_date_time()) return "a date-time";
  if (n.is_time()) return "a time of day";
  if (auto a = n.as_array()) return "an array of " + std::to_string(a->size());
  if (n.is_table()) return "a table";
  return "a value";
}

std::string raw(const toml::node& n) {
  if (auto s = n.as_string()) return s->get();
  return describe(n);
}

std::string join_list(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string key_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

std::string expected_dims(const std::vector<Dim>& dims) {
  auto has = [&](Dim d) { return std::find(dims.begin(), dims.end(), d) != dims.end(); };
  if (has(Dim::MassFlow) && has(Dim::VolumeFlow))
    return "a flow (" + units_for(Dim::VolumeFlow) + ", " + units_for(Dim::MassFlow) + ")";
  if (has(Dim::Mass) && has(Dim::Volume))
    return "a mass or volume (" + units_for(Dim::Volume) + ", " + units_for(Dim::Mass) + ")";
  if (has(Dim::Dimensionless)) return "a plain number";
  if (has(Dim::Fraction)) return "a fraction (" + units_for(Dim::Fraction) + ")";
  std::vector<std::string> parts;
  for (Dim d : dims) parts.push_back("a " + dim_name(d) + " (" + units_for(d) + ")");
  return join_list(parts, " or ");
}

std::string syntax_message(const toml::parse_error& e) { return "TOML syntax error: " + std::string(e.description()); }

std::string range_text(const std::string& name, const Range& r) {
  const bool has_lo = std::isfinite(r.lo), has_hi = std::isfinite(r.hi);
  if (r.lo == 0.0 && r.hi == 1.0 && r.lo_incl && r.hi_incl) return "0 <= " + name + " <= 1 (a fraction)";
  if (has_lo && has_hi)
    return fmt_num(r.lo) + (r.lo_incl ? " <= " : " < ") + name + (r.hi_incl ? " <= " : " < ") + fmt_num(r.hi);
  if (has_lo) return name + (r.lo_incl ? " >= " : " > ") + fmt_num(r.lo);
  if (has_hi) return name + (r.hi_incl ? " <= " : " < ") + fmt_num(r.hi);
  return name;
}

// ---------------------------------------------------------------------------------------------
// Where, and problems

SourceLoc TomlReader::loc(const toml::source_region& r) const {
  // A node without a source (a merged table) is reported at the top of the default file.
  if (!r.path && r.begin.line == 0) return SourceLoc{default_file_, 1, 1};
  SourceLoc l;
  if (r.path) l.file = *r.path;
  l.line = static_cast<int>(r.begin.line);
  l.column = static_cast<int>(r.begin.column);
  return l;
}

SourceLoc TomlReader::key_loc(const toml::key& k, const toml::node& v) const {
  SourceLoc l = loc(k.source());
  return l.line ? l : loc(v);
}

void TomlReader::problem(SourceLoc l, const std::string& key, const std::string& msg) {
  if (l.file.empty()) l.file = default_file_;
  problems_.push_back({std::move(l), key, msg, {}});
}

// ---------------------------------------------------------------------------------------------
// Keys and typed getters

void TomlReader::check_keys(const toml::table& t, const std::string& path, const std::vector<std::string>& known,
                            const std::string& what) {
  for (auto&& [k, v] : t) {
    if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
    std::string msg = "found unknown key `" + std::string(k.str()) + "`, expected a key of " + what;
    const std::string near = closest(k.str(), known, 2);
    if (!near.empty())
      msg += " (did you mean `" + near + "`?)";
    else
      msg += " (" + join_list(known) + ")";
    SourceLoc l = loc(k.source());
    if (l.line == 0) l = loc(v);
    problem(l, key_path(path, std::string(k.str())), msg);
  }
}

void TomlReader::missing(const toml::table& t, const std::string& path, const std::string& key, const std::string& expect) {
  problem(t, key_path(path, key), "missing required key `" + key + "`, expected " + expect);
}

std::optional<std::string> TomlReader::get_string(const toml::table& t, const std::string& path, const std::string& key,
                                                  bool required, const std::string& expect) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) missing(t, path, key, expect);
    return std::nullopt;
  }
  if (!n->is_string()) {
    problem(*n, key_path(path, key), "found " + describe(*n) + ", expected " + expect);
    return std::nullopt;
  }
  return n->as_string()->get();
}

std::optional<std::string> TomlReader::get_choice(const toml::table& t, const std::string& path, const std::string& key,
                                                  const std::vector<std::string>& allowed, bool required) {
  std::string expect;
  for (const auto& a : allowed) expect += (expect.empty() ? "" : " or ") + ("\"" + a + "\"");
  auto s = get_string(t, path, key, required, expect);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  std::string msg = "found \"" + *s + "\", expected " + expect;
  const std::string near = closest(*s, allowed, 2);
  if (!near.empty()) msg += " (did you mean \"" + near + "\"?)";
  problem(*t.get(key), key_path(path, key), msg);
  return std::nullopt;
}

std::optional<std::int64_t> TomlReader::get_integer(const toml::table& t, const std::string& path, const std::string& key,
                                                    std::int64_t lo, std::int64_t hi, bool required) {
  const std::string expect = "a whole number " + std::to_string(lo) + ".." + std::to_string(hi);
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) missing(t, path, key, expect);
    return std::nullopt;
  }
  if (!n->is_integer() || n->as_integer()->get() < lo || n->as_integer()->get() > hi) {
    problem(*n, key_path(path, key), "found " + describe(*n) + ", expected " + expect);
    return std::nullopt;
  }
  return n->as_integer()->get();
}

std::optional<bool> TomlReader::get_bool(const toml::table& t, const std::string& path, const std::string& key,
                                         bool required) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) missing(t, path, key, "true or false");
    return std::nullopt;
  }
  if (!n->is_boolean()) {
    problem(*n, key_path(path, key), "found " + describe(*n) + ", expected true or false");
    return std::nullopt;
  }
  return n->as_boolean()->get();
}

const toml::table* TomlReader::get_table(const toml::table& t, const std::string& path, const std::string& key,
                                         bool required, const std::string& expect) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) missing(t, path, key, expect);
    return nullptr;
  }
  if (!n->is_table()) problem(*n, key_path(path, key), "found " + describe(*n) + ", expected " + expect);
  return n->as_table();
}

const toml::array* TomlReader::get_array(const toml::table& t, const std::string& path, const std::string& key,
                                         bool required, const std::string& expect) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) missing(t, path, key, expect);
    return nullptr;
  }
  if (!n->is_array()) problem(*n, key_path(path, key), "found " + describe(*n) + ", expected " + expect);
  return n->as_array();
}

// ---------------------------------------------------------------------------------------------
// Quantities

namespace {

/// A string that is a plain finite number ("0.8", "-3", ".5").
std::optional<double> plain_number(const std::string& txt) {
  double v = 0;
  const char* b = txt.data();
  const char* e = txt.data() + txt.size();
  auto r = std::from_chars(b, e, v);
  if (r.ec == std::errc() && r.ptr == e && std::isfinite(v) && !txt.empty() &&
      ((txt[0] >= '0' && txt[0] <= '9') || txt[0] == '.' || txt[0] == '-'))
    return v;
  return std::nullopt;
}

/// parse_quantity's reason without the quoted text; an unknown unit gets the closest unit of `dims`.
std::string unit_problem(const std::invalid_argument& ex, const std::vector<Dim>& dims) {
  std::string why = ex.what();
  const auto colon = why.find("\": ");
  if (colon != std::string::npos) why = why.substr(colon + 3);
  const std::string tag = "unknown unit `";
  if (why.rfind(tag, 0) == 0) {
    const std::string unit = why.substr(tag.size(), why.find('`', tag.size()) - tag.size());
    std::vector<std::string> cands;
    for (Dim d : dims)
      for (auto& u : unit_symbols(d)) cands.push_back(u);
    const std::string near = closest(unit, cands, 2);
    if (!near.empty())
      why = tag + unit + "`; did you mean `" + near + "`?";
    else
      why = tag + unit + "`";
  }
  return why;
}

}  // namespace

std::optional<Quantity> TomlReader::quantity(const toml::node& n, const std::string& keypath, const std::vector<Dim>& dims) {
  auto has = [&](Dim d) { return std::find(dims.begin(), dims.end(), d) != dims.end(); };
  const bool plain_ok = has(Dim::Dimensionless) || has(Dim::Fraction);
  const Dim plain_dim = has(Dim::Dimensionless) ? Dim::Dimensionless : Dim::Fraction;
  if (auto i = n.as_integer()) {
    if (plain_ok) return Quantity{static_cast<double>(i->get()), plain_dim};
  } else if (auto f = n.as_floating_point()) {
    if (plain_ok) {
      if (!std::isfinite(f->get())) {
        problem(n, keypath, "found " + describe(n) + ", expected a finite " + expected_dims(dims).substr(2));
        return std::nullopt;
      }
      return Quantity{f->get(), plain_dim};
    }
  } else if (auto s = n.as_string()) {
    const std::string& txt = s->get();
    if (plain_ok)
      if (auto v = plain_number(txt)) return Quantity{*v, plain_dim};
    try {
      Quantity q = parse_quantity(txt);
      if (has(q.dim)) return q;
      if (q.dim == Dim::Fraction && has(Dim::Dimensionless)) return Quantity{q.value, Dim::Dimensionless};
      problem(n, keypath, "found " + describe(n) + " (a " + dim_name(q.dim) + "), expected " + expected_dims(dims));
    } catch (const std::invalid_argument& ex) {
      problem(n, keypath, "found " + describe(n) + " (" + unit_problem(ex, dims) + "), expected " + expected_dims(dims));
    }
    return std::nullopt;
  }
  problem(n, keypath, "found " + describe(n) + ", expected " + expected_dims(dims) +
                          (plain_ok ? "" : ", written as a string with its unit, e.g. \"1.4 Mt/yr\""));
  return std::nullopt;
}

std::optional<Quantity> TomlReader::get_quantity(const toml::table& t, const std::string& path, const std::string& key,
                                                 const std::vector<Dim>& dims, bool required) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) missing(t, path, key, expected_dims(dims));
    return std::nullopt;
  }
  return quantity(*n, key_path(path, key), dims);
}

bool TomlReader::check_range(const toml::node& n, const std::string& keypath, double v, const Range& r,
                             const std::string& expected) {
  if (r.ok(v)) return true;
  problem(n, keypath, "found " + raw(n) + ", expected " + expected);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Provenance

std::string TomlReader::provenance(const toml::table& t, const std::string& path, std::vector<std::string>& assumptions,
                                   const std::vector<std::string>* value_keys, bool non_empty) {
  std::string cite;
  for (const char* which : {"source", "assumed"}) {
    const toml::node* n = t.get(which);
    if (!n) continue;
    const std::string kp = key_path(path, which);
    const bool assumed = std::string(which) == "assumed";
    if (auto s = n->as_string()) {
      if (non_empty && s->get().empty()) problem(*n, kp, "found \"\", expected a non-empty explanation");
      if (assumed) assumptions.push_back((path.empty() ? "(top level)" : path) + ": " + s->get());
      cite += (cite.empty() ? "" : "; ") + (assumed ? "assumed: " : std::string()) + s->get();
    } else if (auto tb = n->as_table()) {
      if (value_keys) check_keys(*tb, kp, *value_keys, "the table it annotates");
      for (auto&& [k, v] : *tb) {
        if (!v.is_string()) {
          problem(v, key_path(kp, std::string(k.str())), "found " + describe(v) + ", expected a string");
          continue;
        }
        const std::string& txt = v.as_string()->get();
        if (assumed) assumptions.push_back(key_path(path, std::string(k.str())) + ": " + txt);
        cite += (cite.empty() ? "" : "; ") + std::string(k.str()) + ": " + (assumed ? "assumed: " : "") + txt;
      }
    } else {
      problem(*n, kp, "found " + describe(*n) + ", expected a string, or an inline table { key = \"citation\" } for single values");
    }
  }
  return cite;
}

}  // namespace caspflow::inputs
