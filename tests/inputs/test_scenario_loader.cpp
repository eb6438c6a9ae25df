// Scenario loader: series, extends merge, SI conversion of the shipped scenarios, message format.
// Reference values and their sources are stated next to each check:
//   barrel 0.158987294928 m3 (API MPMS 11.5 / NIST SP 811 B.8), Julian year 365.25 d,
//   API gravity: SG(60 F) = 141.5 / (API + 131.5), water at 60 F = 999.016 kg/m3 (API MPMS 11.1),
//   scenario figures: shared/reference/route-data.md rows named in inputs/scenarios/*.toml.
#include <doctest/doctest.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <string>
#include <cstdint>
#include <unistd.h>

#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/model/allocation.hpp"
#include "caspflow/model/series.hpp"

namespace fs = std::filesystem;
using caspflow::InputError;
using caspflow::inputs::load_scenario;
using caspflow::inputs::load_scenario_text;
using caspflow::model::epoch_seconds;

namespace {
constexpr double kBbl = 0.158987294928;
constexpr double kYr = 365.25 * 86400.0;
const std::string kScenarios = std::string(CASPFLOW_SOURCE_DIR) + "/inputs/scenarios/";

// A small valid scenario that tests modify.
const char* kMini = R"(title = "mini"
[simulation]
start = 2025-01-01
end = 2025-12-31
[grades.g]
density = "850 kg/m3"
[nodes.o]
kind = "origin"
[nodes.s]
kind = "storage"
capacity = "1 Mbbl"
heel = "0.1 Mbbl"
[nodes.k]
kind = "sink"
[legs.a]
kind = "fixed"
from = "o"
to = "s"
capacity = "1 Mt/yr"
[legs.b]
kind = "pipeline"
from = "s"
to = "k"
capacity = { interp = "linear", points = [["2025-01-01", "100 kb/d"], ["2025-07-01", "200 kb/d"]] }
[shippers.x]
grade = "g"
origin = "o"
supply = "0.5 Mt/yr"
[[shippers.x.routes]]
legs = ["a", "b"]
)";

