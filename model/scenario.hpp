#pragma once
// The validated scenario: plain data, SI units, dense 0-based indices. Built by inputs/ from a
// TOML file, consumed by solvers/. Nothing here parses text, reads files or integrates anything.
//
// Units inside: mass kg, volume m3, time s (since 1970-01-01 UTC), length m, speed m/s,
// mass flow kg/s, volume flow m3/s, density kg/m3, sulphur as mass fraction (0.0055 = 0.55 wt%).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caspflow/model/errors.hpp"
#include "caspflow/model/hydraulics/fluid.hpp"
#include "caspflow/model/pipeline/pipeline.hpp"
#include "caspflow/model/series.hpp"
#include "caspflow/model/uncertainty.hpp"

namespace caspflow::model {

/// A crude quality. Density at 15 degC; viscosity from two (T, nu) points (ASTM D341) when known.
struct Grade {
  std::string id;
  std::string name;            ///< free text label
  double density = 850.0;      ///< kg/m3 at 15 degC
  double sulphur = 0.0;        ///< mass fraction
  double visc_t1 = 0.0, visc_nu1 = 0.0;  ///< K, m2/s (0 = unknown)
  double visc_t2 = 0.0, visc_nu2 = 0.0;  ///< K, m2/s
  std::string source;          ///< citation or "assumed"
  SourceLoc loc;
  /// Whether both (temperature, viscosity) points are known, as the flow equations need.
  [[nodiscard]] bool has_viscosity() const { return visc_t1 > 0 && visc_nu1 > 0 && visc_t2 > 0 && visc_nu2 > 0; }
};

/// The grade as a fluid of the flow equations (density at 15 degC, the default expansion coefficient, its two
/// viscosity points), as `caspflow run` models it in a hydraulic pipeline.
inline hydraulics::Fluid fluid_of(const Grade& g) {
  hydraulics::Fluid f;
  f.rho15 = g.density;
  f.t1 = g.visc_t1;
  f.nu1 = g.visc_nu1;
  f.t2 = g.visc_t2;
  f.nu2 = g.visc_nu2;
  return f;
}

enum class NodeKind { Origin, Storage, Junction, Sink };

/// A place where crude enters, is stored, passes through or leaves the system.
/// Storage is counted in volume (m3): capacity and heel are totals for the node; the working
/// stock above the heel is owned by shippers (inventory per shipper, in kg).
struct Node {
  std::string id;
  std::string name;
  NodeKind kind = NodeKind::Junction;
  double capacity = 0.0;  ///< m3, total tank capacity (0 = no storage)
  double heel = 0.0;      ///< m3, minimum (dead) stock, never withdrawn
  std::vector<std::pair<int, double>> initial;  ///< (shipper index, working stock m3) at start
  /// Tanks segregated for one grade: (grade index, m3 of the working capacity reserved for it). The
  /// other grades share what is left; each part fills (and blocks its own inflows) on its own.
  std::vector<std::pair<int, double>> segregated;
  SourceLoc loc;
  [[nodiscard]] bool has_storage() const { return capacity > 0.0; }
  [[nodiscard]] double working_capacity() const { return capacity - heel; }
};

enum class LegKind { Fixed, Port, Tanker, Pipeline };

/// Whether a capacity limits mass (kg/s) or volume (m3/s) through a leg.
enum class CapBasis { Mass, Volume };

/// A directed link between two nodes with a capacity that may vary in time.
struct Leg {
  std::string id;
  std::string name;
  LegKind kind = LegKind::Fixed;
  int from = -1, to = -1;  ///< node indices
  CapBasis basis = CapBasis::Volume;

