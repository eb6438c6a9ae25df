#include "caspflow/inputs/epanet/inp_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "caspflow/inputs/source_context.hpp"
#include "caspflow/model/constants.hpp"
#include "caspflow/model/hydraulics/pump.hpp"

namespace caspflow::inputs::epanet {

using namespace caspflow::model::hydraulics;

namespace {

// EPANET's unit constants (src/types.h).
constexpr double kFt = model::kFoot;     // MperFT
constexpr double kFt3 = kFt * kFt * kFt; // m3 per ft3
constexpr double kPsiPerFt = 0.4333;     // PSIperFT
constexpr double kKpaPerPsi = 6.895;     // KPAperPSI
constexpr double kBarPerPsi = 0.0689476; // 1 psi in bar (EPANET 2.3 BAR pressure units)
constexpr double kWattPerHp = 745.7;     // 1000 * KWperHP
constexpr double kWaterViscosity = 1.1e-5 * kFt * kFt;  // EPANET VISCOS (1.1e-5 ft2/s) in m2/s

// Accepted ranges of the [OPTIONS] and [TIMES] values (docs/hydraulics-network.md, "Limits").
constexpr double kMinViscosity = 1e-7, kMaxViscosity = 0.1;  // kinematic, m2/s: 0.1 cSt (LPG) .. 100,000 cSt (heavy crude)
constexpr double kMinSg = 0.3, kMaxSg = 2.0;                  // LPG/NGL .. heavy brines and slurries
constexpr double kMaxTrials = 1e6;
constexpr double kMaxDemandMultiplier = 1e3;
constexpr long kMaxDuration = 3650L * 86400L;  // 10 years of 365 days, s
constexpr long kMaxReportTimes = 100000;        // report times kept in memory
constexpr double kMaxReportValues = 1e7;        // report times x (nodes + links): 80 MB of doubles per result
constexpr double kMaxTime = 1e12;               // any time value, s (keeps lround far from overflow)
constexpr std::size_t kMaxCurvePoints = 10000;

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

struct Line {
  int number = 0;
  std::vector<std::string> tok;
  std::string comment;
};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// EPANET's match(): case-insensitive "str starts with keyword".
bool match(const std::string& s, const char* kw) {
  const std::string u = upper(s);
  const std::string k(kw);
  return u.size() >= k.size() && u.compare(0, k.size(), k) == 0;
}

std::vector<std::string> tokenize(const std::string& text, std::string* comment) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!quoted && c == ';') {
      if (comment) *comment = text.substr(i + 1);
      break;
    }
    if (c == '"') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(cur), cur.clear();
      continue;
    }
    cur += c;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) { net_.source = name_; }

  InpResult run(const std::string& text) {
    split(text);
    // Each step on its own: a problem outside a section's line loop ends only that step.
    for (void (Reader::*step)() : {&Reader::options, &Reader::times, &Reader::patterns, &Reader::curves, &Reader::junctions,
                                   &Reader::reservoirs, &Reader::tanks, &Reader::pipes, &Reader::pumps, &Reader::valves,
                                   &Reader::demands, &Reader::status, &Reader::controls, &Reader::refusals}) {
      try {
        (this->*step)();
      } catch (const LineError& e) {
        record(e);
      }
    }
    if (problems_.empty()) {  // the network checks need a whole network
      try {
        finish();
      } catch (const LineError& e) {
        record(e);
      }
    }
    if (!problems_.empty()) {
      std::stable_sort(problems_.begin(), problems_.end(),
                       [](const InputProblem& a, const InputProblem& b) { return a.loc.line < b.loc.line; });
      add_source_context(problems_, name_, text);  // the offending line under each problem
      throw InputError(problems_);
    }
    return {std::move(net_), std::move(warnings_)};
  }

 private:
  // ---------------------------------------------------------------- helpers
  SourceLoc loc(const Line& l, int col = 0) const { return {name_, l.number, col}; }
  /// A problem that ends the reading of its line: thrown by fail(), caught by the section loop (which records
  /// it and goes on with the next line) or, outside a loop, by run(). Every problem of the file is collected.
  struct LineError {
    InputProblem problem;
  };
  [[noreturn]] void fail(const Line& l, const std::string& key, const std::string& msg) const {
    throw LineError{InputProblem{loc(l), key, msg, {}}};
  }
  void record(const LineError& e) { problems_.push_back(e.problem); }
  void problem(const Line& l, const std::string& key, const std::string& msg) { add_problem(l.number, 0, key, msg); }
  void add_problem(int line, int col, const std::string& key, const std::string& msg) {
    InputProblem p;
    p.loc.file = name_;
    p.loc.line = line;
    p.loc.column = col;
    p.key = key;
    p.message = msg;
    problems_.push_back(std::move(p));
  }
  double num(const Line& l, std::size_t i, const std::string& key) const {
    if (i >= l.tok.size()) fail(l, key, "missing value (expected a number in field " + std::to_string(i + 1) + ")");
    const std::string& s = l.tok[i];
    try {
      std::size_t pos = 0;
      double v = std::stod(s, &pos);
      if (pos != s.size() || !std::isfinite(v)) throw std::invalid_argument(s);
      return v;
    } catch (const std::exception&) {
      fail(l, key, "got '" + s + "', expected a number");
    }
  }
  void need(const Line& l, std::size_t n, const std::string& key, const char* form) const {
    if (l.tok.size() < n)
      fail(l, key, "expected at least " + std::to_string(n) + " fields (" + form + "), got " + std::to_string(l.tok.size()));
  }
  int node_ref(const Line& l, std::size_t i, const std::string& key) const {
    int n = net_.find_node(l.tok.at(i));
    if (n < 0) fail(l, key, "unknown node '" + l.tok[i] + "'");
    return n;
  }
  int link_ref(const Line& l, std::size_t i, const std::string& key) const {
    int n = net_.find_link(l.tok.at(i));
    if (n < 0) fail(l, key, "unknown link '" + l.tok[i] + "'");
    return n;
  }
  int pattern_ref(const Line& l, const std::string& id, const std::string& key) const {
    auto it = pattern_index_.find(id);
    if (it == pattern_index_.end()) fail(l, key, "unknown pattern '" + id + "'");
    return it->second;
  }
  int curve_ref(const Line& l, const std::string& id, const std::string& key) const {
    auto it = curve_index_.find(id);
    if (it == curve_index_.end()) fail(l, key, "unknown curve '" + id + "'");
    return it->second;
  }
  const std::vector<Line>& sec(const char* s) const {
    static const std::vector<Line> empty;
    auto it = sections_.find(s);
    return it == sections_.end() ? empty : it->second;
  }
  void add_node(NetNode n, const Line& l) {
    if (net_.node_index.count(n.id)) fail(l, n.id, "duplicate node ID");
    if (net_.link_index.count(n.id) && false) {}
    net_.node_index.emplace(n.id, static_cast<int>(net_.nodes.size()));
    net_.nodes.push_back(std::move(n));
  }
  void add_link(NetLink k, const Line& l) {
    if (net_.link_index.count(k.id)) fail(l, k.id, "duplicate link ID");
    net_.link_index.emplace(k.id, static_cast<int>(net_.links.size()));
    net_.links.push_back(std::move(k));
  }

  // Unit conversion factors (file unit -> SI)
  double Q(double v) const { return v * qf_; }
  double H(double v) const { return v * hf_; }
  double P(double v) const { return v * pf_; }  // pressure -> head of the fluid [m]
  double Dia(double v) const { return v * (us_ ? 0.0254 : 0.001); }

  // ---------------------------------------------------------------- sections
  void split(const std::string& text) {
    static const std::set<std::string> known = {
        "TITLE", "JUNCTIONS", "RESERVOIRS", "TANKS", "PIPES", "PUMPS", "VALVES", "TAGS", "DEMANDS", "STATUS",
        "PATTERNS", "CURVES", "CONTROLS", "RULES", "ENERGY", "EMITTERS", "QUALITY", "SOURCES", "REACTIONS",
        "MIXING", "TIMES", "REPORT", "OPTIONS", "COORDINATES", "VERTICES", "LABELS", "BACKDROP", "END", "LEAKAGE"};
    static const std::set<std::string> skipped = {"TITLE", "TAGS", "ENERGY", "QUALITY", "SOURCES", "REACTIONS",
                                                  "MIXING", "REPORT", "COORDINATES", "VERTICES", "LABELS", "BACKDROP"};
    std::istringstream in(text);
    std::string raw, cur;
    int n = 0;
    std::set<std::string> warned;
    while (std::getline(in, raw)) {
      ++n;
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      // IDs and titles end up in labels and HDF5 attributes: no control characters (a NUL would truncate them).
      const auto bad = std::find_if(raw.begin(), raw.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
      });
      if (bad != raw.end()) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(static_cast<unsigned char>(*bad)));
        add_problem(n, static_cast<int>(bad - raw.begin()) + 1, "",
                    std::string("found the control character ") + hex + ", expected printable text (tabs are allowed)");
        continue;
      }
      std::string comment;
      auto tok = tokenize(raw, &comment);
      if (tok.empty()) continue;
      if (tok[0].front() == '[') {
        std::string s = upper(tok[0]);
        s = s.substr(1, s.find(']') == std::string::npos ? std::string::npos : s.find(']') - 1);
        if (!known.count(s)) {
          add_problem(n, 1, "[" + s + "]", "unknown section (not an EPANET 2 section)");
          cur = "";
          continue;
        }
        cur = s;
        if (cur == "END") break;
        if (skipped.count(cur) && !warned.count(cur)) {
          warned.insert(cur);
          // Report only sections that hold data.
          pending_skip_.emplace(cur, n);
        }
        continue;
      }
      if (cur.empty()) {
        add_problem(n, 1, "", "data before the first [SECTION] header");
        continue;
      }
      sections_[cur].push_back({n, std::move(tok), comment});
    }
    for (const auto& [s, line] : pending_skip_)
      if (sections_.count(s) && s != "TITLE")
        warnings_.push_back(name_ + ":" + std::to_string(line) + ": [" + s +
                            "] skipped (not needed for hydraulics; caspflow does not model it)");
  }

  void options() {
    std::string flow = "GPM";
    std::string press;
    double visc = -1.0, sg = 1.0;
    net_.headloss = HeadLossFormula::HazenWilliams;  // EPANET's default when HEADLOSS is absent
    for (const auto& l : sec("OPTIONS")) try {
      const auto& t = l.tok;
      const std::string k = upper(t[0]);
      if (match(k, "UNITS")) {
        need(l, 2, "OPTIONS.UNITS", "UNITS flow-unit");
        flow = upper(t[1]);
        if (flow == "SI") flow = "LPS";  // EPANET accepts SI as LPS
        if (flow == "US") flow = "GPM";
        unit_line_ = l.number;
      } else if (match(k, "HEADLOSS")) {
        need(l, 2, "OPTIONS.HEADLOSS", "HEADLOSS H-W|D-W|C-M");
        const std::string v = upper(t[1]);
        if (v == "H-W") net_.headloss = HeadLossFormula::HazenWilliams;
        else if (v == "D-W") net_.headloss = HeadLossFormula::DarcyWeisbach;
        else if (v == "C-M") problem(l, "OPTIONS.HEADLOSS", "Chezy-Manning head loss (C-M) is not supported: use H-W or D-W");
        else problem(l, "OPTIONS.HEADLOSS", "got '" + t[1] + "', expected H-W, D-W or C-M");
      } else if (match(k, "VISCOSITY")) {
        visc = num(l, 1, "OPTIONS.VISCOSITY");
        if (!(visc > 0)) problem(l, "OPTIONS.VISCOSITY", "found " + t[1] + ", expected a viscosity > 0");
        visc_line_ = l.number;
      } else if (match(k, "SPECIFIC")) {  // SPECIFIC GRAVITY (EPANET matches the first word only)
        sg = num(l, t.size() - 1, "OPTIONS.SPECIFIC GRAVITY");
        if (!(sg >= kMinSg && sg <= kMaxSg)) {
          problem(l, "OPTIONS.SPECIFIC GRAVITY",
                  "found " + t.back() + ", expected " + fmt(kMinSg) + " <= specific gravity <= " + fmt(kMaxSg) +
                      " (liquids from LPG to heavy brines)");
          sg = 1.0;
        }
      } else if (match(k, "TRIALS")) {
        // A whole number in range before the cast (1e300 cast to int is undefined behaviour).
        const double v = num(l, 1, "OPTIONS.TRIALS");
        if (!(v >= 1 && v <= kMaxTrials) || v != std::floor(v))
          problem(l, "OPTIONS.TRIALS", "found " + t[1] + ", expected a whole number 1 <= TRIALS <= " + fmt(kMaxTrials));
        else
          net_.trials = static_cast<int>(v);
      } else if (match(k, "ACCURACY")) {
        const double v = num(l, 1, "OPTIONS.ACCURACY");
        if (!(v > 0 && v <= 1)) problem(l, "OPTIONS.ACCURACY", "found " + t[1] + ", expected 0 < ACCURACY <= 1");
        else net_.accuracy = v;
      } else if (match(k, "PATTERN")) {
        need(l, 2, "OPTIONS.PATTERN", "PATTERN id");
        default_pattern_ = t[1];
      } else if (match(k, "DEMAND")) {
        if (t.size() >= 3 && match(t[1], "MULTIPLIER")) {
          const double v = num(l, 2, "OPTIONS.DEMAND MULTIPLIER");
          if (!(v >= 0 && v <= kMaxDemandMultiplier))
            problem(l, "OPTIONS.DEMAND MULTIPLIER", "found " + t[2] + ", expected 0 <= DEMAND MULTIPLIER <= " + fmt(kMaxDemandMultiplier));
          else
            net_.demand_multiplier = v;
        }
        else if (t.size() >= 3 && match(t[1], "MODEL")) {
          if (match(t[2], "PDA")) problem(l, "OPTIONS.DEMAND MODEL", "pressure-driven demand (DEMAND MODEL PDA) is not supported");
        }
      } else if (match(k, "PRESSURE")) {
        if (t.size() >= 2 && !match(t[1], "EXPONENT")) {
          press = upper(t[1]);
          press_line_ = l.number;
        }
      } else if (match(k, "EMITTER") || match(k, "QUALITY") || match(k, "DIFFUSIVITY") || match(k, "TOLERANCE") ||
                 match(k, "UNBALANCED") || match(k, "HYDRAULICS") || match(k, "MAP") || match(k, "CHECKFREQ") ||
                 match(k, "MAXCHECK") || match(k, "DAMPLIMIT") || match(k, "HEADERROR") || match(k, "FLOWCHANGE") ||
                 match(k, "MINIMUM") || match(k, "SEGMENTS") || match(k, "REQUIRED") || match(k, "BACKFLOW") || match(k, "SPECIFIC")) {
        // Solver-control or water-quality options: caspflow converges tighter than EPANET's criteria.
      } else {
        problem(l, "OPTIONS." + t[0], "unknown option");
      }
    } catch (const LineError& e) {
      record(e);
    }
    static const std::map<std::string, double> qcf = {
        {"CFS", 1.0},      {"GPM", 448.831}, {"MGD", 0.64632}, {"IMGD", 0.5382}, {"AFD", 1.9837}, {"LPS", 28.317},
        {"LPM", 1699.0},   {"MLD", 2.4466},  {"CMH", 101.94},  {"CMD", 2446.6},  {"CMS", 0.028317}};
    auto it = qcf.find(flow);
    if (it == qcf.end()) {
      add_problem(unit_line_, 0, "OPTIONS.UNITS", "got '" + flow + "', expected an EPANET flow unit (CFS GPM MGD IMGD AFD LPS LPM MLD CMH CMD CMS)");
      it = qcf.find("GPM");
    }
    us_ = flow == "CFS" || flow == "GPM" || flow == "MGD" || flow == "IMGD" || flow == "AFD";
    qf_ = kFt3 / it->second;
    hf_ = us_ ? kFt : 1.0;
    // EPANET's Ucf[PRESSURE] (input1.c initunits): the pressure unit defaults to PSI for US flow units and
    // METERS for SI ones, and PRESSURE overrides it in either system. PSI, KPA and BAR are gauge pressures
    // (ft of fluid = p / (0.4333 SG) psi); METERS and FEET are already heads of the fluid itself, so the
    // specific gravity does not enter them.
    if (press.empty()) press = us_ ? "PSI" : "METERS";
    if (match(press, "PSI")) pf_ = kFt / (kPsiPerFt * sg);
    else if (match(press, "KPA")) pf_ = kFt / (kKpaPerPsi * kPsiPerFt * sg);
    else if (match(press, "BAR")) pf_ = kFt / (kBarPerPsi * kPsiPerFt * sg);  // EPANET 2.3 pressure units
    else if (match(press, "FEET")) pf_ = kFt;
    else if (match(press, "METERS")) pf_ = 1.0;
    else add_problem(press_line_, 0, "OPTIONS.PRESSURE", "got '" + press + "', expected PSI, KPA, BAR, METERS or FEET");
    net_.specific_gravity = sg;
    if (visc < 0) net_.viscosity = kWaterViscosity;
    else if (visc > 1e-3) net_.viscosity = visc * kWaterViscosity;
    else net_.viscosity = us_ ? visc * kFt * kFt : visc;
    // A physically plausible kinematic viscosity (1e200 made the friction laws degenerate and the solver spin).
    if (visc > 0 && !(net_.viscosity >= kMinViscosity && net_.viscosity <= kMaxViscosity)) {
      add_problem(visc_line_, 0, "OPTIONS.VISCOSITY",
                  "found " + fmt(visc) + " (" + fmt(net_.viscosity * 1e6) + " cSt), expected a kinematic viscosity of " +
                      fmt(kMinViscosity * 1e6) + " to " + fmt(kMaxViscosity * 1e6) + " cSt: a value > 0.001 is relative to water at 20 degC (1.0 = " +
                      fmt(kWaterViscosity * 1e6) + " cSt, so " + fmt(kMinViscosity / kWaterViscosity) + " to " +
                      fmt(kMaxViscosity / kWaterViscosity) + "), a smaller one is in " + (us_ ? "ft2/s" : "m2/s"));
      net_.viscosity = kWaterViscosity;
    }
    net_.units.flow = flow;
    net_.units.flow_to_si = qf_;
    net_.units.head_to_si = hf_;
    net_.units.us = us_;
  }

  static long parse_time(const Reader& r, const Line& l, std::size_t i, const std::string& key) {
    if (i >= l.tok.size()) r.fail(l, key, "missing time value");
    const std::string s = l.tok[i];
    std::string unit = i + 1 < l.tok.size() ? upper(l.tok[i + 1]) : "";
    double v = 0.0;
    if (s.find(':') != std::string::npos) {
      int h = 0, m = 0, sec = 0;
      char c1 = 0, c2 = 0;
      std::istringstream ss(s);
      ss >> h >> c1 >> m;
      if (ss >> c2 >> sec) {}
      if (c1 != ':') r.fail(l, key, "got '" + s + "', expected a time hh:mm[:ss]");
      v = h * 3600.0 + m * 60.0 + sec;
      if (unit == "PM" && h < 12) v += 43200.0;
      if (unit == "AM" && h == 12) v -= 43200.0;
      if (!(std::abs(v) <= kMaxTime)) r.fail(l, key, "found '" + s + "', expected a time of at most " + fmt(kMaxTime) + " s");
      return static_cast<long>(std::lround(v));
    }
    v = r.num(l, i, key);
    if (unit.empty() || match(unit, "HOUR")) v *= 3600.0;
    else if (match(unit, "SEC")) {}
    else if (match(unit, "MIN")) v *= 60.0;
    else if (match(unit, "DAY")) v *= 86400.0;
    else if (unit == "AM") v = (v == 12 ? 0 : v) * 3600.0;
    else if (unit == "PM") v = (v == 12 ? 12 : v + 12) * 3600.0;
    else r.fail(l, key, "got time unit '" + unit + "', expected SEC, MIN, HOURS, DAYS, AM or PM");
    if (!(std::abs(v) <= kMaxTime))
      r.fail(l, key, "found " + s + (unit.empty() ? "" : " " + l.tok[i + 1]) + " (" + fmt(v) + " s), expected a time of at most " + fmt(kMaxTime) + " s");
    return static_cast<long>(std::lround(v));
  }

  void times() {
    for (const auto& l : sec("TIMES")) try {
      const auto& t = l.tok;
      const std::string k = upper(t[0]);
      const std::string k2 = t.size() > 1 ? upper(t[1]) : "";
      if (match(k, "DURATION")) {
        net_.duration = parse_time(*this, l, 1, "TIMES.DURATION");
        duration_line_ = l.number;
        if (net_.duration < 0 || net_.duration > kMaxDuration) {
          problem(l, "TIMES.DURATION", "found " + fmt(static_cast<double>(net_.duration) / 3600.0) +
                                           " h, expected 0 <= DURATION <= " + fmt(kMaxDuration / 3600.0) + " h (" +
                                           std::to_string(kMaxDuration / 86400) + " days)");
          net_.duration = 0;
        }
      }
      else if (match(k, "HYDRAULIC")) net_.hyd_step = parse_time(*this, l, 2, "TIMES.HYDRAULIC TIMESTEP");
      else if (match(k, "PATTERN") && match(k2, "TIME")) net_.pattern_step = parse_time(*this, l, 2, "TIMES.PATTERN TIMESTEP");
      else if (match(k, "PATTERN") && match(k2, "START")) net_.pattern_start = parse_time(*this, l, 2, "TIMES.PATTERN START");
      else if (match(k, "REPORT") && match(k2, "TIME")) net_.report_step = parse_time(*this, l, 2, "TIMES.REPORT TIMESTEP");
      else if (match(k, "REPORT") && match(k2, "START")) net_.report_start = parse_time(*this, l, 2, "TIMES.REPORT START");
      else if (match(k, "START")) net_.start_clock = parse_time(*this, l, 2, "TIMES.START CLOCKTIME");
      else if (match(k, "QUALITY") || match(k, "RULE") || match(k, "STATISTIC")) {}
      else problem(l, "TIMES." + t[0], "unknown time option");
    } catch (const LineError& e) {
      record(e);
    }
    // Negative starts would index patterns below 0 or step report times up from -1e12 one by one.
    const std::pair<long*, const char*> starts[] = {{&net_.pattern_start, "TIMES.PATTERN START"},
                                                    {&net_.report_start, "TIMES.REPORT START"},
                                                    {&net_.start_clock, "TIMES.START CLOCKTIME"}};
    for (const auto& [v, key] : starts)
      if (*v < 0) {
        for (const auto& l : sec("TIMES"))
          if (key == std::string("TIMES.START CLOCKTIME") ? match(upper(l.tok[0]), "START")
                                                          : l.tok.size() > 1 && match(upper(l.tok[1]), "START"))
            problem(l, key, "found " + fmt(static_cast<double>(*v)) + " s, expected a time >= 0");
        *v = 0;
      }
    if (net_.hyd_step <= 0) net_.hyd_step = 3600;
    if (net_.pattern_step <= 0) net_.pattern_step = 3600;
    if (net_.report_step <= 0) net_.report_step = 3600;
    // EPANET: the hydraulic step is no larger than the pattern and report steps.
    net_.hyd_step = std::min({net_.hyd_step, net_.pattern_step, net_.report_step});
  }

  void patterns() {
    for (const auto& l : sec("PATTERNS")) try {
      const std::string& id = l.tok[0];
      auto it = pattern_index_.find(id);
      if (it == pattern_index_.end()) {
        it = pattern_index_.emplace(id, static_cast<int>(net_.patterns.size())).first;
        net_.patterns.push_back({id, {}});
      }
      for (std::size_t i = 1; i < l.tok.size(); ++i) net_.patterns[it->second].factors.push_back(num(l, i, "PATTERNS." + id));
    } catch (const LineError& e) {
      record(e);
    }
    for (auto& p : net_.patterns)
      if (p.factors.empty()) p.factors.push_back(1.0);
  }

  void curves() {
    for (const auto& l : sec("CURVES")) try {
      need(l, 3, "CURVES", "ID X Y");
      const std::string& id = l.tok[0];
      auto it = curve_index_.find(id);
      if (it == curve_index_.end()) {
        it = curve_index_.emplace(id, static_cast<int>(net_.curves.size())).first;
        net_.curves.push_back({id, {}});
        curve_line_[id] = l;
      }
      auto& pts = net_.curves[it->second].points;
      const double x = num(l, 1, "CURVES." + id), y = num(l, 2, "CURVES." + id);
      // EPANET error 230: the x values of every curve must increase (each use interpolates in x).
      if (!pts.empty() && !(x > pts.back().first))
        problem(l, "CURVES." + id, "found x = " + fmt(x) + " after x = " + fmt(pts.back().first) +
                                       ", expected strictly increasing x values (EPANET error 230)");
      pts.emplace_back(x, y);
      if (pts.size() > kMaxCurvePoints) fail(l, "CURVES." + id, "found more than " + std::to_string(kMaxCurvePoints) + " points, expected at most " + std::to_string(kMaxCurvePoints));
    } catch (const LineError& e) {
      record(e);
    }
    // Units are applied where a curve is used (pump: flow/head; tank: level/volume; GPV: flow/head); the
    // number of points each use needs is checked there (a GPV or a volume curve needs >= 2).
  }

  int default_pattern() const {
    auto it = pattern_index_.find(default_pattern_);
    return it == pattern_index_.end() ? -1 : it->second;
  }

  void junctions() {
    for (const auto& l : sec("JUNCTIONS")) try {
      need(l, 2, "JUNCTIONS", "ID elevation [demand] [pattern]");
      NetNode n;
      n.id = l.tok[0];
      n.kind = NodeKind::Junction;
      n.elevation = H(num(l, 1, "JUNCTIONS." + n.id + ".elevation"));
      if (l.tok.size() >= 3) {
        Demand d;
        d.base = Q(num(l, 2, "JUNCTIONS." + n.id + ".demand"));
        d.pattern = l.tok.size() >= 4 ? pattern_ref(l, l.tok[3], "JUNCTIONS." + n.id + ".pattern") : default_pattern();
        n.demands.push_back(d);
      }
      n.loc = loc(l);
      add_node(std::move(n), l);
    } catch (const LineError& e) {
      record(e);
    }
  }

  void reservoirs() {
    for (const auto& l : sec("RESERVOIRS")) reservoir(l, "RESERVOIRS");
  }
  void reservoir(const Line& l, const std::string& s) {
    need(l, 2, s.c_str(), "ID head [pattern]");
    NetNode n;
    n.id = l.tok[0];
    n.kind = NodeKind::Reservoir;
    n.elevation = H(num(l, 1, s + "." + n.id + ".head"));
    if (l.tok.size() >= 3) n.head_pattern = pattern_ref(l, l.tok[2], s + "." + n.id + ".pattern");
    n.loc = loc(l);
    add_node(std::move(n), l);
  }

  void tanks() {
    for (const auto& l : sec("TANKS")) try {
      if (l.tok.size() <= 3) {  // EPANET: a tank line with only a head (and pattern) is a reservoir
        reservoir(l, "TANKS");
        continue;
      }
      need(l, 6, "TANKS", "ID elevation init-level min-level max-level diameter [min-volume] [volume-curve] [overflow]");
      NetNode n;
      n.id = l.tok[0];
      const std::string key = "TANKS." + n.id;
      n.kind = NodeKind::Tank;
      n.elevation = H(num(l, 1, key + ".elevation"));
      n.init_level = H(num(l, 2, key + ".init-level"));
      n.min_level = H(num(l, 3, key + ".min-level"));
      n.max_level = H(num(l, 4, key + ".max-level"));
      n.diameter = H(num(l, 5, key + ".diameter"));
      const double minvol = l.tok.size() >= 7 ? num(l, 6, key + ".min-volume") * hf_ * hf_ * hf_ : 0.0;
      if (l.tok.size() >= 8 && l.tok[7] != "*") {
        n.volume_curve = curve_ref(l, l.tok[7], key + ".volume-curve");
        volume_curves_.insert(n.volume_curve);
        // Level -> volume and back (tank_head inverts it): two points at least, volumes rising with the level.
        const auto& vc = net_.curves[n.volume_curve];
        if (vc.points.size() < 2)
          problem(l, key + ".volume-curve", "found volume curve '" + vc.id + "' with 1 point, expected at least 2 (level, volume) points");
        for (std::size_t i = 1; i < vc.points.size(); ++i)
          if (!(vc.points[i].second > vc.points[i - 1].second)) {
            problem(l, key + ".volume-curve", "found volume curve '" + vc.id + "' with volume " + fmt(vc.points[i].second) +
                                                  " after " + fmt(vc.points[i - 1].second) + ", expected volumes that rise with the level");
            break;
          }
      }
      if (l.tok.size() >= 9) n.can_overflow = match(l.tok[8], "YES");
      const double A = 0.25 * M_PI * n.diameter * n.diameter;
      n.min_volume = minvol > 0 ? minvol : A * n.min_level;
      if (!(n.min_level <= n.init_level && n.init_level <= n.max_level))
        problem(l, key, "levels must satisfy min-level <= init-level <= max-level");
      if (n.volume_curve < 0 && !(n.diameter > 0)) problem(l, key + ".diameter", "must be > 0");
      n.loc = loc(l);
      add_node(std::move(n), l);
    } catch (const LineError& e) {
      record(e);
    }
    // Volume curves: x = level (head units), y = volume (head units cubed).
    for (int c : volume_curves_)
      for (auto& [x, y] : net_.curves[c].points) x = H(x), y = y * hf_ * hf_ * hf_;
    for (auto& n : net_.nodes)
      if (n.kind == NodeKind::Tank && n.volume_curve >= 0) {
        n.min_volume = interp_curve(net_.curves[n.volume_curve].points, n.min_level);
        if (n.diameter <= 0) n.diameter = 1.0;  // unused with a curve
      }
  }

  void pipes() {
    for (const auto& l : sec("PIPES")) try {
      need(l, 6, "PIPES", "ID node1 node2 length diameter roughness [minor-loss] [status]");
      NetLink k;
      k.id = l.tok[0];
      const std::string key = "PIPES." + k.id;
      k.kind = LinkKind::Pipe;
      k.from = node_ref(l, 1, key + ".node1");
      k.to = node_ref(l, 2, key + ".node2");
      if (k.from == k.to) fail(l, key, "a pipe cannot start and end at the same node");
      k.length = H(num(l, 3, key + ".length"));
      k.diameter = Dia(num(l, 4, key + ".diameter"));
      const double rough = num(l, 5, key + ".roughness");
      k.roughness = net_.headloss == HeadLossFormula::DarcyWeisbach ? rough * 1e-3 * hf_ : rough;
      auto set_status = [&](const std::string& s) {
        if (match(s, "CV")) k.kind = LinkKind::CVPipe;
        else if (match(s, "CLOSED")) k.status = LinkStatus::Closed;
        else if (match(s, "OPEN")) k.status = LinkStatus::Open;
        else return false;
        return true;
      };
      if (l.tok.size() == 7) {
        if (!set_status(l.tok[6])) k.minor_loss = num(l, 6, key + ".minor-loss");
      } else if (l.tok.size() >= 8) {
        k.minor_loss = num(l, 6, key + ".minor-loss");
        if (!set_status(l.tok[7])) fail(l, key + ".status", "got '" + l.tok[7] + "', expected OPEN, CLOSED or CV");
      }
      if (!(k.length > 0)) problem(l, key + ".length", "must be > 0");
      if (!(k.diameter > 0)) problem(l, key + ".diameter", "must be > 0");
      if (!(k.roughness > 0) && net_.headloss == HeadLossFormula::HazenWilliams) problem(l, key + ".roughness", "H-W C must be > 0");
      if (k.roughness < 0) problem(l, key + ".roughness", "must be >= 0");
      k.loc = loc(l);
      add_link(std::move(k), l);
    } catch (const LineError& e) {
      record(e);
    }
  }

  void pumps() {
    for (const auto& l : sec("PUMPS")) try {
      need(l, 4, "PUMPS", "ID node1 node2 HEAD curve | POWER value [SPEED s] [PATTERN p]");
      NetLink k;
      k.id = l.tok[0];
      const std::string key = "PUMPS." + k.id;
      k.kind = LinkKind::Pump;
      k.from = node_ref(l, 1, key + ".node1");
      k.to = node_ref(l, 2, key + ".node2");
      k.setting = 1.0;
      k.has_setting = true;
      bool have_curve = false;
      for (std::size_t i = 3; i < l.tok.size(); i += 2) {
        if (i + 1 >= l.tok.size()) fail(l, key, "keyword '" + l.tok[i] + "' has no value");
        const std::string kw = upper(l.tok[i]);
        if (match(kw, "HEAD")) {
          const int c = curve_ref(l, l.tok[i + 1], key + ".HEAD");
          set_pump_curve(k, c, l, key);
          have_curve = true;
        } else if (match(kw, "POWER")) {
          const double p = num(l, i + 1, key + ".POWER");
          if (!(p > 0)) fail(l, key + ".POWER", "must be > 0");
          k.pump_type = PumpType::ConstPower;
          k.power = us_ ? p * kWattPerHp : p * 1000.0;
          k.design_flow = kFt3;  // EPANET Q0 = 1 cfs
          k.shutoff_head = 1e30;
          have_curve = true;
        } else if (match(kw, "SPEED")) {
          k.setting = num(l, i + 1, key + ".SPEED");
          if (k.setting < 0) fail(l, key + ".SPEED", "must be >= 0");
          if (k.setting == 0) k.status = LinkStatus::Closed;
        } else if (match(kw, "PATTERN")) {
          k.speed_pattern = pattern_ref(l, l.tok[i + 1], key + ".PATTERN");
        } else {
          fail(l, key, "got '" + l.tok[i] + "', expected HEAD, POWER, SPEED or PATTERN");
        }
      }
      if (!have_curve) fail(l, key, "a pump needs a HEAD curve or a POWER value");
      k.loc = loc(l);
      add_link(std::move(k), l);
    } catch (const LineError& e) {
      record(e);
    }
  }

  void set_pump_curve(NetLink& k, int c, const Line& l, const std::string& key) {
    std::vector<std::pair<double, double>> pts;
    for (auto [x, y] : net_.curves[c].points) pts.emplace_back(Q(x), H(y));
    const bool zero_first = !pts.empty() && pts[0].first == 0.0;
    if (pts.size() == 1 || (pts.size() == 3 && zero_first)) {
      try {
        k.curve = fit_pump_curve(pts);
      } catch (const std::invalid_argument& e) {
        fail(curve_line_.at(net_.curves[c].id), "CURVES." + net_.curves[c].id, std::string(e.what()) + " (used by pump " + k.id + ")");
      }
      k.pump_type = PumpType::PowerFunc;
      k.shutoff_head = k.curve.h0;
      k.design_flow = pts.size() == 1 ? pts[0].first : pts[1].first;
    } else if (pts.size() >= 2) {
      // EPANET CUSTOM curve: piecewise linear, heads must fall (error 227 otherwise).
      for (std::size_t i = 1; i < pts.size(); ++i)
        if (!(pts[i].second < pts[i - 1].second) || !(pts[i].first > pts[i - 1].first))
          fail(curve_line_.at(net_.curves[c].id), "CURVES." + net_.curves[c].id,
               "pump curve must have rising flows and falling heads (used by pump " + k.id + ")");
      k.pump_type = PumpType::Custom;
      k.head_curve = static_cast<int>(net_.curves.size());
      net_.curves.push_back({net_.curves[c].id + "#pump:" + k.id, pts});
      k.shutoff_head = pts[0].second;
      k.design_flow = 0.5 * (pts.front().first + pts.back().first);
    } else {
      fail(l, key, "pump curve '" + net_.curves[c].id + "' has no points");
    }
  }

  void valves() {
    for (const auto& l : sec("VALVES")) try {
      need(l, 6, "VALVES", "ID node1 node2 diameter type setting [minor-loss]");
      NetLink k;
      k.id = l.tok[0];
      const std::string key = "VALVES." + k.id;
      k.from = node_ref(l, 1, key + ".node1");
      k.to = node_ref(l, 2, key + ".node2");
      k.diameter = Dia(num(l, 3, key + ".diameter"));
      const std::string type = upper(l.tok[4]);
      k.has_setting = true;
      k.status = LinkStatus::Active;
      if (type == "PRV" || type == "PSV" || type == "PBV") {
        k.kind = type == "PRV" ? LinkKind::PRV : type == "PSV" ? LinkKind::PSV : LinkKind::PBV;
        k.setting = P(num(l, 5, key + ".setting"));
      } else if (type == "FCV") {
        k.kind = LinkKind::FCV;
        k.setting = Q(num(l, 5, key + ".setting"));
      } else if (type == "TCV") {
        k.kind = LinkKind::TCV;
        k.setting = num(l, 5, key + ".setting");
      } else if (type == "GPV") {
        k.kind = LinkKind::GPV;
        const int c = curve_ref(l, l.tok[5], key + ".setting");
        // The head loss interpolates between two points (one point read past the curve).
        if (net_.curves[c].points.size() < 2)
          problem(l, key + ".setting", "found head-loss curve '" + net_.curves[c].id + "' with " +
                                           std::to_string(net_.curves[c].points.size()) +
                                           " point, expected a GPV curve of at least 2 (flow, head loss) points");
        std::vector<std::pair<double, double>> pts;
        for (auto [x, y] : net_.curves[c].points) pts.emplace_back(Q(x), H(y));
        k.setting = static_cast<double>(net_.curves.size());
        net_.curves.push_back({net_.curves[c].id + "#gpv:" + k.id, pts});
        k.status = LinkStatus::Open;
      } else {
        fail(l, key + ".type", "got '" + l.tok[4] + "', expected PRV, PSV, PBV, FCV, TCV or GPV");
      }
      if (l.tok.size() >= 7) k.minor_loss = num(l, 6, key + ".minor-loss");
      if (!(k.diameter > 0)) problem(l, key + ".diameter", "must be > 0");
      if (k.from == k.to) fail(l, key, "a valve cannot start and end at the same node");
      k.loc = loc(l);
      add_link(std::move(k), l);
    } catch (const LineError& e) {
      record(e);
    }
    // EPANET rule (validate.c): a PRV/PSV/FCV cannot be connected directly to a reservoir or tank on
    // its controlled side; not enforced here, the solver reports a singular system instead.
  }

  void demands() {
    std::set<int> replaced;
    for (const auto& l : sec("DEMANDS")) try {
      need(l, 2, "DEMANDS", "junction-ID demand [pattern] [;category]");
      const int n = node_ref(l, 0, "DEMANDS");
      auto& node = net_.nodes[n];
      if (node.kind != NodeKind::Junction) fail(l, "DEMANDS." + node.id, "demands can only be given for junctions");
      if (!replaced.count(n)) {  // EPANET 2.2: [DEMANDS] replaces the [JUNCTIONS] demand
        node.demands.clear();
        replaced.insert(n);
      }
      Demand d;
      d.base = Q(num(l, 1, "DEMANDS." + node.id));
      d.pattern = l.tok.size() >= 3 ? pattern_ref(l, l.tok[2], "DEMANDS." + node.id + ".pattern") : default_pattern();
      node.demands.push_back(d);
    } catch (const LineError& e) {
      record(e);
    }
  }

  void status() {
    for (const auto& l : sec("STATUS")) try {
      need(l, 2, "STATUS", "link-ID OPEN|CLOSED|setting");
      const int k = link_ref(l, 0, "STATUS");
      auto& link = net_.links[k];
      const std::string key = "STATUS." + link.id;
      const std::string s = upper(l.tok[1]);
      const bool open = match(s, "OPEN"), closed = match(s, "CLOSED");
      if (link.kind == LinkKind::CVPipe) {
        problem(l, key, "the status of a check-valve pipe cannot be set");
        continue;
      }
      if (open || closed) {
        link.status = open ? LinkStatus::Open : LinkStatus::Closed;
        if (link.kind == LinkKind::Pump) link.setting = open ? 1.0 : 0.0;
        else if (link.kind != LinkKind::Pipe && link.kind != LinkKind::GPV) link.has_setting = false;
      } else {
        const double v = num(l, 1, key);
        if (link.kind == LinkKind::Pipe) fail(l, key, "a pipe's status is OPEN or CLOSED");
        set_setting(link, v, l, key, link.status, link.setting, link.has_setting);
      }
    } catch (const LineError& e) {
      record(e);
    }
  }

  // A numeric setting for link k (from [STATUS] or a control), in file units.
  void set_setting(const NetLink& link, double v, const Line& l, const std::string& key, LinkStatus& st, double& setting,
                   bool& has) {
    has = true;
    switch (link.kind) {
      case LinkKind::Pump:
        if (v < 0) fail(l, key, "pump speed must be >= 0");
        setting = v;
        st = v > 0 ? LinkStatus::Open : LinkStatus::Closed;
        break;
      case LinkKind::PRV:
      case LinkKind::PSV:
      case LinkKind::PBV:
        setting = P(v);
        st = LinkStatus::Active;
        break;
      case LinkKind::FCV:
        setting = Q(v);
        st = LinkStatus::Active;
        break;
      case LinkKind::TCV:
        setting = v;
        st = LinkStatus::Active;
        break;
      default:
        fail(l, key, "this link takes no numeric setting");
    }
  }

  void controls() {
    for (const auto& l : sec("CONTROLS")) try {
      const auto& t = l.tok;
      if (t.size() < 6 || !match(t[0], "LINK"))
        fail(l, "CONTROLS", "expected LINK id status|setting AT TIME t | AT CLOCKTIME t [AM|PM] | IF NODE id ABOVE|BELOW value");
      Control c;
      c.link = link_ref(l, 1, "CONTROLS");
      const auto& link = net_.links[c.link];
      const std::string key = "CONTROLS." + link.id;
      const std::string s = upper(t[2]);
      if (match(s, "OPEN") || match(s, "CLOSED")) {
        const bool open = match(s, "OPEN");
        c.status = open ? LinkStatus::Open : LinkStatus::Closed;
        if (link.kind == LinkKind::Pump) {
          c.setting = open ? 1.0 : 0.0;
          c.has_setting = true;
        } else if (link.kind == LinkKind::GPV) {
          c.setting = link.setting;
          c.has_setting = true;
        }
      } else {
        if (link.kind == LinkKind::Pipe || link.kind == LinkKind::CVPipe) fail(l, key, "a pipe control sets OPEN or CLOSED");
        set_setting(link, num(l, 2, key + ".setting"), l, key, c.status, c.setting, c.has_setting);
      }
      if (match(t[3], "AT")) {
        if (match(t[4], "TIME")) {
          c.kind = ControlKind::AtTime;
          c.time = parse_time(*this, l, 5, key + ".time");
        } else if (match(t[4], "CLOCKTIME")) {
          c.kind = ControlKind::AtClockTime;
          c.time = parse_time(*this, l, 5, key + ".clocktime") % 86400;
        } else {
          fail(l, key, "got '" + t[4] + "' after AT, expected TIME or CLOCKTIME");
        }
      } else if (match(t[3], "IF")) {
        if (t.size() < 8 || !match(t[4], "NODE")) fail(l, key, "expected IF NODE id ABOVE|BELOW value");
        c.node = node_ref(l, 5, key + ".node");
        const auto& node = net_.nodes[c.node];
        if (match(t[6], "ABOVE")) c.kind = ControlKind::LevelAbove;
        else if (match(t[6], "BELOW")) c.kind = ControlKind::LevelBelow;
        else fail(l, key, "got '" + t[6] + "', expected ABOVE or BELOW");
        const double v = num(l, 7, key + ".value");
        // EPANET: tank -> level above the bottom; junction -> pressure; reservoir -> (level) head
        if (node.kind == NodeKind::Junction) c.grade = node.elevation + P(v);
        else c.grade = node.elevation + H(v);
      } else {
        fail(l, key, "got '" + t[3] + "', expected AT or IF");
      }
      c.loc = loc(l);
      net_.controls.push_back(c);
    } catch (const LineError& e) {
      record(e);
    }
  }

  void refusals() {
    for (const auto& l : sec("EMITTERS")) try {
      if (l.tok.size() >= 2 && num(l, 1, "EMITTERS") != 0.0)
        problem(l, "EMITTERS." + l.tok[0], "emitters (pressure-dependent outflow) are not supported");
    } catch (const LineError& e) {
      record(e);
    }
    if (!sec("RULES").empty()) problem(sec("RULES").front(), "RULES", "rule-based controls ([RULES]) are not supported; use simple [CONTROLS]");
    if (!sec("LEAKAGE").empty()) problem(sec("LEAKAGE").front(), "LEAKAGE", "pipe leakage is not supported");
  }

  void finish() {
    if (net_.nodes.empty()) add_problem(0, 0, "", "the network has no nodes");
    bool fixed = false;
    for (const auto& n : net_.nodes) fixed |= n.kind != NodeKind::Junction;
    if (!net_.nodes.empty() && !fixed)
      add_problem(0, 0, "", "the network has no reservoir or tank (no fixed head): heads are undetermined");
    if (!net_.nodes.empty() && net_.links.empty())
      add_problem(0, 0, "", "found no links, expected at least one pipe, pump or valve ([PIPES], [PUMPS], [VALVES])");
    connectivity(fixed);
    report_size();
  }

  /// Every node must be reachable from a reservoir or tank through links, whatever their status (EPANET's
  /// "unconnected node" check, error 233): otherwise its head is undetermined and the Jacobian singular.
  void connectivity(bool fixed) {
    if (!fixed) return;
    const std::size_t nn = net_.nodes.size();
    std::vector<std::vector<int>> adj(nn);
    for (const auto& k : net_.links) {
      adj[static_cast<std::size_t>(k.from)].push_back(k.to);
      adj[static_cast<std::size_t>(k.to)].push_back(k.from);
    }
    std::vector<char> seen(nn, 0);
    std::vector<int> todo;
    for (std::size_t i = 0; i < nn; ++i)
      if (net_.nodes[i].kind != NodeKind::Junction) seen[i] = 1, todo.push_back(static_cast<int>(i));
    while (!todo.empty()) {
      const int i = todo.back();
      todo.pop_back();
      for (int j : adj[static_cast<std::size_t>(i)])
        if (!seen[static_cast<std::size_t>(j)]) seen[static_cast<std::size_t>(j)] = 1, todo.push_back(j);
    }
    std::vector<std::size_t> lost;
    for (std::size_t i = 0; i < nn; ++i)
      if (!seen[i]) lost.push_back(i);
    if (lost.empty()) return;
    constexpr std::size_t kShown = 20;
    std::string names;
    for (std::size_t k = 0; k < lost.size() && k < kShown; ++k) names += (k ? ", " : "") + net_.nodes[lost[k]].id;
    if (lost.size() > kShown) names += " and " + std::to_string(lost.size() - kShown) + " more";
    for (std::size_t k = 0; k < lost.size() && k < kShown; ++k) {
      const auto& n = net_.nodes[lost[k]];
      const char* sec = n.kind == NodeKind::Junction ? "JUNCTIONS" : n.kind == NodeKind::Tank ? "TANKS" : "RESERVOIRS";
      InputProblem p;
      p.loc = n.loc;
      p.key = std::string(sec) + "." + n.id;
      p.message = "found a node not connected to any reservoir or tank through links, expected every node to be reachable "
                  "from a fixed-head node (its head would be undetermined; EPANET error 233); " +
                  std::to_string(lost.size()) + " unconnected node" + (lost.size() > 1 ? "s: " : ": ") + names;
      problems_.push_back(std::move(p));
    }
  }

  /// The report times are kept in memory (and written to JSON or HDF5): bound them.
  void report_size() {
    const long rstep = net_.report_step > 0 ? net_.report_step : 3600;
    const double times = net_.duration >= net_.report_start
                             ? std::floor(static_cast<double>(net_.duration - net_.report_start) / static_cast<double>(rstep)) + 1.0
                             : 0.0;
    const double values = times * static_cast<double>(net_.nodes.size() + net_.links.size());
    if (times > static_cast<double>(kMaxReportTimes) || values > kMaxReportValues)
      add_problem(duration_line_, 0, "TIMES.DURATION",
                  "found " + fmt(times) + " report times (DURATION " + fmt(static_cast<double>(net_.duration) / 3600.0) +
                      " h from REPORT START " + fmt(static_cast<double>(net_.report_start) / 3600.0) + " h every " +
                      fmt(static_cast<double>(rstep) / 3600.0) + " h) x " + std::to_string(net_.nodes.size() + net_.links.size()) +
                      " nodes and links = " + fmt(values) + " values, expected at most " + std::to_string(kMaxReportTimes) +
                      " report times and " + fmt(kMaxReportValues) +
                      " values (results are kept in memory: at most 80 MB per quantity); raise REPORT TIMESTEP or shorten DURATION");
  }

  std::string name_;
  Network net_;
  std::vector<std::string> warnings_;
  std::vector<InputProblem> problems_;
  std::map<std::string, std::vector<Line>> sections_;
  std::map<std::string, int> pending_skip_;
  std::map<std::string, int> pattern_index_, curve_index_;
  std::map<std::string, Line> curve_line_;
  std::set<int> volume_curves_;
  std::string default_pattern_ = "1";
  int unit_line_ = 0;
  bool us_ = true;
  double qf_ = 1.0, hf_ = 1.0, pf_ = 1.0;
  int press_line_ = 0;
  int visc_line_ = 0;
  int duration_line_ = 0;
};

}  // namespace

InpResult parse_inp(const std::string& text, const std::string& name) { return Reader(name).run(text); }

InpResult read_inp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open EPANET input file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw IoError("cannot read EPANET input file '" + path + "'");
  return parse_inp(ss.str(), path);
}

}  // namespace caspflow::inputs::epanet