std::string problems_of(const std::string& text, const std::string& name = "mini.toml") {
  try {
    load_scenario_text(text, name);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() / ("caspflow-inputs-" + std::to_string(::getpid()) + "-" +
                                       std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
};
}  // namespace

TEST_CASE("mini scenario loads; series step/linear evaluate as documented") {
  const auto sc = load_scenario_text(kMini, "mini.toml");
  CHECK(sc.start == epoch_seconds(2025, 1, 1));
  CHECK(sc.end == epoch_seconds(2026, 1, 1));  // end is the last day inclusive
  REQUIRE(sc.legs.size() == 2);
  const auto& b = sc.legs[1];
  CHECK(b.basis == caspflow::model::CapBasis::Volume);
  CHECK(b.capacity.interp == caspflow::model::Interp::Linear);
  const double q1 = 100e3 * kBbl / 86400, q2 = 200e3 * kBbl / 86400;
  CHECK(b.capacity.at(epoch_seconds(2024, 6, 1)) == doctest::Approx(q1));  // before first point
  CHECK(b.capacity.at(epoch_seconds(2026, 6, 1)) == doctest::Approx(q2));  // after last point
  // Linear halfway in time between the points: 2025-01-01 + 90.5 d of 181 d.
  const double mid = 0.5 * (epoch_seconds(2025, 1, 1) + epoch_seconds(2025, 7, 1));
  CHECK(b.capacity.at(mid) == doctest::Approx(0.5 * (q1 + q2)));
  CHECK(sc.legs[0].basis == caspflow::model::CapBasis::Mass);
  CHECK(sc.legs[0].capacity.at(0) == doctest::Approx(1e9 / kYr));
  CHECK(sc.shippers[0].routes[0].id == "route1");
  CHECK(sc.text.find("# --- file: mini.toml ---") == 0);
}

TEST_CASE("step series holds each value until the next point") {
  std::string t = kMini;
  t.replace(t.find("capacity = \"1 Mt/yr\""), 20,
            "capacity = { points = [[\"2025-01-01\", \"1 Mt/yr\"], [2025-03-01, \"2 Mt/yr\"]] }");
  const auto sc = load_scenario_text(t, "mini.toml");
  const auto& c = sc.legs[0].capacity;
  CHECK(c.interp == caspflow::model::Interp::Step);
  CHECK(c.at(epoch_seconds(2025, 2, 28)) == doctest::Approx(1e9 / kYr));
  CHECK(c.at(epoch_seconds(2025, 3, 1)) == doctest::Approx(2e9 / kYr));
}

TEST_CASE("volume supply converts to mass with the grade density") {
  std::string t = kMini;
  t.replace(t.find("supply = \"0.5 Mt/yr\""), 20, "supply = \"10 kb/d\"");
  const auto sc = load_scenario_text(t, "mini.toml");
  CHECK(sc.shippers[0].supply.at(0) == doctest::Approx(10e3 * kBbl / 86400 * 850.0));
}

TEST_CASE("all problems are collected, each as file:line:col: key: found X, expected Y") {
  std::string t = kMini;
  t.replace(t.find("capacity = \"1 Mt/yr\""), 20, "capacity = \"-1 Mt/yr\"");
  t.replace(t.find("heel = \"0.1 Mbbl\""), 17, "heel = \"5 Mbbl\"");
  t += "[legs.c]\nkind = \"fixed\"\nfrom = \"s\"\nto = \"k\"\ncapcity = \"1 Mt/yr\"\n";
  const std::string m = problems_of(t);
  CHECK(m.find("mini.toml:19:12: legs.a.capacity: found -1 Mt/yr, expected capacity >= 0") != std::string::npos);
  CHECK(m.find("mini.toml:12:8: nodes.s.heel: found 5 Mbbl, expected 0 <= heel < capacity (1 Mbbl)") !=
        std::string::npos);
  CHECK(m.find("legs.c.capcity: found unknown key `capcity`") != std::string::npos);
  CHECK(m.find("did you mean `capacity`?") != std::string::npos);
  CHECK(m.find("legs.c.capacity: missing required key `capacity`") != std::string::npos);
}

TEST_CASE("a wrong unit names the accepted units") {
  std::string t = kMini;
  t.replace(t.find("capacity = \"1 Mt/yr\""), 20, "capacity = \"1.2 Mb\"");
  const std::string m = problems_of(t);
  CHECK(m.find("legs.a.capacity: found \"1.2 Mb\" (unknown unit `Mb`; did you mean `Mb/d`?)") != std::string::npos);
  CHECK(m.find("expected a flow (m3/s, m3/h, m3/d, bbl/d, b/d, kb/d, kbbl/d, Mb/d, mb/d, Mbbl/d, kg/s, t/h, t/d, "
               "kt/d, t/yr, kt/yr, Mt/yr)") != std::string::npos);
}

TEST_CASE("extends: child overrides, events append, messages name the file that wrote the value") {
  TempDir d;
  std::string parent = kMini;
  parent += "[[events]]\nid = \"p\"\nleg = \"a\"\nstart = 2025-02-01\nend = 2025-03-01\nremaining = 0.5\n";
  d.write("parent.toml", parent);
  const std::string child = d.write("child.toml",
                                    "extends = \"parent.toml\"\n"
                                    "title = \"child\"\n"
                                    "[legs.a]\n"
                                    "capacity = \"2 Mt/yr\"\n"
                                    "[[events]]\nid = \"c\"\nnode = \"s\"\nstart = 2025-04-01\nend = 2025-05-01\n"
                                    "remaining = \"0 %\"\n");
  const auto sc = load_scenario(child);
  CHECK(sc.title == "child");
  CHECK(sc.legs[0].capacity.at(0) == doctest::Approx(2e9 / kYr));  // child's value
  CHECK(sc.legs[0].from == 0);                                     // parent's keys kept
  REQUIRE(sc.events.size() == 2);
  CHECK(sc.events[0].id == "p");
  CHECK(sc.events[1].id == "c");
  CHECK_FALSE(sc.events[1].on_leg);
  CHECK(sc.file == child);
  // Scenario.text: parent first, top file last, each with a header line.
  const auto pp = sc.text.find("# --- file: ");
  const auto cp = sc.text.find("child.toml ---");
  CHECK(pp == 0);
  CHECK(sc.text.find("parent.toml ---") < cp);
  // An error in the child names child.toml; one in the parent names parent.toml.
  d.write("child2.toml", "extends = \"parent.toml\"\n[legs.a]\ncapacity = \"2 t\"\n");
  try {
    load_scenario((d.dir / "child2.toml").string());
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("child2.toml:3:12: legs.a.capacity") != std::string::npos);
  }
  d.write("child3.toml", "extends = \"parent.toml\"\n[legs.a]\nfrom = \"nowhere\"\n");
  std::string parent_bad = parent;
  parent_bad.replace(parent_bad.find("density = \"850 kg/m3\""), 21, "density = \"850 kg\"");
  d.write("parent.toml", parent_bad);
  try {
    load_scenario((d.dir / "child3.toml").string());
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    const std::string m = e.what();
    CHECK(m.find("parent.toml:6:11: grades.g.density") != std::string::npos);
    CHECK(m.find("child3.toml:3:8: legs.a.from: found \"nowhere\"") != std::string::npos);
    CHECK(e.problems().size() >= 2);
  }
}

