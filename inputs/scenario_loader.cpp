// Scenario loader: TOML (toml++) -> merged tree -> validated model::Scenario (SI).
// Schema: docs/scenario-format.md. Every problem is collected with the file:line:col of the value
// that caused it and thrown at the end as one InputError.
#include "caspflow/inputs/scenario_loader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include <toml++/toml.h>

#include "caspflow/inputs/input_file.hpp"
#include "caspflow/inputs/pipeline_loader.hpp"
#include "caspflow/inputs/source_context.hpp"
#include "caspflow/inputs/suggest.hpp"
#include "caspflow/inputs/toml_strings.hpp"
#include "caspflow/inputs/toml_prescan.hpp"
#include "caspflow/inputs/toml_reader.hpp"
#include "caspflow/inputs/uncertainty_loader.hpp"
#include "caspflow/inputs/units.hpp"

namespace caspflow::inputs {
namespace {

namespace fs = std::filesystem;
using model::Series;

// ---------------------------------------------------------------------------------------------
// Small helpers

bool valid_id(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

const Range kAny{};
const Range kNonNeg{0.0, HUGE_VAL, true, true};
const Range kPositive{0.0, HUGE_VAL, false, true};
const Range kUnit{0.0, 1.0, true, true};

/// Physical limits of every quantity of a dimension, checked wherever a value with a unit is read (the TOML
/// values, series points and CSV columns): beyond them the model's correlations or the integrator break down
/// (a capacity of 1e306 kg/s gave "CVODE h = nan", -300 degC an internal error). docs/scenario-format.md, "Ranges".
struct DimLimit {
  double lo, hi;
  const char* text;  ///< "expected ..." in messages
};
const DimLimit* dim_limit(Dim d) {
  static const DimLimit mass_flow{-1e6, 1e6, "a mass flow of at most 1e6 kg/s (about 31,500 Mt/yr)"};
  static const DimLimit volume_flow{-1e3, 1e3, "a volume flow of at most 1000 m3/s (about 543 Mb/d)"};
  static const DimLimit mass{-1e12, 1e12, "a mass of at most 1e12 kg (1,000 Mt)"};
  static const DimLimit volume{-1e9, 1e9, "a volume of at most 1e9 m3 (about 6,290 Mbbl)"};
  static const DimLimit length{-4e7, 4e7, "a length of at most 40,000 km"};
  static const DimLimit time{-3.16e8, 3.16e8, "a duration of at most 10 years (3.16e8 s)"};
  static const DimLimit speed{-51.44, 51.44, "a speed of at most 100 kn (51.4 m/s)"};
  static const DimLimit temperature{233.15, 423.15,
                                    "a temperature of -40 to 150 degC (233.15 to 423.15 K, where the ASTM D341 viscosity "
                                    "and API MPMS 11.1 density correlations hold)"};
  static const DimLimit viscosity{1e-7, 0.1, "a kinematic viscosity of 0.1 to 100,000 cSt"};
  switch (d) {
    case Dim::MassFlow: return &mass_flow;
    case Dim::VolumeFlow: return &volume_flow;
    case Dim::Mass: return &mass;
    case Dim::Volume: return &volume;
    case Dim::Length: return &length;
    case Dim::Time: return &time;
    case Dim::Speed: return &speed;
    case Dim::Temperature: return &temperature;
    case Dim::KinViscosity: return &viscosity;
    default: return nullptr;
  }
}

// Sizes (docs/scenario-format.md, "Ranges"): they bound the work per step and the memory of the run.
constexpr std::size_t kMaxEntities = 1000;          // grades, nodes, legs, shippers, each
constexpr std::size_t kMaxRoutes = 100;             // per shipper
constexpr std::size_t kMaxEvents = 10000;
constexpr double kMaxSpanDays = 200 * 365.2425;     // simulation span
constexpr double kMaxDailyValues = 2e7;             // days x per-day state values (see daily_values)
constexpr double kMaxFleet = 10000, kMaxBerths = 1000;
constexpr double kMinTransit = 3600;                // tanker transit time, s

// ---------------------------------------------------------------------------------------------
// The loader

struct Entry {
  std::string id;
  const toml::table* table;
  const toml::key* key;
};

class Loader {
 public:
  model::Scenario load(const std::string& path, const std::string* text_override,
                       const std::vector<std::string>& overrides = {}) {
    const fs::path top(path);
    top_path_ = top.lexically_normal().generic_string();
    r_.set_default_file(top_path_);
    std::vector<std::string> chain;
    toml::table root = read_tree(top, chain, nullptr, "", text_override);
    if (!fatal_ && !overrides.empty()) apply_overrides(root, overrides);
    sc_.file = path;
    if (!fatal_) build(root);  // may add the text of CSV series files to texts_
    if (!fatal_) load_hydraulics();
    sc_.input_texts = texts_;
    for (const auto& [p, t] : texts_) sc_.text += "# --- file: " + p + " ---\n" + t + (t.empty() || t.back() == '\n' ? "" : "\n");
    // Every file the run reads, so that an output path can be checked against them (cli/, outputs/output_guard.hpp).
    if (!text_override) sc_.input_files.push_back(path);
    for (const auto& [p, t] : texts_)
      if (p != kOverridesName && std::find(sc_.input_files.begin(), sc_.input_files.end(), p) == sc_.input_files.end())
        sc_.input_files.push_back(p);
    for (const auto& l : sc_.legs)
      if (!l.hydraulic_model.empty() &&
          std::find(sc_.input_files.begin(), sc_.input_files.end(), l.hydraulic_model) == sc_.input_files.end())
        sc_.input_files.push_back(l.hydraulic_model);
    throw_if_problems();
    return std::move(sc_);
  }

 private:
  static constexpr const char* kOverridesName = "--set";

  /// Reads and validates each leg's pipeline hydraulics file (once per file) into Leg::hydraulics, so the model
  /// never touches the disk; its problems join the scenario's. Pipeline files change results too: their text is
  /// part of the scenario's provenance. Then the checks that need the pipelines (hydraulic_checks).
  void load_hydraulics() {
    std::map<std::string, std::shared_ptr<const model::pipeline::Pipeline>> loaded;
    for (auto& l : sc_.legs) {
      if (l.hydraulic_model.empty()) continue;
      const std::string& path = l.hydraulic_model;
      if (auto it = loaded.find(path); it != loaded.end()) {
        l.hydraulics = it->second;
        continue;
      }
      loaded[path] = nullptr;
      file_rank_.emplace(path, static_cast<int>(file_rank_.size()));
      auto f = read_input_file(path);
      if (!f.ok()) {
        r_.problem(l.loc, "legs." + l.id + ".hydraulics", "found '" + path + "', which " + f.error);
        continue;
      }
      try {
        loaded[path] = l.hydraulics = std::make_shared<const model::pipeline::Pipeline>(parse_pipeline(f.text, path));
      } catch (const InputError& e) {
        for (const auto& pr : e.problems()) r_.problems().push_back(pr);
      }
      texts_.emplace_back(path, std::move(f.text));
    }
    hydraulic_checks();
  }

  /// What a hydraulic pipeline needs of the rest of the scenario (docs/hydraulics-pipeline.md): linefill and its
  /// owner (the line's fluid), viscosities of every grade it carries, station outages naming its stations.
  void hydraulic_checks() {
    for (const auto& nd : sc_.nodes) {
      double seg = 0;
      for (const auto& [g, v] : nd.segregated) seg += v;
      if (nd.has_storage() && seg > nd.working_capacity() * (1 + 1e-12))
        r_.problem(nd.loc, "nodes." + nd.id + ".segregated",
                "found segregated tanks larger than the working capacity, expected their sum <= capacity - heel");
    }
    auto viscous = [](const model::Grade& g) { return g.visc_nu1 > 0 && g.visc_nu2 > 0; };
    // With other problems the scenario may be half built (a shipper without a grade, an unknown leg): only
    // indices that exist are followed (fuzz corpus scenario_text/hydraulic-no-grades.toml).
    auto grade_of = [&](int shipper) -> const model::Grade* {
      if (shipper < 0 || static_cast<size_t>(shipper) >= sc_.shippers.size()) return nullptr;
      const int g = sc_.shippers[static_cast<size_t>(shipper)].grade;
      return g >= 0 && static_cast<size_t>(g) < sc_.grades.size() ? &sc_.grades[static_cast<size_t>(g)] : nullptr;
    };
    for (size_t l = 0; l < sc_.legs.size(); ++l) {
      const auto& leg = sc_.legs[l];
      if (leg.hydraulic_model.empty()) continue;
      const std::string key = "legs." + leg.id + ".hydraulics";
      if (!(leg.linefill > 0) || leg.linefill_owner < 0) {
        r_.problem(leg.loc, key, "a hydraulic pipeline needs `linefill` and `linefill_owner`: its fluid is the crude in the line");
      } else if (const model::Grade* g = grade_of(leg.linefill_owner); g && !viscous(*g)) {
        r_.problem(g->loc, "grades." + g->id + ".viscosity",
                "missing, expected two (temperature, viscosity) points: grade fills hydraulic pipeline '" + leg.id + "'");
      }
      std::set<const model::Grade*> told;  // one problem per grade
      for (size_t si = 0; si < sc_.shippers.size(); ++si)
        for (const auto& r : sc_.shippers[si].routes)
          for (int li : r.legs) {
            const model::Grade* g = li == static_cast<int>(l) ? grade_of(static_cast<int>(si)) : nullptr;
            if (g && !viscous(*g) && told.insert(g).second)
              r_.problem(g->loc, "grades." + g->id + ".viscosity",
                      "missing, expected two (temperature, viscosity) points: grade travels in hydraulic pipeline '" + leg.id + "'");
          }
    }
    for (size_t i = 0; i < sc_.events.size(); ++i) {
      const auto& ev = sc_.events[i];
      if (ev.station.empty() || !ev.on_leg || ev.target < 0 || static_cast<size_t>(ev.target) >= sc_.legs.size()) continue;
      const auto& leg = sc_.legs[static_cast<size_t>(ev.target)];
      const std::string key = "events[" + std::to_string(i) + "].station";
      if (leg.hydraulic_model.empty()) {
        r_.problem(ev.loc, key, "found a pump-station outage on leg '" + leg.id +
                                 "', expected a pipeline leg with `hydraulics` (only those have stations)");
        continue;
      }
      if (!leg.hydraulics) continue;  // its file had problems of its own
      std::string ids;
      for (const auto& st : leg.hydraulics->stations) ids += (ids.empty() ? "" : ", ") + st.id;
      if (leg.hydraulics->station_index(ev.station) < 0)
        r_.problem(ev.loc, key, "found \"" + ev.station + "\", expected a pump station of " + leg.hydraulic_model + " (" + ids + ")");
    }
  }

  /// Command-line overrides "key.path=value" on the merged tree (see load_scenario in the header).
  void apply_overrides(toml::table& root, const std::vector<std::string>& overrides) {
    std::string record;  // the overrides as TOML-ish lines, stored with the input texts
    for (const std::string& o : overrides) {
      const std::string where = std::string(kOverridesName) + " " + o;
      const auto eq = o.find('=');
      auto bad = [&](const std::string& key, const std::string& msg) { r_.problem(SourceLoc{where, 1, 1}, key, msg); };
      if (eq == std::string::npos || eq == 0) {
        bad("--set", "found \"" + o + "\", expected KEY.PATH=VALUE, e.g. legs.caspian_tankers.fleet=7");
        continue;
      }
      std::string key = o.substr(0, eq), val = o.substr(eq + 1);
      auto trim = [](std::string s) {
        const auto a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
        return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
      };
      key = trim(key);
      val = trim(val);
      // Split the key path: name or name[i], separated by dots.
      std::vector<std::pair<std::string, long>> segs;
      bool ok = true;
      size_t i = 0;
      while (i <= key.size() && ok) {
        const size_t dot = key.find('.', i);
        std::string part = key.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
        long idx = -1;
        if (const auto lb = part.find('['); lb != std::string::npos) {
          const auto rb = part.find(']', lb);
          const std::string num = rb == std::string::npos ? "" : part.substr(lb + 1, rb - lb - 1);
          if (rb != part.size() - 1 || num.empty() || num.find_first_not_of("0123456789") != std::string::npos || num.size() > 6) ok = false;
          else idx = std::stol(num);
          part = part.substr(0, lb);
        }
        if (part.empty()) ok = false;
        segs.emplace_back(part, idx);
        if (dot == std::string::npos) break;
        i = dot + 1;
      }
      if (!ok || segs.empty()) {
        bad(key, "found a malformed key path, expected names separated by dots, e.g. shippers.kz_west.routes[0].annual_ceiling");
        continue;
      }
      // The value: a TOML value when it parses as one, else a string.
      toml::table snippet;
      try {
        snippet = parse_toml("v = " + val + "\n", where);
      } catch (const toml::parse_error&) {
        std::string q = "v = \"";
        for (char c : val) {
          if (c == '"' || c == '\\') q += '\\';
          q += c;
        }
        try {
          snippet = parse_toml(q + "\"\n", where);
        } catch (const toml::parse_error&) { ok = false; }
      }
      if (!snippet.get("v") || !ok) {
        bad(key, "found \"" + val + "\", expected a value");
        continue;
      }
      // Walk to the table that holds the last key.
      toml::table* tb = &root;
      std::string walked;
      for (size_t k = 0; k < segs.size() && ok; ++k) {
        const auto& [name, idx] = segs[k];
        const bool last = k + 1 == segs.size();
        if (last && idx < 0) break;
        walked += (walked.empty() ? "" : ".") + name;
        toml::node* n = tb->get(name);
        if (idx >= 0) {
          toml::array* arr = n ? n->as_array() : nullptr;
          if (!arr || static_cast<size_t>(idx) >= arr->size() || !arr->get(static_cast<size_t>(idx))->is_table()) {
            bad(key, "found no `" + walked + "[" + std::to_string(idx) + "]`" +
                         (arr ? " (it has " + std::to_string(arr->size()) + ")" : "") + ", expected an existing table of the scenario");
            ok = false;
            break;
          }
          walked += "[" + std::to_string(idx) + "]";
          if (last) {
            bad(key, "found an array element as the last key, expected a key inside it, e.g. " + walked + ".legs");
            ok = false;
            break;
          }
          tb = arr->get(static_cast<size_t>(idx))->as_table();
        } else {
          if (!n || !n->is_table()) {
            std::vector<std::string> have;
            for (auto&& [kk, vv] : *tb)
              if (vv.is_table()) have.emplace_back(kk.str());
            bad(key, "found no table `" + walked + "` in the scenario, expected one of: " + (have.empty() ? std::string("(none)") : join_list(have, ", ")));
            ok = false;
            break;
          }
          tb = n->as_table();
        }
      }
      if (!ok) continue;
      const std::string& last = segs.back().first;
      // A new key keeps the snippet's source (`--set ...:1:1`), so a problem with it names the option.
      const toml::source_region key_src = snippet.begin()->first.source();
      tb->insert_or_assign(toml::key(last, key_src), std::move(*snippet.get("v")));
      record += key + " = " + val + "\n";
      sc_.overrides.push_back(key + "=" + val);
    }
    if (!record.empty()) {
      file_rank_.emplace(kOverridesName, static_cast<int>(file_rank_.size()));
      texts_.emplace_back(kOverridesName, record);
    }
  }

  model::Scenario sc_;
  TomlReader r_;  // where, problems, typed getters, quantities, provenance (inputs/toml_reader.hpp)
  std::vector<std::pair<std::string, std::string>> texts_;  // (path, text), parents first
  std::map<std::string, int> file_rank_;
  bool fatal_ = false;
  std::string top_path_;
  std::vector<SourceLoc> ext_stack_;  // where each `extends` on the current chain was written

  // ids -> index
  std::map<std::string, int> grade_ix_, node_ix_, leg_ix_, shipper_ix_;
  std::vector<int> shipper_grade_;  // grade index per shipper (-1 unknown), from a pre-pass

  // ---- problems
  void throw_if_problems() {
    auto& problems_ = r_.problems();
    if (problems_.empty()) return;
    for (const auto& [path, text] : texts_) add_source_context(problems_, path, text);  // the line and a caret
    std::stable_sort(problems_.begin(), problems_.end(), [&](const InputProblem& a, const InputProblem& b) {
      const int ra = rank(a.loc.file), rb = rank(b.loc.file);
      if (ra != rb) return ra < rb;
      if (a.loc.line != b.loc.line) return a.loc.line < b.loc.line;
      return a.loc.column < b.loc.column;
    });
    throw InputError(std::move(problems_));
  }
  int rank(const std::string& file) const {
    auto it = file_rank_.find(file);
    return it == file_rank_.end() ? -1 : it->second;
  }

  // ---- reading and merging
  toml::table read_tree(const fs::path& path, std::vector<std::string>& chain, const toml::node* from,
                        const std::string& from_key, const std::string* text_override) {
    const std::string pstr = path.lexically_normal().generic_string();
    std::string text;
    if (text_override) {
      text = *text_override;
    } else {
      // Only a regular file below the size limit is read; a FIFO or device is refused without blocking
      // (inputs/input_file.hpp).
      InputFile in = read_input_file(path.string());
      if (!in.ok()) {
        const bool not_found = in.status == InputFile::Status::CannotOpen;
        std::error_code dir_ec;
        const bool is_dir = fs::is_directory(path, dir_ec);
        if (from)
          r_.problem(*from, from_key,
                  not_found ? "found " + describe(*from) + ", expected the path of an existing scenario file ('" + pstr +
                                  "' cannot be opened)"
                            : "found " + describe(*from) + ", expected a scenario file ('" + pstr + "' " + in.error + ")");
        else
          r_.problem(SourceLoc{pstr, 0, 0}, "",
                  is_dir ? "found a directory, expected a scenario file (.toml)"
                         : not_found ? "cannot open the scenario file" : "the scenario file " + in.error);
        fatal_ = true;
        return {};
      }
      text = std::move(in.text);
    }
    std::error_code ec;
    const std::string canon = fs::weakly_canonical(path, ec).generic_string();
    if (std::find(chain.begin(), chain.end(), canon) != chain.end()) {
      std::vector<std::string> names;
      for (const auto& c : chain) names.push_back(fs::path(c).filename().generic_string());
      names.push_back(path.filename().generic_string());
      // Reported at the top file's `extends` (the file the user named), naming the whole cycle.
      r_.problem(ext_stack_.empty() ? r_.loc(*from) : ext_stack_.front(), from_key,
              "found a cycle of parents (" + join_list(names, " -> ") +
                  "), expected a chain of `extends` that ends at a file without one");
      fatal_ = true;
      return {};
    }
    chain.push_back(canon);

    toml::table t;
    try {
      t = parse_toml(text, pstr);  // pre-scan against toml++ 3.3 UB, then toml::parse (inputs/toml_prescan.hpp)
    } catch (const toml::parse_error& e) {
      SourceLoc l = r_.loc(e.source());
      if (l.file.empty()) l.file = pstr;
      r_.problem(l, "", syntax_message(e));
      fatal_ = true;
      file_rank_.emplace(pstr, static_cast<int>(file_rank_.size()));
      texts_.emplace_back(pstr, text);
      return {};
    }

    toml::table result;
    // No control characters in any string or key (a "\u0000" title reached the HDF5 writer after the run).
    check_control_chars(t, "", [&](const toml::node& n, const std::string& key, const std::string& msg) { r_.problem(n, key, msg); });
    if (toml::node* ext = t.get("extends")) {
      if (!ext->is_string()) {
        r_.problem(*ext, "extends", "found " + describe(*ext) + ", expected a string: the path of the parent scenario");
      } else {
        const fs::path parent = path.parent_path() / ext->as_string()->get();
        if (static_cast<int>(chain.size()) > kMaxExtendsDepth) {
          // chain = the files from the one named on the command line down to this one.
          r_.problem(*ext, "extends",
                  "found more than " + std::to_string(kMaxExtendsDepth) + " levels of `extends` below " +
                      fs::path(chain.front()).filename().generic_string() + " (this file is level " +
                      std::to_string(chain.size() - 1) + "), expected a chain of at most " +
                      std::to_string(kMaxExtendsDepth) + " parents");
          fatal_ = true;
        } else {
          ext_stack_.push_back(r_.loc(*ext));
          result = read_tree(parent, chain, ext, "extends", nullptr);
          ext_stack_.pop_back();
        }
      }
    }
    file_rank_.emplace(pstr, static_cast<int>(file_rank_.size()));
    texts_.emplace_back(pstr, text);
    chain.pop_back();
    if (fatal_) {
      // keep the extends node alive long enough: problems copied its location already
      return {};
    }
    t.erase("extends");
    merge(result, std::move(t));
    return result;
  }

  /// Child over parent: non-inline tables merge key by key; `events` arrays are appended; per-key
  /// `source`/`assumed` inline tables merge key by key; everything else (values, arrays, other inline
  /// tables, a whole-table note string) replaces. Nodes are moved, so each keeps the
  /// file:line:col where it was written.
  static void merge(toml::table& dst, toml::table&& src) {
    for (auto&& [k, v] : src) {
      toml::node* d = dst.get(k.str());
      const bool prov = k.str() == "source" || k.str() == "assumed";
      if (d && d->is_table() && v.is_table() && !v.as_table()->is_inline() && !d->as_table()->is_inline()) {
        merge(*d->as_table(), std::move(*v.as_table()));
      } else if (prov && d && d->is_table() && v.is_table()) {
        // Per-key notes merge: the child adds or replaces a key's note, the parent's other notes stay.
        for (auto&& [nk, nv] : *v.as_table()) d->as_table()->insert_or_assign(nk, std::move(nv));
      } else if (d && k.str() == "events" && d->is_array() && v.is_array()) {
        auto& da = *d->as_array();
        for (auto& e : *v.as_array()) da.push_back(std::move(e));
      } else {
        dst.insert_or_assign(k, std::move(v));
      }
    }
  }

  /// A reference to an ID in `ix`; `what` = "a node ID".
  std::optional<int> ref(const toml::node& n, const std::string& keypath, const std::map<std::string, int>& ix,
                         const std::string& what) {
    if (!n.is_string()) {
      r_.problem(n, keypath, "found " + describe(n) + ", expected " + what + " (a string)");
      return std::nullopt;
    }
    const std::string& s = n.as_string()->get();
    auto it = ix.find(s);
    if (it != ix.end()) return it->second;
    std::vector<std::string> known;
    for (const auto& [k, v] : ix) known.push_back(k);
    std::string msg = "found \"" + s + "\", expected " + what;
    const std::string near = closest(s, known, 2);
    if (!near.empty())
      msg += " (did you mean `" + near + "`?)";
    else if (!known.empty() && known.size() <= 16)
      msg += " (one of: " + join_list(known) + ")";
    else if (known.empty())
      msg += " (none is defined)";
    r_.problem(n, keypath, msg);
    return std::nullopt;
  }
  std::optional<int> get_ref(const toml::table& t, const std::string& path, const std::string& key,
                             const std::map<std::string, int>& ix, const std::string& what, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) r_.missing(t, path, key, what);
      return std::nullopt;
    }
    return ref(*n, key_path(path, key), ix, what);
  }