  // Fixed and Pipeline: capacity series (kg/s or m3/s per `basis`).
  Series capacity;
  // Port: berths x rate per berth x availability.
  Series berths;          ///< count
  double berth_rate = 0;  ///< kg/s or m3/s per berth
  double availability = 1.0;
  // Tanker: fleet x cargo / cycle x weather availability of the month.
  Series fleet;            ///< number of tankers
  double cargo = 0;        ///< kg or m3 per voyage
  double distance = 0;     ///< m, one way
  double speed = 0;        ///< m/s, laden and ballast
  double load_time = 0;    ///< s per port call
  double unload_time = 0;  ///< s per port call
  double weather[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};  ///< availability by month (Jan..Dec)
  Series weather_series;   ///< availability as a dated series (overrides `weather` when not empty)
  // Pipeline: plug-flow linefill (m3) and who owns the initial linefill.
  double linefill = 0;      ///< m3 (0 = no transit delay)
  int linefill_owner = -1;  ///< shipper index of the initial linefill
  std::string hydraulic_model;  ///< path of a hydraulic pipeline description; empty = capacity series
  /// The hydraulic description read from `hydraulic_model` and validated by the loader (inputs/); shared and
  /// immutable, so copies of a scenario and concurrent runs share it. Null when `hydraulic_model` is empty.
  std::shared_ptr<const pipeline::Pipeline> hydraulics;
  Series dra;                   ///< drag reduction (fraction of turbulent friction) for hydraulic pipelines; empty = 0
  // Quality limits on the blend entering the leg (0 = no limit): mass-weighted sulphur, volume-additive density.
  // Each may change over time (a series); a value of 0 at a time, or an empty series, is "no limit".
  Series max_sulphur;                 ///< mass fraction
  Series min_density, max_density;    ///< kg/m3 at 15 degC (from max API, min API)
  [[nodiscard]] bool has_quality_limit() const { return !max_sulphur.empty() || !min_density.empty() || !max_density.empty(); }
  /// Tanker weather availability at time t: the dated series, else the month's value.
  [[nodiscard]] double weather_at(double t) const;
  SourceLoc loc;

  /// Round-trip time of a tanker (s).
  [[nodiscard]] double cycle_time() const { return 2.0 * distance / speed + load_time + unload_time; }
  /// Mean time from loading to discharge of a tanker cargo (s): half the load time, the laden
  /// passage, half the unload time.
  [[nodiscard]] double transit_time() const { return 0.5 * load_time + distance / speed + 0.5 * unload_time; }
};

/// An outage or derate of a leg or a node's throughput: capacity x remaining in [start, end).
/// With `station` set, a pump station of the hydraulic pipeline `target` is out of service instead
/// (bypassed) and `remaining` is not used.
struct Event {
  std::string id;
  bool on_leg = true;
  int target = -1;         ///< leg or node index
  double start = 0, end = 0;
  double remaining = 0.0;  ///< fraction of capacity left, 0..1
  SourceLoc loc;
  std::string station;     ///< pump station id on the leg's hydraulic description; empty = derate
};

enum class Priority { Firm, Interruptible };

/// One way a shipper can send crude: a path of legs from its origin to a sink.
struct Route {
  std::string id;               ///< e.g. "west"
  std::vector<int> legs;        ///< consecutive legs, origin -> sink
  /// kg per calendar year entering the route's first leg: the value in force at time t caps what entered
  /// since 1 January (a step series; empty = no ceiling).
  Series annual_ceiling;
  Series nomination;            ///< kg/s; empty = the shipper's whole supply
  std::optional<Priority> priority;  ///< overrides the shipper's priority on this route
  SourceLoc loc;
};

/// An owner of crude: a grade, a supply at an origin node, routes in preference order.
struct Shipper {
  std::string id;
  std::string name;
  int grade = -1;
  int origin = -1;             ///< node index
  Series supply;               ///< kg/s offered at the origin
  Priority priority = Priority::Firm;
  std::vector<Route> routes;   ///< in preference order
  bool kazakh = false;         ///< counted in the Kazakh summary columns
  SourceLoc loc;
};

struct Scenario {
  std::string title;
  std::string file;        ///< path of the top-level scenario file
  std::string text;        ///< full text of the scenario file(s) as read (provenance)
  /// (path, text) of every file read for the scenario, parents first: the scenario, its parents, CSV
  /// series, pipeline hydraulics files. `text` is their concatenation.
  std::vector<std::pair<std::string, std::string>> input_texts;
  std::vector<std::string> input_files;  ///< every file the run reads: scenario, parents, CSV series, leg hydraulics
  std::vector<std::string> overrides;    ///< command-line `--set key.path=value`, as given
  double start = 0, end = 0;   ///< s since epoch; simulate [start, end)
  double rtol = 1e-8;          ///< integrator relative tolerance
  double spinup = 0;           ///< s (whole days): simulated before `start` and not reported
  std::vector<Grade> grades;
  std::vector<Node> nodes;
  std::vector<Leg> legs;
  std::vector<Shipper> shippers;
  std::vector<Event> events;
  std::vector<std::string> assumptions;  ///< "key.path: reason" for every value marked assumed
  Uncertainty uncertainty;               ///< [uncertainty]: what `caspflow ensemble` samples (ignored by `run`)
};

}  // namespace caspflow::model