TEST_CASE("extends cycle and missing parent are errors") {
  TempDir d;
  d.write("a.toml", "extends = \"b.toml\"\n");
  d.write("b.toml", "extends = \"a.toml\"\n");
  try {
    load_scenario((d.dir / "a.toml").string());
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("found a cycle of parents (a.toml -> b.toml -> a.toml)") != std::string::npos);
    CHECK(std::string(e.what()).find("a.toml:1:11: extends: ") != std::string::npos);
  }
  d.write("c.toml", "extends = \"missing.toml\"\n");
  try {
    load_scenario((d.dir / "c.toml").string());
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("c.toml:1:11: extends: found \"missing.toml\"") != std::string::npos);
  }
}

TEST_CASE("TOML syntax errors carry file:line:col") {
  const std::string m = problems_of("title = \"x\"\n[simulation\nstart = 2025-01-01\n", "bad.toml");
  CHECK(m.find("bad.toml:2:") != std::string::npos);
  CHECK(m.find("TOML syntax error") != std::string::npos);
}

TEST_CASE("every scenario in inputs/scenarios loads without problems") {
  int n = 0;
  for (const auto& e : fs::directory_iterator(kScenarios)) {
    if (e.path().extension() != ".toml") continue;
    // Hydraulic pipeline descriptions live beside the scenarios but are not scenarios.
    if (e.path().filename().string().find("hydraulics") != std::string::npos) continue;
    CAPTURE(e.path().string());
    CHECK_NOTHROW(load_scenario(e.path().string()));
    ++n;
  }
  CHECK(n >= 3);
}