  /// A single quantity node -> SI value and dimension, within the physical limits of its dimension.
  std::optional<Quantity> quantity(const toml::node& n, const std::string& keypath, const std::vector<Dim>& dims) {
    auto q = r_.quantity(n, keypath, dims);
    if (!q) return q;
    if (const DimLimit* lim = dim_limit(q->dim); lim && !(q->value >= lim->lo && q->value <= lim->hi)) {
      r_.problem(n, keypath, "found " + raw(n) + ", expected " + lim->text);
      return std::nullopt;
    }
    return q;
  }
  /// v within r, else "found X, expected <range_text(name, r)>".
  bool check_range(const toml::node& n, const std::string& keypath, double v, const Range& r,
                   const std::string& name) {
    return r_.check_range(n, keypath, v, r, range_text(name, r));
  }

  /// Quantity under t[key] with a range check.
  std::optional<Quantity> get_quantity(const toml::table& t, const std::string& path, const std::string& key,
                                       const std::vector<Dim>& dims, const Range& r, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) r_.missing(t, path, key, expected_dims(dims));
      return std::nullopt;
    }
    auto q = quantity(*n, key_path(path, key), dims);
    if (!q) return std::nullopt;
    if (!check_range(*n, key_path(path, key), q->value, r, key)) return std::nullopt;
    return q;
  }

  /// A date node (TOML date or "YYYY-MM-DD") -> seconds since epoch.
  std::optional<double> date(const toml::node& n, const std::string& keypath) {
    int y = 0, m = 0, d = 0;
    if (auto dn = n.as_date()) {
      y = dn->get().year;
      m = dn->get().month;
      d = dn->get().day;
    } else if (auto s = n.as_string()) {
      const auto days = model::parse_iso_date(s->get());
      if (!days) {
        r_.problem(n, keypath, "found " + describe(n) + ", expected a valid date YYYY-MM-DD (e.g. 2025-01-01)");
        return std::nullopt;
      }
      unsigned mu = 0, du = 0;
      model::civil_from_days(*days, y, mu, du);
      m = static_cast<int>(mu);
      d = static_cast<int>(du);
    } else {
      r_.problem(n, keypath, "found " + describe(n) + ", expected a date YYYY-MM-DD (e.g. 2025-01-01)");
      return std::nullopt;
    }
    if (y < 1900 || y > 2200) {
      r_.problem(n, keypath, "found " + describe(n) + ", expected a date between 1900 and 2200");
      return std::nullopt;
    }
    return model::epoch_seconds(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  }
  std::optional<double> get_date(const toml::table& t, const std::string& path, const std::string& key,
                                 bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) r_.missing(t, path, key, "a date YYYY-MM-DD");
      return std::nullopt;
    }
    return date(*n, key_path(path, key));
  }

  struct SeriesValue {
    Series s;
    Dim dim = Dim::Dimensionless;
  };

  /// A constant or {interp, points = [[date, value], ...]}; every value in `dims` (one dimension
  /// for the whole series) and in range `r`.
  std::optional<SeriesValue> series(const toml::node& n, const std::string& keypath, const std::vector<Dim>& dims,
                                    const Range& r, const std::string& name) {
    SeriesValue out;
    out.s.loc = r_.loc(n);
    const toml::table* t = n.as_table();
    if (!t) {
      if (n.is_array()) {
        r_.problem(n, keypath, "found " + describe(n) + ", expected " + expected_dims(dims) +
                                " or a series { interp = \"step\", points = [[\"2025-01-01\", value], ...] }");
        return std::nullopt;
      }
      auto q = quantity(n, keypath, dims);
      if (!q || !check_range(n, keypath, q->value, r, name)) return std::nullopt;
      out.s = Series::constant(q->value);
      out.s.loc = r_.loc(n);
      out.dim = q->dim;
      return out;
    }
    r_.check_keys(*t, keypath, {"interp", "points", "csv", "column", "unit"}, "a series");
    bool ok = true;
    if (auto ip = r_.get_choice(*t, keypath, "interp", {"step", "linear"}, false))
      out.s.interp = *ip == "linear" ? model::Interp::Linear : model::Interp::Step;
    else if (t->get("interp"))
      ok = false;
    if (t->get("csv")) {
      if (t->get("points")) {
        r_.problem(*t->get("points"), keypath + ".points", "found both `points` and `csv`, expected one of them");
        return std::nullopt;
      }
      if (!ok) return std::nullopt;
      return csv_series(*t, keypath, dims, r, name, out);
    }
    const toml::node* pn = t->get("points");
    if (!pn) {
      r_.missing(*t, keypath, "points", "an array of [date, value] pairs");
      return std::nullopt;
    }
    const toml::array* pts = pn->as_array();
    if (!pts || pts->empty()) {
      r_.problem(*pn, keypath + ".points", "found " + describe(*pn) + ", expected a non-empty array of [date, value] pairs");
      return std::nullopt;
    }
    std::optional<Dim> dim0;
    std::string first_unit_text;
    for (size_t i = 0; i < pts->size(); ++i) {
      const toml::node& p = *pts->get(i);
      const std::string kp = keypath + ".points[" + std::to_string(i) + "]";
      const toml::array* pair = p.as_array();
      if (!pair || pair->size() != 2) {
        r_.problem(p, kp, "found " + describe(p) + ", expected a pair [date, value], e.g. [\"2025-01-01\", \"7.5 Mt/yr\"]");
        ok = false;
        continue;
      }
      auto tt = date(*pair->get(0), kp + "[0]");
      auto q = quantity(*pair->get(1), kp + "[1]", dims);
      if (!tt || !q) {
        ok = false;
        continue;
      }
      if (!check_range(*pair->get(1), kp + "[1]", q->value, r, name)) ok = false;
      if (dim0 && *dim0 != q->dim) {
        r_.problem(*pair->get(1), kp + "[1]",
                "found " + describe(*pair->get(1)) + " (a " + dim_name(q->dim) + "), expected a " + dim_name(*dim0) +
                    " like the series' first point (" + first_unit_text + ")");
        ok = false;
        continue;
      }
      if (!dim0) {
        dim0 = q->dim;
        first_unit_text = raw(*pair->get(1));
      }
      if (!out.s.t.empty() && *tt <= out.s.t.back()) {
        r_.problem(*pair->get(0), kp + "[0]",
                "found " + describe(*pair->get(0)) + ", expected a date after " + model::iso_date(out.s.t.back()) +
                    " (series dates must increase strictly)");
        ok = false;
        continue;
      }
      out.s.t.push_back(*tt);
      out.s.v.push_back(q->value);
    }
    if (!ok || out.s.v.empty()) return std::nullopt;
    out.dim = *dim0;
    return out;
  }
  /// A key of an inline table that must name a known ID (`initial = { shipper = ... }`,
  /// `segregated = { grade = ... }`): its index, or a problem with a "did you mean".
  std::optional<int> key_ref(const toml::key& k, const toml::node& v, const std::string& kp,
                             const std::map<std::string, int>& ids, const std::string& what) {
    const auto it = ids.find(std::string(k.str()));
    if (it != ids.end()) return it->second;
    std::vector<std::string> known;
    for (const auto& [id, ix] : ids) known.push_back(id);
    std::string msg = "found " + what + " `" + std::string(k.str()) + "`, expected a " + what + " ID";
    const std::string near = closest(k.str(), known, 2);
    if (!near.empty()) msg += " (did you mean `" + near + "`?)";
    r_.problem(r_.key_loc(k, v), kp, msg);
    return std::nullopt;
  }

  /// A series read from a CSV file: { csv = "file.csv", column = "name", unit = "Mt/yr", interp = ... }.
  /// The file has a header row; its first column holds dates (YYYY-MM-DD), `column` the plain numbers in
  /// `unit`. Errors name the CSV file, line and column.
  std::optional<SeriesValue> csv_series(const toml::table& t, const std::string& keypath, const std::vector<Dim>& dims,
                                        const Range& r, const std::string& name, SeriesValue out) {
    auto file = r_.get_string(t, keypath, "csv", true);
    auto column = r_.get_string(t, keypath, "column", true);
    auto unit = r_.get_string(t, keypath, "unit", true);
    if (!file || !column || !unit) return std::nullopt;
    const toml::node& fn = *t.get("csv");
    const fs::path base = fn.source().path ? fs::path(*fn.source().path).parent_path() : fs::path();
    const fs::path path = (base / *file).lexically_normal();
    // Only a regular file below the size limit is read (inputs/input_file.hpp): /dev/zero or a FIFO is refused.
    InputFile csv = read_input_file(path.string());
    if (!csv.ok()) {
      if (csv.status == InputFile::Status::CannotOpen)
        r_.problem(fn, keypath + ".csv", "found \"" + *file + "\", expected a readable CSV file ('" + path.generic_string() + "' cannot be read)");
      else
        r_.problem(fn, keypath + ".csv", "found \"" + *file + "\", expected a CSV file ('" + path.generic_string() + "' " + csv.error + ")");
      return std::nullopt;
    }
    std::istringstream in(std::move(csv.text));
    // The unit must fit the key: check it once on a sample value.
    Dim dim;
    try {
      dim = parse_quantity("1 " + *unit).dim;
    } catch (const std::invalid_argument& e) {
      r_.problem(*t.get("unit"), keypath + ".unit", "found \"" + *unit + "\" (" + e.what() + "), expected a unit of " + expected_dims(dims));
      return std::nullopt;
    }
    if (std::find(dims.begin(), dims.end(), dim) == dims.end()) {
      r_.problem(*t.get("unit"), keypath + ".unit", "found \"" + *unit + "\" (a " + dim_name(dim) + "), expected a unit of " + expected_dims(dims));
      return std::nullopt;
    }
    auto split = [](const std::string& line) {
      std::vector<std::string> f;
      std::string cur;
      for (char ch : line) {
        if (ch == ',') { f.push_back(cur); cur.clear(); } else if (ch != '\r') cur += ch;
      }
      f.push_back(cur);
      for (auto& x : f) {
        while (!x.empty() && (x.front() == ' ' || x.front() == '"')) x.erase(x.begin());
        while (!x.empty() && (x.back() == ' ' || x.back() == '"')) x.pop_back();
      }
      return f;
    };
    const std::string fname = path.generic_string();
    std::string text, line;
    int lineno = 0;
    int col = -1;
    bool ok = true;
    while (std::getline(in, line)) {
      text += line + "\n";
      ++lineno;
      if (line.empty() || line == "\r") continue;
      const auto f = split(line);
      if (col < 0) {  // header
        for (size_t i = 1; i < f.size(); ++i)
          if (f[i] == *column) col = static_cast<int>(i);
        if (col < 0) {
          std::vector<std::string> names(f.begin() + (f.empty() ? 0 : 1), f.end());
          std::string msg = "found no column `" + *column + "` in " + fname + " (columns: ";
          for (size_t i = 0; i < names.size(); ++i) msg += (i ? ", " : "") + names[i];
          msg += ")";
          const std::string near = closest(*column, names, 2);
          if (!near.empty()) msg += "; did you mean `" + near + "`?";
          r_.problem(*t.get("column"), keypath + ".column", msg);
          return std::nullopt;
        }
        continue;
      }
      const SourceLoc here{fname, lineno, 1};
      const auto days = f.empty() ? std::nullopt : model::parse_iso_date(f[0]);
      if (!days) {
        r_.problem(here, keypath + ".csv", "found date \"" + (f.empty() ? std::string() : f[0]) +
                                            "\", expected a real calendar date YYYY-MM-DD in the first column");
        ok = false;
        continue;
      }
      int y = 0;
      unsigned mo = 0, d = 0;
      model::civil_from_days(*days, y, mo, d);
      if (y < 1900 || y > 2200) {  // as TOML dates; also keeps days_from_civil far from overflow
        r_.problem(here, keypath + ".csv", "found date \"" + f[0] + "\", expected a date between 1900 and 2200");
        ok = false;
        continue;
      }
      int yy;
      unsigned mm, dd;
      model::civil_from_days(model::days_from_civil(y, mo, d), yy, mm, dd);
      if (yy != y || mm != mo || dd != d) {
        r_.problem(here, keypath + ".csv", "found date \"" + f[0] + "\", expected a real calendar date");
        ok = false;
        continue;
      }
      const SourceLoc vloc{fname, lineno, 0};
      if (static_cast<int>(f.size()) <= col || f[static_cast<size_t>(col)].empty()) {
        r_.problem(vloc, keypath + ".csv", "found no value in column `" + *column + "`, expected a number in " + *unit);
        ok = false;
        continue;
      }
      const std::string& vt = f[static_cast<size_t>(col)];
      double v = 0;
      try {
        size_t used = 0;
        const double num = std::stod(vt, &used);
        if (used != vt.size() || !std::isfinite(num)) throw std::invalid_argument(vt);
        v = parse_quantity(vt + " " + *unit).value;
      } catch (const std::exception&) {
        r_.problem(vloc, keypath + ".csv", "found \"" + vt + "\" in column `" + *column + "`, expected a plain number in " + *unit);
        ok = false;
        continue;
      }
      if (const DimLimit* lim = dim_limit(dim); lim && !(v >= lim->lo && v <= lim->hi)) {
        r_.problem(vloc, keypath + ".csv", "found " + vt + " " + *unit + ", expected " + lim->text);
        ok = false;
        continue;
      }
      if (!r.ok(v)) {
        r_.problem(vloc, keypath + ".csv", "found " + vt + " " + *unit + ", expected " + range_text(name, r));
        ok = false;
        continue;
      }
      const double tt = model::epoch_seconds(y, mo, d);
      if (!out.s.t.empty() && tt <= out.s.t.back()) {
        r_.problem(here, keypath + ".csv", "found date " + f[0] + ", expected a date after " + model::iso_date(out.s.t.back()) +
                                            " (series dates must increase strictly)");
        ok = false;
        continue;
      }
      out.s.t.push_back(tt);
      out.s.v.push_back(v);
    }
    if (ok && out.s.v.empty()) {
      r_.problem(fn, keypath + ".csv", "found no data rows in " + fname + ", expected a header and at least one row");
      ok = false;
    }
    if (!ok) return std::nullopt;
    texts_.emplace_back(fname, text);
    out.dim = dim;
    return out;
  }

  std::optional<SeriesValue> get_series(const toml::table& t, const std::string& path, const std::string& key,
                                        const std::vector<Dim>& dims, const Range& r, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) r_.missing(t, path, key, expected_dims(dims) + ", constant or a series");
      return std::nullopt;
    }
    return series(*n, key_path(path, key), dims, r, key);
  }

  /// `source` and `assumed` (TomlReader::provenance): inline tables may annotate only `value_keys`, a note must
  /// not be empty. Returns the citation text (for Grade.source); records every assumption.
  std::string provenance(const toml::table& t, const std::string& path, const std::vector<std::string>& value_keys) {
    return r_.provenance(t, path, sc_.assumptions, &value_keys, true);
  }
  static std::vector<std::string> with_prov(std::vector<std::string> keys) {
    keys.push_back("source");
    keys.push_back("assumed");
    return keys;
  }
  static std::vector<std::string> value_keys_of(const std::vector<std::string>& keys) {
    std::vector<std::string> v;
    for (const auto& k : keys)
      if (k != "source" && k != "assumed") v.push_back(k);
    return v;
  }

  /// Entries of a [section.ID] table, ordered as written (parent file first).
  std::vector<Entry> entries(const toml::table& root, const std::string& section) {
    std::vector<Entry> out;
    const toml::node* n = root.get(section);
    if (!n) return out;
    const toml::table* t = n->as_table();
    if (!t) {
      r_.problem(*n, section, "found " + describe(*n) + ", expected a table of [" + section + ".ID] tables");
      return out;
    }
    for (auto&& [k, v] : *t) {
      const std::string id(k.str());
      if (!valid_id(id)) {
        r_.problem(r_.key_loc(k, v), section + "." + id,
                "found ID \"" + id + "\", expected an ID of letters, digits, '_' or '-'");
        continue;
      }
      if (!v.is_table()) {
        r_.problem(v, section + "." + id, "found " + describe(v) + ", expected a table [" + section + "." + id + "]");
        continue;
      }
      out.push_back({id, v.as_table(), &k});
    }
    std::stable_sort(out.begin(), out.end(), [&](const Entry& a, const Entry& b) {
      const SourceLoc la = r_.loc(a.key->source()), lb = r_.loc(b.key->source());
      const int ra = rank(la.file), rb = rank(lb.file);
      if (ra != rb) return ra < rb;
      if (la.line != lb.line) return la.line < lb.line;
      return la.column < lb.column;
    });
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Building the scenario

  void build(const toml::table& root) {
    r_.check_keys(root, "", {"title", "description", "simulation", "grades", "nodes", "legs", "shippers", "events", "uncertainty"},
               "a scenario");
    if (auto s = r_.get_string(root, "", "title", false)) sc_.title = *s;
    if (sc_.title.empty()) sc_.title = fs::path(sc_.file).stem().string();
    r_.get_string(root, "", "description", false);

    simulation(root);
    const auto grades = entries(root, "grades");
    const auto nodes = entries(root, "nodes");
    const auto legs = entries(root, "legs");
    const auto shippers = entries(root, "shippers");
    for (const auto& e : grades) grade_ix_.emplace(e.id, static_cast<int>(grade_ix_.size()));
    for (const auto& e : nodes) node_ix_.emplace(e.id, static_cast<int>(node_ix_.size()));
    for (const auto& e : legs) leg_ix_.emplace(e.id, static_cast<int>(leg_ix_.size()));
    for (const auto& e : shippers) shipper_ix_.emplace(e.id, static_cast<int>(shipper_ix_.size()));
    if (grades.empty()) r_.problem(root, "grades", "missing section, expected at least one [grades.ID] table");
    if (nodes.empty()) r_.problem(root, "nodes", "missing section, expected at least one [nodes.ID] table");
    if (legs.empty()) r_.problem(root, "legs", "missing section, expected at least one [legs.ID] table");
    if (shippers.empty()) r_.problem(root, "shippers", "missing section, expected at least one [shippers.ID] table");

    const std::pair<const std::vector<Entry>*, const char*> sections[] = {
        {&grades, "grades"}, {&nodes, "nodes"}, {&legs, "legs"}, {&shippers, "shippers"}};
    for (const auto& [v, name] : sections)
      if (v->size() > kMaxEntities)
        r_.problem(*(*v)[kMaxEntities].table, std::string(name) + "." + (*v)[kMaxEntities].id,
                "found " + std::to_string(v->size()) + " [" + name + ".ID] tables, expected at most " + std::to_string(kMaxEntities));
    for (const auto& e : grades) grade(e);
    // Pre-pass: each shipper's grade, needed to convert node stocks given in mass.
    shipper_grade_.assign(shippers.size(), -1);
    for (size_t i = 0; i < shippers.size(); ++i)
      if (const toml::node* g = shippers[i].table->get("grade"))
        if (g->is_string()) {
          auto it = grade_ix_.find(g->as_string()->get());
          if (it != grade_ix_.end()) shipper_grade_[i] = it->second;
        }
    for (const auto& e : nodes) node(e);
    for (const auto& e : legs) leg(e);
    for (size_t i = 0; i < shippers.size(); ++i) shipper(shippers[i], static_cast<int>(i));
    events(root);
    read_uncertainty(root, r_, sc_, leg_ix_);
    daily_values(root);
  }

  /// The run keeps the state (and a few per-leg and per-shipper quantities) of every day in memory: per day
  /// about S x (N + 4 L + 3) + R + L doubles for S shippers, N nodes, L legs, R routes (solvers/dynamics.hpp
  /// RunResult). Bounded by kMaxDailyValues (2e7 values, 160 MB of doubles; the run's peak memory stays below
  /// about 1 GB).
  void daily_values(const toml::table& root) {
    if (!(sc_.end > sc_.start)) return;
    double routes = 0;
    for (const auto& sh : sc_.shippers) routes += static_cast<double>(sh.routes.size());
    const double S = static_cast<double>(sc_.shippers.size()), N = static_cast<double>(sc_.nodes.size()),
                 L = static_cast<double>(sc_.legs.size());
    const double days = std::ceil((sc_.end - sc_.start + sc_.spinup) / model::kDay);  // the spin-up is simulated too
    const double per_day = S * (N + 4 * L + 3) + routes + L;
    if (days * per_day > kMaxDailyValues) {
      const toml::node* sim = root.get("simulation");
      const toml::node* end = sim && sim->as_table() ? sim->as_table()->get("end") : nullptr;
      r_.problem(end ? *end : static_cast<const toml::node&>(root), "simulation.end",
              "found " + fmt_num(days) + " days x " + fmt_num(per_day) + " state values per day (" + fmt_num(S) + " shippers, " +
                  fmt_num(N) + " nodes, " + fmt_num(L) + " legs, " + fmt_num(routes) + " routes) = " + fmt_num(days * per_day) +
                  ", expected at most " + fmt_num(kMaxDailyValues) + " (the daily results are kept in memory): shorten the run or the network");
    }
  }

  void simulation(const toml::table& root) {
    const toml::node* n = root.get("simulation");
    if (!n) {
      r_.problem(root, "simulation", "missing section, expected [simulation] with start and end dates");
      return;
    }
    const toml::table* t = n->as_table();
    if (!t) {
      r_.problem(*n, "simulation", "found " + describe(*n) + ", expected a table [simulation]");
      return;
    }
    const std::string p = "simulation";
    r_.check_keys(*t, p, with_prov({"start", "end", "rtol", "spinup"}), "[simulation]");
    provenance(*t, p, {"start", "end", "rtol", "spinup"});
    auto s = get_date(*t, p, "start", true);
    auto e = get_date(*t, p, "end", true);
    if (s) sc_.start = *s;
    if (e) sc_.end = *e + model::kDay;  // `end` is the last simulated day, inclusive
    if (s && e && *e < *s)
      r_.problem(*t->get("end"), p + ".end",
              "found " + describe(*t->get("end")) + ", expected a last day on or after start (" +
                  model::iso_date(*s) + ")");
    else if (s && e && (*e + model::kDay - *s) / model::kDay > kMaxSpanDays)
      r_.problem(*t->get("end"), p + ".end",
              "found " + describe(*t->get("end")) + ", expected a simulation of at most 200 years (a last day before " +
                  model::iso_date(*s + std::floor(kMaxSpanDays) * model::kDay) + ")");
    if (auto q = get_quantity(*t, p, "rtol", {Dim::Dimensionless}, Range{1e-12, 1e-3, true, true}, false))
      sc_.rtol = q->value;
    // Spin-up before `start`, not reported (docs/scenario-format.md): whole days, at most 10 years.
    if (auto q = get_quantity(*t, p, "spinup", {Dim::Time}, Range{0, 3652.5 * model::kDay, true, true}, false)) {
      if (std::abs(q->value / model::kDay - std::round(q->value / model::kDay)) > 1e-9)
        r_.problem(*t->get("spinup"), p + ".spinup", "found " + describe(*t->get("spinup")) + ", expected a whole number of days");
      else
        sc_.spinup = std::round(q->value / model::kDay) * model::kDay;
    }
  }

  void grade(const Entry& e) {
    const std::string p = "grades." + e.id;
    const toml::table& t = *e.table;
    const std::vector<std::string> keys{"name", "density", "api", "sulphur", "viscosity"};
    r_.check_keys(t, p, with_prov(keys), "a grade");
    model::Grade g;
    g.id = e.id;
    g.loc = r_.loc(t);
    g.name = r_.get_string(t, p, "name", false).value_or(e.id);
    g.source = provenance(t, p, keys);
    const toml::node* dn = t.get("density");
    const toml::node* an = t.get("api");
    if (dn && an) {
      r_.problem(*an, p + ".api", "found both `density` and `api`, expected exactly one of them");
    } else if (!dn && !an) {
      r_.missing(t, p, "density", "a density (" + units_for(Dim::Density) + ") or `api` (degrees API)");
    } else if (dn) {
      if (auto q = get_quantity(t, p, "density", {Dim::Density}, Range{500, 1100, false, false}, true))
        g.density = q->value;
    } else {
      // API MPMS 11.1 / ASTM D1250: SG(60F) = 141.5/(API + 131.5); water at 60 F = 999.016 kg/m3.
      if (auto q = get_quantity(t, p, "api", {Dim::Dimensionless}, Range{0, 100, true, true}, true))
        g.density = model::density_from_api(q->value);
    }
    if (auto q = get_quantity(t, p, "sulphur", {Dim::Fraction}, kUnit, false)) g.sulphur = q->value;
    if (const toml::node* vn = t.get("viscosity")) viscosity(*vn, p + ".viscosity", g);
    sc_.grades.push_back(std::move(g));
  }

  void viscosity(const toml::node& n, const std::string& kp, model::Grade& g) {
    const char* expect = "two points [[\"20 degC\", \"6 cSt\"], [\"40 degC\", \"3.5 cSt\"]]";
    const toml::array* a = n.as_array();
    if (!a || a->size() != 2) {
      r_.problem(n, kp, "found " + describe(n) + ", expected " + expect);
      return;
    }
    double T[2] = {0, 0}, nu[2] = {0, 0};
    for (size_t i = 0; i < 2; ++i) {
      const toml::array* pt = a->get(i)->as_array();
      const std::string kpi = kp + "[" + std::to_string(i) + "]";
      if (!pt || pt->size() != 2) {
        r_.problem(*a->get(i), kpi, "found " + describe(*a->get(i)) + ", expected [temperature, viscosity], e.g. [\"20 degC\", \"6 cSt\"]");
        return;
      }
      auto tq = quantity(*pt->get(0), kpi + "[0]", {Dim::Temperature});
      auto nq = quantity(*pt->get(1), kpi + "[1]", {Dim::KinViscosity});
      if (!tq || !nq) return;
      // Both are also within their dimension's limits (quantity()): -40..150 degC, 0.1..100,000 cSt.
      T[i] = tq->value;
      nu[i] = nq->value;
    }
    if (T[0] == T[1]) {
      r_.problem(*a->get(1), kp + "[1][0]", "found " + raw(*a->get(1)->as_array()->get(0)) +
                                            ", expected a temperature different from the first point's");
      return;
    }
    if ((T[1] - T[0]) * (nu[1] - nu[0]) >= 0) {
      r_.problem(*a->get(1), kp + "[1][1]", "found " + raw(*a->get(1)->as_array()->get(1)) +
                                            ", expected viscosity to fall as temperature rises (ASTM D341)");
      return;
    }
    g.visc_t1 = T[0];
    g.visc_nu1 = nu[0];
    g.visc_t2 = T[1];
    g.visc_nu2 = nu[1];
  }

  double shipper_density(int s) const {
    if (s < 0 || s >= static_cast<int>(shipper_grade_.size()) || shipper_grade_[s] < 0) return 0.0;
    return sc_.grades[shipper_grade_[s]].density;
  }

  void node(const Entry& e) {
    const std::string p = "nodes." + e.id;
    const toml::table& t = *e.table;
    const std::vector<std::string> keys{"kind", "name", "capacity", "heel", "initial", "segregated"};
    r_.check_keys(t, p, with_prov(keys), "a node");
    provenance(t, p, keys);
    model::Node nd;
    nd.id = e.id;
    nd.loc = r_.loc(t);
    nd.name = r_.get_string(t, p, "name", false).value_or(e.id);
    auto kind = r_.get_choice(t, p, "kind", {"origin", "storage", "junction", "sink"}, true);
    if (kind) {
      if (*kind == "origin") nd.kind = model::NodeKind::Origin;
      if (*kind == "storage") nd.kind = model::NodeKind::Storage;
      if (*kind == "junction") nd.kind = model::NodeKind::Junction;
      if (*kind == "sink") nd.kind = model::NodeKind::Sink;
    }
    const toml::node* capn = t.get("capacity");
    auto cap = get_quantity(t, p, "capacity", {Dim::Volume}, kPositive, kind && *kind == "storage");
    if (cap) nd.capacity = cap->value;
    if (capn && kind && (*kind == "junction" || *kind == "sink"))
      r_.problem(*capn, p + ".capacity", "found capacity on a " + *kind + " node, expected storage only at \"storage\" or \"origin\" nodes");
    if (const toml::node* hn = t.get("heel")) {
      if (!capn) {
        r_.problem(*hn, p + ".heel", "found a heel without `capacity`, expected `capacity` to be set first");
      } else if (auto h = get_quantity(t, p, "heel", {Dim::Volume}, kNonNeg, false)) {
        if (cap && h->value >= cap->value)
          r_.problem(*hn, p + ".heel", "found " + raw(*hn) + ", expected 0 <= heel < capacity (" + raw(*capn) + ")");
        else
          nd.heel = h->value;
      }
    }
    if (const toml::node* in = t.get("initial")) {
      const toml::table* it = in->as_table();
      if (!it) {
        r_.problem(*in, p + ".initial", "found " + describe(*in) + ", expected an inline table { shipper = \"volume or mass\" }");
      } else if (!capn) {
        r_.problem(*in, p + ".initial", "found initial stock at a node without `capacity`, expected `capacity` to be set");
      } else {
        double sum = 0;
        bool ok = true;
        for (auto&& [k, v] : *it) {
          const std::string kp = p + ".initial." + std::string(k.str());
          const auto sref = key_ref(k, v, kp, shipper_ix_, "shipper");
          if (!sref) {
            ok = false;
            continue;
          }
          const int si = *sref;
          auto q = quantity(v, kp, {Dim::Volume, Dim::Mass});
          if (!q || !check_range(v, kp, q->value, kNonNeg, "initial stock")) {
            ok = false;
            continue;
          }
          double vol = q->value;
          if (q->dim == Dim::Mass) {
            const double rho = shipper_density(si);
            if (rho <= 0) {
              ok = false;  // the shipper's grade problem is reported where the grade is named
              continue;
            }
            vol = q->value / rho;
          }
          sum += vol;
          nd.initial.emplace_back(si, vol);
        }
        if (ok && cap && sum > nd.capacity - nd.heel + 1e-9 * nd.capacity) {
          r_.problem(*in, p + ".initial",
                  "found a total of " + fmt_num(sum) + " m3 (" + fmt_num(sum / model::kBarrel / 1e6) +
                      " Mbbl), expected at most capacity - heel = " + fmt_num(nd.capacity - nd.heel) + " m3 (" +
                      fmt_num((nd.capacity - nd.heel) / model::kBarrel / 1e6) + " Mbbl)");
        }
      }
    }
    if (const toml::node* sn = t.get("segregated")) {
      const toml::table* st = sn->as_table();
      if (!st) {
        r_.problem(*sn, p + ".segregated", "found " + describe(*sn) + ", expected an inline table { grade = \"volume\" }");
      } else if (!capn) {
        r_.problem(*sn, p + ".segregated", "found segregated tanks at a node without `capacity`, expected `capacity` to be set");
      } else {
        double sum = 0;
        for (auto&& [k, v] : *st) {
          const std::string kp = p + ".segregated." + std::string(k.str());
          const auto gref = key_ref(k, v, kp, grade_ix_, "grade");
          if (!gref) continue;
          auto q = quantity(v, kp, {Dim::Volume});
          if (!q || !check_range(v, kp, q->value, kPositive, "segregated tank volume")) continue;
          sum += q->value;
          nd.segregated.emplace_back(*gref, q->value);
        }
        if (cap && sum > nd.capacity - nd.heel + 1e-9 * nd.capacity)
          r_.problem(*sn, p + ".segregated",
                  "found a total of " + fmt_num(sum) + " m3, expected at most capacity - heel = " + fmt_num(nd.capacity - nd.heel) + " m3");
      }
    }
    sc_.nodes.push_back(std::move(nd));
  }

  void leg(const Entry& e) {
    const std::string p = "legs." + e.id;
    const toml::table& t = *e.table;
    model::Leg lg;
    lg.id = e.id;
    lg.loc = r_.loc(t);
    auto kind = r_.get_choice(t, p, "kind", {"fixed", "port", "tanker", "pipeline"}, true);
    std::vector<std::string> keys{"kind", "name", "from", "to", "max_sulphur", "min_api", "max_api"};
    if (kind) {
      if (*kind == "fixed" || *kind == "pipeline") keys.push_back("capacity");
      if (*kind == "port") keys.insert(keys.end(), {"berths", "rate", "availability"});
      if (*kind == "tanker")
        keys.insert(keys.end(), {"fleet", "cargo", "distance", "speed", "load_time", "unload_time", "weather"});
      if (*kind == "pipeline") keys.insert(keys.end(), {"linefill", "linefill_owner", "hydraulics", "dra"});
      r_.check_keys(t, p, with_prov(keys), "a " + *kind + " leg");
    } else {
      keys.insert(keys.end(), {"capacity", "berths", "rate", "availability", "fleet", "cargo", "distance", "speed",
                               "load_time", "unload_time", "weather", "linefill", "linefill_owner", "hydraulics", "dra"});
      r_.check_keys(t, p, with_prov(keys), "a leg");
    }
    provenance(t, p, keys);
    lg.name = r_.get_string(t, p, "name", false).value_or(e.id);
    auto from = get_ref(t, p, "from", node_ix_, "a node ID", true);
    auto to = get_ref(t, p, "to", node_ix_, "a node ID", true);
    if (from) lg.from = *from;
    if (to) lg.to = *to;
    if (from && to && *from == *to)
      r_.problem(*t.get("to"), p + ".to", "found " + describe(*t.get("to")) + ", expected a node other than `from`");
    if (to && sc_.nodes[*to].kind == model::NodeKind::Origin)
      r_.problem(*t.get("to"), p + ".to", "found origin node " + describe(*t.get("to")) + ", expected a node that can receive crude (storage, junction or sink)");
    if (from && sc_.nodes[*from].kind == model::NodeKind::Sink)
      r_.problem(*t.get("from"), p + ".from", "found sink node " + describe(*t.get("from")) + ", expected a node that can send crude (origin, storage or junction)");
    if (!kind) {
      sc_.legs.push_back(std::move(lg));
      return;
    }
    const std::vector<Dim> flow{Dim::MassFlow, Dim::VolumeFlow};
    auto basis_of = [](Dim d) { return d == Dim::MassFlow || d == Dim::Mass ? model::CapBasis::Mass : model::CapBasis::Volume; };
    // Quality limits on the blend entering the leg (any kind).
    // Each a constant or a series (a policy that changes over time); max_sulphur 0 = no limit at that time.
    if (auto s = get_series(t, p, "max_sulphur", {Dim::Fraction}, Range{0.0, 1.0, true, true}, false)) {
      lg.max_sulphur = s->s;
      if (s->s.v.size() == 1 && !(s->s.v[0] > 0))
        r_.problem(*t.get("max_sulphur"), p + ".max_sulphur", "found " + describe(*t.get("max_sulphur")) + ", expected 0 < max_sulphur <= 1 (0 only inside a series, for no limit at that time)");
    }
    auto api_density = [](double api) { return model::density_from_api(api); };
    auto min_api = get_series(t, p, "min_api", {Dim::Dimensionless}, Range{0, 100, true, true}, false);
    auto max_api = get_series(t, p, "max_api", {Dim::Dimensionless}, Range{0, 100, true, true}, false);
    if (min_api) {
      lg.max_density = min_api->s;
      for (double& v : lg.max_density.v) v = api_density(v);
    }
    if (max_api) {
      lg.min_density = max_api->s;
      for (double& v : lg.min_density.v) v = api_density(v);
    }
    if (min_api && max_api) {
      // min_api < max_api wherever either changes.
      std::vector<double> ts = min_api->s.t;
      ts.insert(ts.end(), max_api->s.t.begin(), max_api->s.t.end());
      for (double tt : ts)
        if (min_api->s.at(tt) >= max_api->s.at(tt)) {
          r_.problem(*t.get("max_api"), p + ".max_api", "found " + fmt_num(max_api->s.at(tt)) + " on " + model::iso_date(tt) +
                                                       ", expected a value above min_api (" + fmt_num(min_api->s.at(tt)) + " then)");
          break;
        }
    }
    if (*kind == "fixed" || *kind == "pipeline") {
      lg.kind = *kind == "fixed" ? model::LegKind::Fixed : model::LegKind::Pipeline;
      const bool hydraulic = *kind == "pipeline" && t.get("hydraulics");
      if (hydraulic && t.get("capacity"))
        r_.problem(*t.get("capacity"), p + ".capacity",
                "found a capacity on a pipeline with `hydraulics`, expected none: its capacity comes from the flow equations");
      if (hydraulic) {
        lg.basis = model::CapBasis::Volume;
      } else if (auto s = get_series(t, p, "capacity", flow, kNonNeg, true)) {
        lg.capacity = s->s;
        lg.basis = basis_of(s->dim);
      }
    }
    if (*kind == "pipeline") {
      const toml::node* lf = t.get("linefill");
      const toml::node* lo = t.get("linefill_owner");
      if (auto q = get_quantity(t, p, "linefill", {Dim::Volume}, kPositive, false)) lg.linefill = q->value;
      if (lf && !lo) r_.missing(t, p, "linefill_owner", "the shipper ID owning the initial linefill (required with `linefill`)");
      if (lo && !lf)
        r_.problem(*lo, p + ".linefill_owner", "found a linefill owner without `linefill`, expected `linefill` (a volume) to be set");
      if (lo)
        if (auto s = ref(*lo, p + ".linefill_owner", shipper_ix_, "a shipper ID")) lg.linefill_owner = *s;
      if (t.get("dra") && !t.get("hydraulics"))
        r_.problem(*t.get("dra"), p + ".dra", "found a drag reduction on a pipeline without `hydraulics`, expected `hydraulics` to be set");
      if (auto s = get_series(t, p, "dra", {Dim::Fraction}, Range{0.0, 0.9, true, true}, false)) lg.dra = s->s;
      if (const toml::node* hn = t.get("hydraulics")) {
        if (!hn->is_string() || hn->as_string()->get().empty()) {
          r_.problem(*hn, p + ".hydraulics", "found " + describe(*hn) + ", expected the path of a hydraulic pipeline description");
        } else {
          const fs::path base = hn->source().path ? fs::path(*hn->source().path).parent_path() : fs::path();
          const fs::path resolved = (base / hn->as_string()->get()).lexically_normal();
          std::error_code ec;
          const fs::file_status st = fs::status(resolved, ec);
          if (fs::exists(st) && !fs::is_regular_file(st))
            r_.problem(*hn, p + ".hydraulics", "found " + describe(*hn) + ", expected a regular file ('" +
                                               resolved.generic_string() + "' is " +
                                               (fs::is_directory(st) ? "a directory" : fs::is_fifo(st) ? "a FIFO (named pipe)"
                                                : fs::is_character_file(st) ? "a character device" : "not a regular file") + ")");
          else if (!fs::is_regular_file(st))
            r_.problem(*hn, p + ".hydraulics", "found " + describe(*hn) + ", expected the path of an existing file (relative to " +
                                               (base.empty() ? std::string(".") : base.generic_string()) + "; '" +
                                               resolved.generic_string() + "' not found)");
          else
            lg.hydraulic_model = resolved.generic_string();
        }
      }
    }
    if (*kind == "port") {
      lg.kind = model::LegKind::Port;
      if (auto s = get_series(t, p, "berths", {Dim::Dimensionless}, Range{0, kMaxBerths, true, true}, true)) lg.berths = s->s;
      if (auto q = get_quantity(t, p, "rate", flow, kPositive, true)) {
        lg.berth_rate = q->value;
        lg.basis = basis_of(q->dim);
        if (!lg.berths.v.empty()) {
          const double most = *std::max_element(lg.berths.v.begin(), lg.berths.v.end()) * q->value;
          const DimLimit* lim = dim_limit(q->dim);
          if (lim && most > lim->hi)
            r_.problem(*t.get("rate"), p + ".rate", "found berths x rate = " + fmt_num(most) + (q->dim == Dim::MassFlow ? " kg/s" : " m3/s") +
                                                   ", expected " + lim->text);
        }
      }
      if (auto q = get_quantity(t, p, "availability", {Dim::Fraction}, kUnit, false)) lg.availability = q->value;
    }
    if (*kind == "tanker") {
      lg.kind = model::LegKind::Tanker;
      if (auto s = get_series(t, p, "fleet", {Dim::Dimensionless}, Range{0, kMaxFleet, true, true}, true)) lg.fleet = s->s;
      if (auto q = get_quantity(t, p, "cargo", {Dim::Mass, Dim::Volume}, kPositive, true)) {
        lg.cargo = q->value;
        lg.basis = basis_of(q->dim);
      }
      if (auto q = get_quantity(t, p, "distance", {Dim::Length}, kPositive, true)) lg.distance = q->value;
      if (auto q = get_quantity(t, p, "speed", {Dim::Speed}, kPositive, true)) lg.speed = q->value;
      const Range port_time{0, 365 * model::kDay, true, true};  // s: at most 365 d per call
      if (auto q = get_quantity(t, p, "load_time", {Dim::Time}, port_time, true)) lg.load_time = q->value;
      if (auto q = get_quantity(t, p, "unload_time", {Dim::Time}, port_time, true)) lg.unload_time = q->value;
      // The integrator's step is at most 0.45 transit times (solvers/dynamics.cpp): a crossing of 1 m with no
      // port time never finished. Shorter than kMinTransit is outside the model's range.
      if (lg.distance > 0 && lg.speed > 0 && t.get("load_time") && t.get("unload_time")) {
        const double tr = lg.transit_time();
        if (tr < kMinTransit)
          r_.problem(*t.get("distance"), p + ".distance",
                  "found a transit time load_time/2 + distance/speed + unload_time/2 of " + fmt_num(tr) +
                      " s, expected at least 1 h (a shorter tanker crossing is outside the model's range; use a fixed leg)");
        else if (lg.cargo > 0 && !lg.fleet.v.empty()) {
          const double most = *std::max_element(lg.fleet.v.begin(), lg.fleet.v.end()) * lg.cargo / lg.cycle_time();
          const bool mass = lg.basis == model::CapBasis::Mass;
          const DimLimit* lim = dim_limit(mass ? Dim::MassFlow : Dim::VolumeFlow);
          if (most > lim->hi)
            r_.problem(*t.get("cargo"), p + ".cargo", "found fleet x cargo / cycle = " + fmt_num(most) + (mass ? " kg/s" : " m3/s") +
                                                     ", expected " + lim->text);
        }
      }
      if (const toml::node* w = t.get("weather")) {
        if (w->is_table()) {  // a dated series: availability per month of each year, or any dates
          if (auto s = series(*w, p + ".weather", {Dim::Fraction}, kUnit, "weather availability")) lg.weather_series = s->s;
        } else if (const toml::array* wa = w->as_array()) {
          if (wa->size() != 12) {
            r_.problem(*w, p + ".weather", "found " + describe(*w) + ", expected one fraction, 12 monthly fractions (Jan..Dec) or a series { points = [[\"2025-01-01\", 0.8], ...] }");
          } else {
            for (size_t m = 0; m < 12; ++m) {
              const std::string kp = p + ".weather[" + std::to_string(m) + "]";
              auto q = quantity(*wa->get(m), kp, {Dim::Fraction});
              if (q && check_range(*wa->get(m), kp, q->value, kUnit, "weather availability")) lg.weather[m] = q->value;
            }
          }
        } else if (auto q = quantity(*w, p + ".weather", {Dim::Fraction})) {
          if (check_range(*w, p + ".weather", q->value, kUnit, "weather availability"))
            for (double& x : lg.weather) x = q->value;
        }
      }
    }
    // Crude in transit (tanker cargoes, pipeline linefill) arrives after a delay, so it needs somewhere to wait
    // or leave: the run's state has no room for it at a junction (docs/model.md, "Dynamics").
    const bool delayed = lg.kind == model::LegKind::Tanker || (lg.kind == model::LegKind::Pipeline && lg.linefill > 0);
    if (delayed && to && !sc_.nodes[*to].has_storage() && sc_.nodes[*to].kind != model::NodeKind::Sink)
      r_.problem(*t.get("to"), p + ".to",
              "found node '" + sc_.nodes[*to].id + "' without storage, expected a storage or sink node at the end of a "
              "leg with a transit delay (tanker or pipeline with linefill)");
    sc_.legs.push_back(std::move(lg));
  }

  void shipper(const Entry& e, int index) {
    const std::string p = "shippers." + e.id;
    const toml::table& t = *e.table;
    const std::vector<std::string> keys{"name", "grade", "origin", "supply", "priority", "kazakh", "routes"};
    r_.check_keys(t, p, with_prov(keys), "a shipper");
    provenance(t, p, keys);
    model::Shipper sh;
    sh.id = e.id;
    sh.loc = r_.loc(t);
    sh.name = r_.get_string(t, p, "name", false).value_or(e.id);
    if (auto g = get_ref(t, p, "grade", grade_ix_, "a grade ID", true)) sh.grade = *g;
    const double rho = shipper_density(index);
    if (auto o = get_ref(t, p, "origin", node_ix_, "a node ID", true)) {
      if (sc_.nodes[*o].kind == model::NodeKind::Origin)
        sh.origin = *o;  // left -1 otherwise, so routes are not also reported as starting elsewhere
      else
        r_.problem(*t.get("origin"), p + ".origin",
                "found " + describe(*t.get("origin")) + ", expected a node of kind \"origin\"");
    }
    if (auto s = get_series(t, p, "supply", {Dim::MassFlow, Dim::VolumeFlow}, kNonNeg, true)) {
      sh.supply = s->s;
      if (s->dim == Dim::VolumeFlow)
        for (double& v : sh.supply.v) v *= rho;  // m3/s -> kg/s with the grade density
    }
    if (auto pr = r_.get_choice(t, p, "priority", {"firm", "interruptible"}, false))
      sh.priority = *pr == "firm" ? model::Priority::Firm : model::Priority::Interruptible;
    if (auto k = r_.get_bool(t, p, "kazakh", false)) sh.kazakh = *k;
    const toml::node* rn = t.get("routes");
    if (!rn) {
      r_.missing(t, p, "routes", "at least one [[" + p + ".routes]] table");
    } else if (!rn->is_array_of_tables() || rn->as_array()->empty()) {
      r_.problem(*rn, p + ".routes", "found " + describe(*rn) + ", expected an array of route tables [[" + p + ".routes]]");
    } else {
      const toml::array& ra = *rn->as_array();
      if (ra.size() > kMaxRoutes)
        r_.problem(*ra.get(kMaxRoutes), p + ".routes[" + std::to_string(kMaxRoutes) + "]",
                "found " + std::to_string(ra.size()) + " routes, expected at most " + std::to_string(kMaxRoutes) + " per shipper");
      std::set<std::string> route_ids;
      for (size_t i = 0; i < ra.size(); ++i) {
        auto r = route(*ra.get(i)->as_table(), p + ".routes[" + std::to_string(i) + "]", sh, rho, i);
        if (!r) continue;
        if (!route_ids.insert(r->id).second)
          r_.problem(*ra.get(i)->as_table()->get("id"), p + ".routes[" + std::to_string(i) + "].id",
                  "found duplicate route id \"" + r->id + "\", expected a route id unique within the shipper");
        sh.routes.push_back(std::move(*r));
      }
    }
    sc_.shippers.push_back(std::move(sh));
  }

  std::optional<model::Route> route(const toml::table& t, const std::string& p, const model::Shipper& sh, double rho,
                                    size_t i) {
    const std::vector<std::string> keys{"id", "legs", "annual_ceiling", "nomination", "priority"};
    r_.check_keys(t, p, with_prov(keys), "a route");
    provenance(t, p, keys);
    model::Route r;
    r.loc = r_.loc(t);
    r.id = r_.get_string(t, p, "id", false).value_or("route" + std::to_string(i + 1));
    // A mass or volume per calendar year ("1.5 Mt"), or a rate read as that much a year ("1.5 Mt/yr"); a
    // constant or a step series (the ceiling in force caps what entered since 1 January).
    if (auto s = get_series(t, p, "annual_ceiling", {Dim::Mass, Dim::Volume, Dim::MassFlow, Dim::VolumeFlow}, kNonNeg, false)) {
      if (s->s.interp == model::Interp::Linear) {
        r_.problem(*t.get("annual_ceiling"), p + ".annual_ceiling", "found interp = \"linear\", expected a step series (a ceiling changes on dates)");
      } else {
        r.annual_ceiling = s->s;
        const double per_year = s->dim == Dim::MassFlow || s->dim == Dim::VolumeFlow ? kYearSeconds : 1.0;
        const double to_mass = s->dim == Dim::Volume || s->dim == Dim::VolumeFlow ? rho : 1.0;
        for (double& v : r.annual_ceiling.v) v *= per_year * to_mass;
      }
    }
    if (auto s = get_series(t, p, "nomination", {Dim::MassFlow, Dim::VolumeFlow}, kNonNeg, false)) {
      r.nomination = s->s;
      if (s->dim == Dim::VolumeFlow)
        for (double& v : r.nomination.v) v *= rho;
    }
    if (auto pr = r_.get_choice(t, p, "priority", {"firm", "interruptible"}, false))
      r.priority = *pr == "firm" ? model::Priority::Firm : model::Priority::Interruptible;
    const toml::node* ln = t.get("legs");
    if (!ln) {
      r_.missing(t, p, "legs", "an array of leg IDs from the shipper's origin to a sink");
      return r;
    }
    const toml::array* la = ln->as_array();
    if (!la || la->empty()) {
      r_.problem(*ln, p + ".legs", "found " + describe(*ln) + ", expected a non-empty array of leg IDs from the origin to a sink");
      return r;
    }
    bool ok = true;
    for (size_t k = 0; k < la->size(); ++k) {
      auto l = ref(*la->get(k), p + ".legs[" + std::to_string(k) + "]", leg_ix_, "a leg ID");
      if (!l) {
        ok = false;
        continue;
      }
      r.legs.push_back(*l);
    }
    if (!ok) return r;
    // Consecutive chain from the origin to a sink, no leg twice.
    int at = sh.origin;
    std::set<int> seen;
    for (size_t k = 0; k < r.legs.size(); ++k) {
      const model::Leg& lg = sc_.legs[r.legs[k]];
      const toml::node& n = *la->get(k);
      const std::string kp = p + ".legs[" + std::to_string(k) + "]";
      if (!seen.insert(r.legs[k]).second) {
        r_.problem(n, kp, "found leg \"" + lg.id + "\" a second time, expected a route without loops");
        return r;
      }
      if (at >= 0 && lg.from >= 0 && lg.from != at) {
        const std::string where = k == 0 ? "the shipper's origin `" + sc_.nodes[at].id + "`"
                                         : "`" + sc_.nodes[at].id + "`, where the previous leg `" +
                                               sc_.legs[r.legs[k - 1]].id + "` ends";
        r_.problem(n, kp, "found leg \"" + lg.id + "\" starting at `" + sc_.nodes[lg.from].id +
                           "`, expected a leg starting at " + where + " (a route is a chain of consecutive legs)");
        return r;
      }
      at = lg.to;
    }
    if (at >= 0 && sc_.nodes[at].kind != model::NodeKind::Sink) {
      r_.problem(*la->get(la->size() - 1), p + ".legs[" + std::to_string(la->size() - 1) + "]",
              "found a route ending at `" + sc_.nodes[at].id + "` (not a sink), expected the last leg to end at a node of kind \"sink\"");
    }
    return r;
  }

  void events(const toml::table& root) {
    const toml::node* n = root.get("events");
    if (!n) return;
    if (!n->is_array_of_tables()) {
      r_.problem(*n, "events", "found " + describe(*n) + ", expected an array of tables [[events]]");
      return;
    }
    const toml::array& a = *n->as_array();
    if (a.size() > kMaxEvents)
      r_.problem(*a.get(kMaxEvents), "events[" + std::to_string(kMaxEvents) + "]",
              "found " + std::to_string(a.size()) + " events, expected at most " + std::to_string(kMaxEvents));
    std::set<std::string> ids;
    for (size_t i = 0; i < a.size(); ++i) {
      const toml::table& t = *a.get(i)->as_table();
      const std::string p = "events[" + std::to_string(i) + "]";
      const std::vector<std::string> keys{"id", "leg", "node", "station", "start", "end", "remaining"};
      r_.check_keys(t, p, with_prov(keys), "an event");
      provenance(t, p, keys);
      model::Event ev;
      ev.loc = r_.loc(t);
      ev.id = r_.get_string(t, p, "id", false).value_or("event" + std::to_string(i + 1));
      if (!ids.insert(ev.id).second)
        r_.problem(*t.get("id"), p + ".id", "found duplicate event id \"" + ev.id + "\", expected a unique id");
      const toml::node* ln = t.get("leg");
      const toml::node* nn = t.get("node");
      if (ln && nn) {
        r_.problem(*nn, p + ".node", "found both `leg` and `node`, expected exactly one target per event");
      } else if (!ln && !nn) {
        r_.missing(t, p, "leg", "the leg ID (or `node`, a node ID) the event hits");
      } else if (ln) {
        ev.on_leg = true;
        if (auto l = ref(*ln, p + ".leg", leg_ix_, "a leg ID")) ev.target = *l;
      } else {
        ev.on_leg = false;
        if (auto k = ref(*nn, p + ".node", node_ix_, "a node ID")) ev.target = *k;
      }
      auto s = get_date(t, p, "start", true);
      auto e = get_date(t, p, "end", true);
      if (s) ev.start = *s;
      if (e) ev.end = *e;
      if (s && e && *e <= *s)
        r_.problem(*t.get("end"), p + ".end",
                "found " + describe(*t.get("end")) + ", expected an end after start (" + model::iso_date(*s) +
                    "); the event holds on [start, end)");
      if (const toml::node* sn = t.get("station")) {
        if (!ln)
          r_.problem(*sn, p + ".station", "found a station without `leg`, expected `leg` = the hydraulic pipeline the station is on");
        if (!sn->is_string() || sn->as_string()->get().empty())
          r_.problem(*sn, p + ".station", "found " + describe(*sn) + ", expected a pump station id (string)");
        else
          ev.station = sn->as_string()->get();
        if (t.get("remaining"))
          r_.problem(*t.get("remaining"), p + ".remaining", "found `remaining` on a station outage, expected none (the station is bypassed)");
      } else if (auto q = get_quantity(t, p, "remaining", {Dim::Fraction}, kUnit, true)) {
        ev.remaining = q->value;
      }
      sc_.events.push_back(std::move(ev));
    }
  }
};

}  // namespace

model::Scenario load_scenario(const std::string& path) { return load_scenario(path, std::vector<std::string>{}); }

model::Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  Loader l;
  model::Scenario sc = l.load(path, nullptr, overrides);
  // [uncertainty]: every parameter's key path proved by trial loads at its extremes (uncertainty_loader.hpp).
  if (sc.uncertainty.present && !in_trial_load()) validate_uncertainty(path, overrides, sc);
  return sc;
}

model::Scenario load_scenario_text(std::string_view text, const std::string& path) {
  Loader l;
  const std::string t(text);
  return l.load(path, &t);
}

}  // namespace caspflow::inputs
