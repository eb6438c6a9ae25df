#pragma once
// A liquid pipe network (EPANET's element set), validated, in SI units: lengths and heads m,
// diameters m, flows m3/s, time s, kinematic viscosity m2/s. Built by inputs/epanet from an .inp
// file (or by code), solved by solvers/hydraulics. Elements are held in dense 0-based arrays; the
// user's string IDs are kept for reporting.
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "caspflow/model/errors.hpp"
#include "caspflow/model/hydraulics/pump.hpp"

namespace caspflow::model::hydraulics {

enum class NodeKind { Junction, Reservoir, Tank };

/// One demand category at a junction.
struct Demand {
  double base = 0.0;  ///< [m3/s] (before pattern and demand multiplier)
  int pattern = -1;   ///< pattern index, -1 = none (constant)
};

struct NetNode {
  std::string id;
  NodeKind kind = NodeKind::Junction;
  double elevation = 0.0;  ///< [m]; for a reservoir, its head
  std::vector<Demand> demands;  ///< junctions only
  int head_pattern = -1;        ///< reservoirs: multiplier pattern on the head (EPANET semantics)
  // Tanks (cylindrical unless a volume curve is given): levels above `elevation`.
  double init_level = 0.0, min_level = 0.0, max_level = 0.0;  ///< [m]
  double diameter = 0.0;                                     ///< [m]
  double min_volume = 0.0;                                   ///< [m3]
  int volume_curve = -1;  ///< curve index (x = level [m], y = volume [m3]), -1 = cylinder
  bool can_overflow = false;
  SourceLoc loc;
};

enum class LinkKind { Pipe, CVPipe, Pump, PRV, PSV, PBV, FCV, TCV, GPV };
/// Link status as given in the input or set by a control.
enum class LinkStatus { Open, Closed, Active };
enum class PumpType { PowerFunc, Custom, ConstPower };

struct NetLink {
  std::string id;
  LinkKind kind = LinkKind::Pipe;
  int from = -1, to = -1;
  double length = 0.0;      ///< [m] (pipes)
  double diameter = 0.0;    ///< [m] (pipes and valves)
  double roughness = 0.0;   ///< D-W: absolute roughness [m]; H-W: C factor [-]
  double minor_loss = 0.0;  ///< K (v^2/2g basis) [-]
  LinkStatus status = LinkStatus::Open;  ///< initial status
  /// Initial setting: pump speed [-]; PRV/PSV/PBV: pressure setting as head of the fluid [m];
  /// FCV: flow [m3/s]; TCV: loss coefficient K [-]; GPV: head-loss curve index. Ignored if !has_setting.
  double setting = 0.0;
  bool has_setting = false;  ///< false = valve status fixed open/closed (EPANET "MISSING" setting)
  // Pumps
  PumpType pump_type = PumpType::PowerFunc;
  PumpCurve curve;     ///< power-function curve (SI), at speed 1
  int head_curve = -1; ///< curve index (custom multi-point curves; x flow m3/s, y head m)
  double power = 0.0;  ///< [W], constant-power pumps
  double shutoff_head = 0.0;  ///< [m] at speed 1 (EPANET Hmax: the pump closes above it)
  double design_flow = 0.0;   ///< [m3/s] (initial guess)
  int speed_pattern = -1;
  SourceLoc loc;
};

struct Pattern {
  std::string id;
  std::vector<double> factors;
};

/// A curve as (x, y) points in SI (its meaning depends on its use).
struct Curve {
  std::string id;
  std::vector<std::pair<double, double>> points;
};

enum class ControlKind { AtTime, AtClockTime, LevelAbove, LevelBelow };

/// EPANET simple control: LINK id status|setting AT TIME t / AT CLOCKTIME t / IF NODE id ABOVE|BELOW v.
struct Control {
  int link = -1;
  ControlKind kind = ControlKind::AtTime;
  int node = -1;
  double grade = 0.0;   ///< head [m] that triggers a level control
  long time = 0;        ///< [s] since start (AtTime) or seconds after midnight (AtClockTime)
  LinkStatus status = LinkStatus::Open;
  double setting = 0.0;      ///< new setting (same units as NetLink::setting)
  bool has_setting = false;  ///< false: an OPEN/CLOSED status control
  SourceLoc loc;
};

enum class HeadLossFormula { HazenWilliams, DarcyWeisbach };

/// Unit system of the source file, kept to write results back in the file's units.
struct FileUnits {
  std::string flow = "CMS";  ///< EPANET flow-unit keyword of the file
  double flow_to_si = 1.0;   ///< multiply a file flow by this to get m3/s
  double head_to_si = 1.0;   ///< multiply a file head/length by this to get m
  bool us = false;
};

struct Network {
  std::vector<NetNode> nodes;
  std::vector<NetLink> links;
  std::vector<Pattern> patterns;
  std::vector<Curve> curves;
  std::vector<Control> controls;

  HeadLossFormula headloss = HeadLossFormula::DarcyWeisbach;
  double viscosity = 1.0e-6;      ///< kinematic [m2/s]
  double specific_gravity = 1.0;  ///< relative to water (used for pressures only)
  double accuracy = 1e-3;         ///< EPANET ACCURACY (sum |dQ| / sum |Q|)
  int trials = 200;
  double demand_multiplier = 1.0;

  // Times [s]
  long duration = 0, hyd_step = 3600, pattern_step = 3600, pattern_start = 0;
  long report_step = 3600, report_start = 0, start_clock = 0;

  FileUnits units;
  std::string source;  ///< file name (for messages)

  [[nodiscard]] int find_node(const std::string& id) const;
  [[nodiscard]] int find_link(const std::string& id) const;
  /// Rebuild the ID lookups (call after adding elements by hand).
  void index();

  std::unordered_map<std::string, int> node_index, link_index;
};

/// Tank volume [m3] at head h [m] (cylinder or volume curve, EPANET tankvolume()).
double tank_volume(const Network& net, const NetNode& tank, double head);
/// Tank head [m] for volume v [m3] (inverse of tank_volume).
double tank_head(const Network& net, const NetNode& tank, double volume);
/// Piecewise-linear interpolation on sorted x with linear extrapolation beyond the ends (EPANET interp()).
double interp_curve(const std::vector<std::pair<double, double>>& pts, double x, bool inverse = false);

}  // namespace caspflow::model::hydraulics