TEST_CASE("base.toml lands in SI as route-data says") {
  const auto sc = load_scenario(kScenarios + "base.toml");
  auto leg = [&](const std::string& id) -> const caspflow::model::Leg& {
    for (const auto& l : sc.legs)
      if (l.id == id) return l;
    FAIL("no leg " << id);
    return sc.legs.front();
  };
  auto node = [&](const std::string& id) -> const caspflow::model::Node& {
    for (const auto& n : sc.nodes)
      if (n.id == id) return n;
    FAIL("no node " << id);
    return sc.nodes.front();
  };
  CHECK(sc.start == epoch_seconds(2025, 1, 1));
  CHECK(sc.end == epoch_seconds(2041, 1, 1));
  // BTC's capacity comes from the flow equations: no capacity series, the DRA of the scenario, and at
  // that DRA the calibrated hydraulic model carries route-data §2's upgraded capacity, 1.2 mb/d (+-1 %).
  CHECK(leg("btc").capacity.empty());
  CHECK(leg("btc").dra.at(sc.start) == doctest::Approx(0.285));
  {
    const caspflow::model::Allocator alloc(sc);
    int ib = 0;
    while (sc.legs[static_cast<size_t>(ib)].id != "btc") ++ib;
    CHECK(alloc.leg_capacity(ib, sc.start) == doctest::Approx(1.2e6 * 0.158987294928 / 86400).epsilon(0.01));
  }
  CHECK(leg("btc").basis == caspflow::model::CapBasis::Volume);
  // `hydraulics` resolves relative to the file that wrote it, and the file exists.
  CHECK(fs::path(leg("btc").hydraulic_model).filename() == "btc-hydraulics.toml");
  CHECK(fs::is_regular_file(leg("btc").hydraulic_model));
  // route-data §2 Linefill volume: about 10 million bbl.
  CHECK(leg("btc").linefill == doctest::Approx(10e6 * kBbl));
  // route-data §9 CPC capacity: 72.5 Mt/yr of Kazakh capacity.
  CHECK(leg("cpc").capacity.at(sc.start) == doctest::Approx(72.5e9 / kYr).epsilon(1e-12));
  CHECK(leg("cpc").basis == caspflow::model::CapBasis::Mass);
  // route-data §7 Aktau oil-loading capacity: 7.5 Mt/yr on 3 berths.
  CHECK(leg("aktau_loading").berths.at(sc.start) * leg("aktau_loading").berth_rate ==
        doctest::Approx(7.5e9 / kYr));
  // route-data §7 Sangachal storage: max about 4 Mbbl, working about 3.2 Mbbl.
  CHECK(node("sangachal").capacity == doctest::Approx(4e6 * kBbl));
  CHECK(node("sangachal").working_capacity() == doctest::Approx(3.2e6 * kBbl));
  // route-data §8: Ceyhan 7 tanks x about 1 Mbbl.
  CHECK(node("ceyhan").capacity == doctest::Approx(7e6 * kBbl));
  // Tanker leg: 515 km at 11 kn (1852 m/h per kn), 24 h + 24 h port time.
  const auto& tk = leg("caspian_tankers");
  CHECK(tk.cycle_time() == doctest::Approx(2 * 515e3 / (11 * 1852.0 / 3600) + 48 * 3600.0));
  // Annual capacity with the year's mean weather must comfortably exceed 2.2 Mt/yr (issue 2 item 7).
  double wmean = 0;
  for (double w : tk.weather) wmean += w / 12;
  const double cap = tk.fleet.at(sc.start) * tk.cargo / tk.cycle_time() * wmean * kYr;
  CHECK(cap > 1.5 * 2.2e9);
  // Grades: route-data §6 Azeri BTC 0.84 g/cm3; Tengiz about 45 API.
  for (const auto& g : sc.grades) {
    if (g.id == "azeri_btc") CHECK(g.density == doctest::Approx(840.0));
    if (g.id == "kz_tengiz") CHECK(g.density == doctest::Approx(141.5 / (45 + 131.5) * 999.016));
  }
  for (const auto& s : sc.shippers) {
    if (s.id == "kz_west") {
      // route-data §4 2024 row / validation #10: 1.4 Mt/yr; Agreement 1 ceiling 1.5 Mt.
      CHECK(s.supply.at(sc.start) == doctest::Approx(1.4e9 / kYr));
      REQUIRE(s.routes.size() == 1);
      CHECK(s.routes[0].annual_ceiling.at(sc.start) == doctest::Approx(1.5e9));
      CHECK(s.kazakh);
    }
    if (s.id == "kz_cpc") {
      // route-data §9: Kazakh CPC exports 2025, 64.8 Mt.
      CHECK(s.supply.at(sc.start) == doctest::Approx(64.8e9 / kYr));
      REQUIRE(s.routes.size() == 2);
      CHECK(s.routes[1].priority == caspflow::model::Priority::Interruptible);
    }
  }
  CHECK(!sc.assumptions.empty());
  CHECK(sc.text.find("# --- file: ") == 0);
}

TEST_CASE("variants: agreement 2.2 Mt/yr from 2026 and the CPC outage event") {
  const auto a = load_scenario(kScenarios + "agreement-2p2.toml");
  for (const auto& s : a.shippers)
    if (s.id == "kz_west") {
      // route-data §4 Agreement 2: 2.2 Mt/yr.
      CHECK(s.supply.at(epoch_seconds(2025, 6, 1)) == doctest::Approx(1.4e9 / kYr));
      CHECK(s.supply.at(epoch_seconds(2026, 1, 1)) == doctest::Approx(2.2e9 / kYr));
      // route-data §4: Agreement 1 ceiling 1.5 Mt/yr in 2025, Agreement 2 2.2 Mt/yr from 2026 (a rate x 1 yr).
      CHECK(s.routes[0].annual_ceiling.at(epoch_seconds(2025, 6, 1)) == doctest::Approx(1.5e9).epsilon(1e-14));
      CHECK(s.routes[0].annual_ceiling.at(epoch_seconds(2026, 1, 1)) == doctest::Approx(2.2e9).epsilon(1e-14));
    }
  CHECK(a.text.find("base.toml ---") < a.text.find("agreement-2p2.toml ---"));
  const auto c = load_scenario(kScenarios + "cpc-outage-2025.toml");
  REQUIRE(c.events.size() == 1);
  // route-data §9 Disruption 29 Nov 2025: SPM-1 only, just over half capacity, SPM-3 back about 25 Jan 2026.
  CHECK(c.events[0].start == epoch_seconds(2025, 11, 29));
  CHECK(c.events[0].end == epoch_seconds(2026, 1, 25));
  CHECK(c.events[0].remaining == doctest::Approx(0.55));
  CHECK(c.events[0].on_leg);
  CHECK(c.legs[c.events[0].target].id == "cpc");
}

// Every file in tests/inputs/malformed/ starts with `# expect: KEY line N -- why`; loading it must throw
// an InputError whose text holds `FILE:N:` and KEY (KEY "-" = a TOML syntax error, no key path).
// The CLI driver (run_malformed.py) checks the same through `caspflow check` and `caspflow run`.
TEST_CASE("malformed inputs report file:line and the key path") {
  const fs::path dir = fs::path(CASPFLOW_SOURCE_DIR) / "tests/inputs/malformed";
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".toml") continue;
    std::ifstream in(e.path());
    std::string header;
    std::getline(in, header);
    char key[256] = {0};
    int line = 0;
    REQUIRE(std::sscanf(header.c_str(), "# expect: %255s line %d", key, &line) == 2);
    const std::string path = e.path().lexically_normal().generic_string();
    CAPTURE(path);
    std::string msg;
    try {
      load_scenario(path);
    } catch (const InputError& err) {
      msg = err.what();
    }
    CAPTURE(msg);
    CHECK(msg.find(path + ":" + std::to_string(line) + ":") != std::string::npos);
    if (std::string(key) != "-") CHECK(msg.find(std::string(": ") + key + ": ") != std::string::npos);
    ++n;
  }
  CHECK(n >= 25);
}

TEST_CASE("extends: per-key assumed notes merge (child adds or replaces a key's note; the parent's others stay)") {
  // base.toml's [legs.caspian_tankers] notes speed, load_time, unload_time, weather and cargo as assumed; the
  // child replaces the speed note and adds one for distance.
  const std::string child = "extends = \"base.toml\"\n[legs.caspian_tankers]\nspeed = \"12 kn\"\n"
                            "assumed = { speed = \"12 kn: child's note\", distance = \"child's distance note\" }\n";
  const auto sc = load_scenario_text(child, kScenarios + "child-notes.toml");
  auto has = [&](const std::string& line) { return std::find(sc.assumptions.begin(), sc.assumptions.end(), line) != sc.assumptions.end(); };
  auto starts = [&](const std::string& prefix) {
    return std::count_if(sc.assumptions.begin(), sc.assumptions.end(), [&](const std::string& a) { return a.rfind(prefix, 0) == 0; });
  };
  CHECK(has("legs.caspian_tankers.speed: 12 kn: child's note"));
  CHECK(has("legs.caspian_tankers.distance: child's distance note"));
  CHECK(has("legs.caspian_tankers.load_time: 24 h per call at Aktau"));  // the parent's, kept
  CHECK(starts("legs.caspian_tankers.speed:") == 1);                      // replaced, not duplicated
  CHECK(starts("legs.caspian_tankers.weather:") == 1);
}

TEST_CASE("contract and quality terms take series (issue 8 item 2)") {
  // annual_ceiling: a mass per calendar year, or a rate read as that much a year (1 yr = 365.25 d).
  std::string t = kMini;
  t += "annual_ceiling = { points = [[\"2025-01-01\", \"1.5 Mt/yr\"], [\"2026-01-01\", \"2.2 Mt\"]] }\n";
  // The series above mixes a rate and a mass: one dimension per series is required.
  CHECK(problems_of(t).find("shippers.x.routes[0].annual_ceiling") != std::string::npos);
  t = kMini;
  t += "annual_ceiling = { points = [[\"2025-01-01\", \"1.5 Mt/yr\"], [\"2025-07-01\", \"2.2 Mt/yr\"]] }\n";
  {
    const auto sc = load_scenario_text(t, "mini.toml");
    const auto& c = sc.shippers[0].routes[0].annual_ceiling;
    CHECK(c.at(epoch_seconds(2025, 6, 30)) == doctest::Approx(1.5e9).epsilon(1e-14));
    CHECK(c.at(epoch_seconds(2025, 7, 1)) == doctest::Approx(2.2e9).epsilon(1e-14));
  }
  t = kMini;
  t += "annual_ceiling = { interp = \"linear\", points = [[\"2025-01-01\", \"1.5 Mt\"], [\"2025-07-01\", \"2.2 Mt\"]] }\n";
  CHECK(problems_of(t).find("annual_ceiling: found interp = \"linear\", expected a step series") != std::string::npos);
  // Volume ceiling: x grade density at 15 degC (850 kg/m3).
  t = kMini;
  t += "annual_ceiling = \"1 Mbbl\"\n";
  CHECK(load_scenario_text(t, "mini.toml").shippers[0].routes[0].annual_ceiling.at(0) == doctest::Approx(1e6 * kBbl * 850.0));

  // max_sulphur: a series, 0 = no limit at that time; a constant 0 is an error.
  t = kMini;
  t.replace(t.find("capacity = \"1 Mt/yr\""), 20,
            "capacity = \"1 Mt/yr\"\nmax_sulphur = { points = [[\"2025-01-01\", 0], [\"2027-01-01\", \"0.194 %\"]] }");
  {
    const auto sc = load_scenario_text(t, "mini.toml");
    CHECK(sc.legs[0].max_sulphur.at(epoch_seconds(2026, 12, 31)) == 0.0);
    CHECK(sc.legs[0].max_sulphur.at(epoch_seconds(2027, 1, 1)) == doctest::Approx(0.00194));
    CHECK(sc.legs[0].has_quality_limit());
  }
  t = kMini;
  t.replace(t.find("capacity = \"1 Mt/yr\""), 20, "capacity = \"1 Mt/yr\"\nmax_sulphur = 0");
  CHECK(problems_of(t).find("legs.a.max_sulphur: found 0, expected 0 < max_sulphur <= 1") != std::string::npos);
  // min_api / max_api series: API -> density (API MPMS 11.1); min < max checked wherever either changes.
  t = kMini;
  t.replace(t.find("capacity = \"1 Mt/yr\""), 20,
            "capacity = \"1 Mt/yr\"\nmin_api = { points = [[\"2025-01-01\", 30], [\"2026-01-01\", 36]] }\nmax_api = 35");
  {
    const std::string msg = problems_of(t);
    CHECK(msg.find("legs.a.max_api: found 35 on 2026-01-01, expected a value above min_api (36 then)") != std::string::npos);
  }
  t = kMini;
  t.replace(t.find("capacity = \"1 Mt/yr\""), 20, "capacity = \"1 Mt/yr\"\nmin_api = { points = [[\"2025-01-01\", 30], [\"2026-01-01\", 33]] }");
  CHECK(load_scenario_text(t, "mini.toml").legs[0].max_density.at(epoch_seconds(2026, 2, 1)) ==
        doctest::Approx(141.5 / (33 + 131.5) * 999.016));
}

TEST_CASE("tanker weather as a dated series overrides the 12 monthly values") {
  const auto base = load_scenario(kScenarios + "base.toml");
  const std::string text = "extends = \"" + kScenarios + "base.toml\"\n[legs.caspian_tankers]\n"
                           "weather = { points = [[\"2025-01-01\", 0.5], [\"2026-01-01\", 0.9]] }\n";
  const auto sc = load_scenario_text(text, "weather.toml");
  for (const auto& l : sc.legs)
    if (l.id == "caspian_tankers") {
      CHECK(l.weather_at(epoch_seconds(2025, 3, 1)) == 0.5);
      CHECK(l.weather_at(epoch_seconds(2026, 3, 1)) == 0.9);
    }
  for (const auto& l : base.legs)
    if (l.id == "caspian_tankers") CHECK(l.weather_at(epoch_seconds(2025, 3, 1)) == l.weather[2]);
  const std::string bad = "extends = \"" + kScenarios + "base.toml\"\n[legs.caspian_tankers]\n"
                          "weather = { points = [[\"2025-01-01\", 1.5]] }\n";
  CHECK(problems_of(bad, "weather.toml").find("legs.caspian_tankers.weather") != std::string::npos);
}

TEST_CASE("--set overrides: key paths of scenario files, units in the value, errors naming the option (issue 12 item 2)") {
  using caspflow::inputs::load_scenario;
  const std::string base = kScenarios + "base.toml";
  const auto sc = load_scenario(base, {"legs.caspian_tankers.fleet=7", "legs.cpc.capacity=60 Mt/yr",
                                       "shippers.kz_west.routes[0].annual_ceiling=\"2.2 Mt\"", "simulation.end=2026-12-31"});
  for (const auto& l : sc.legs) {
    if (l.id == "caspian_tankers") CHECK(l.fleet.at(sc.start) == 7.0);
    if (l.id == "cpc") CHECK(l.capacity.at(sc.start) == doctest::Approx(60e9 / kYr));
  }
  for (const auto& s : sc.shippers)
    if (s.id == "kz_west") CHECK(s.routes[0].annual_ceiling.at(sc.start) == doctest::Approx(2.2e9));
  CHECK(sc.end == epoch_seconds(2027, 1, 1));
  // Provenance: the overrides are stored with the input texts, and are not a file.
  CHECK(sc.text.find("# --- file: --set ---\nlegs.caspian_tankers.fleet = 7\n") != std::string::npos);
  CHECK(std::find(sc.input_files.begin(), sc.input_files.end(), "--set") == sc.input_files.end());
  CHECK(sc.overrides.size() == 4);

  auto msg_of = [&](const std::vector<std::string>& o) {
    try {
      load_scenario(base, o);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string unit = msg_of({"legs.cpc.capacity=60 Mx/yr"});
  CHECK(unit.find("--set legs.cpc.capacity=60 Mx/yr:1:") != std::string::npos);
  CHECK(unit.find(": legs.cpc.capacity: found \"60 Mx/yr\"") != std::string::npos);
  CHECK(msg_of({"legs.nope.capacity=1"}).find("found no table `legs.nope` in the scenario, expected one of:") != std::string::npos);
  CHECK(msg_of({"shippers.kz_west.routes[5].id=x"}).find("found no `shippers.kz_west.routes[5]` (it has 1)") != std::string::npos);
  CHECK(msg_of({"legs.cpc.capacity"}).find("expected KEY.PATH=VALUE") != std::string::npos);
  CHECK(msg_of({"legs..capacity=1"}).find("malformed key path") != std::string::npos);
  // An unknown last key is caught by the usual key check, with its suggestion.
  CHECK(msg_of({"legs.cpc.capcity=60 Mt/yr"}).find("did you mean `capacity`?") != std::string::npos);
}
