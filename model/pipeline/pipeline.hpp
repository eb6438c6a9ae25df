#pragma once
// A liquid pipeline leg for capacity work: pipe sections, an elevation profile, pump stations,
// pressure-reduction stations and the pressure limits. Plain validated data, SI units:
// length m, pressure Pa, flow m3/s, head m, power W, temperature K.
//
// Built by inputs::load_pipeline() (inputs/pipeline_loader.hpp) from a TOML file whose format is
// docs/hydraulics-pipeline.md; solved by PipelineModel (model/pipeline/pipeline_model.hpp).
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "caspflow/model/errors.hpp"
#include "caspflow/model/hydraulics/pump.hpp"

namespace caspflow::model::pipeline {

/// A run of pipe with one inside diameter, roughness and pressure rating, over [start_m, end_m).
struct Section {
  std::string id;
  double start_m = 0.0;           ///< chainage of the upstream end [m]
  double end_m = 0.0;             ///< chainage of the downstream end [m]
  double inner_diameter_m = 0.0;  ///< [m]
  double outer_diameter_m = 0.0;  ///< [m], 0 when the file gave the inside diameter only
  double wall_m = 0.0;            ///< [m], 0 when the file gave the inside diameter only
  double roughness_m = 4.5e-5;    ///< absolute roughness [m]
  double maop_pa = 0.0;           ///< maximum allowable operating pressure of this pipe [Pa, gauge]
  SourceLoc loc;
  [[nodiscard]] double length() const { return end_m - start_m; }
  /// Inner cross-section area [m2].
  [[nodiscard]] double area() const;
};

/// A point of the elevation profile; elevations are linearly interpolated in chainage.
struct ProfilePoint {
  double chainage_m = 0.0;
  double elevation_m = 0.0;
  std::string label;  ///< optional name ("summit", a town); empty = none
};

/// Pump efficiency as a function of the flow through one unit: constant, or piecewise linear
/// through (flow [m3/s], efficiency [0..1]) points, held constant outside them.
struct Efficiency {
  double constant = 0.8;
  std::vector<std::pair<double, double>> points;  ///< (flow per unit at rated speed, efficiency)
  [[nodiscard]] double at(double q_unit) const;
};

/// A pump station: identical units in series x parallel, each with a head curve h0 - r Q^n at
/// rated speed; `speed` is the running speed as a fraction of rated (affinity laws).
struct PumpStation {
  std::string id;
  double chainage_m = 0.0;
  int n_series = 1;
  int n_parallel = 1;
  hydraulics::PumpCurve unit;     ///< one unit at rated speed (Q m3/s -> head m)
  double speed = 1.0;             ///< running / rated speed
  Efficiency efficiency;
  double max_discharge_pa = 0.0;  ///< station discharge limit [Pa gauge]; 0 = the pipe's MAOP only
  double min_suction_pa = 0.0;    ///< minimum suction pressure [Pa gauge]
  SourceLoc loc;
};

/// A pressure-reduction (control) station: it may destroy head so that the pipe downstream stays
/// within its MAOP. Slack (pressure below vapour pressure + margin) is tolerated on
/// [slack_from_m, chainage_m] -- by default only at the station itself.
struct ReductionStation {
  std::string id;
  double chainage_m = 0.0;
  double slack_from_m = 0.0;
  SourceLoc loc;
};

/// Most pump stations one pipeline may have: CapacityTable keys the out-of-service set by a 64-bit mask
/// (model/pipeline/capacity_table.hpp), so the pipeline loader refuses more.
inline constexpr std::size_t kMaxStations = 64;

/// The whole leg. Chainage runs from 0 (inlet) to length(); sections tile [0, length()].
struct Pipeline {
  std::string id;
  std::string name;
  std::string file;                ///< path of the description file
  std::vector<Section> sections;   ///< ordered, contiguous
  std::vector<ProfilePoint> profile;  ///< ordered by chainage, covers [0, length()]
  std::vector<PumpStation> stations;  ///< ordered by chainage
  std::vector<ReductionStation> reductions;  ///< ordered by chainage
  double temperature_k = 293.15;   ///< flowing temperature used for fluid properties [K]
  double inlet_pressure_pa = 0.0;  ///< pressure upstream of the first station (tank + boosters) [Pa g]
  double delivery_pressure_pa = 0.0;  ///< minimum pressure at the outlet [Pa g]
  double vapour_pressure_pa = 0.0;    ///< crude true vapour pressure [Pa g]; may be negative (below atm)
  double vapour_margin_pa = 0.0;      ///< margin above the vapour pressure everywhere [Pa]
  double head_scale = 1.0;            ///< multiplies every station's head (a calibration knob)
  std::vector<std::string> assumptions;  ///< "key: reason" for values marked assumed

  [[nodiscard]] double length() const { return sections.empty() ? 0.0 : sections.back().end_m; }
  /// Elevation at chainage x [m], linear between profile points (held outside them).
  [[nodiscard]] double elevation(double x) const;
  /// Section index holding chainage x (the downstream section at a boundary).
  [[nodiscard]] int section_at(double x) const;
  /// Pipe volume (linefill) [m3] = sum of pi/4 D^2 L over sections.
  [[nodiscard]] double linefill() const;
  /// Index of the station with this id, -1 if none.
  [[nodiscard]] int station_index(const std::string& station_id) const;
};

}  // namespace caspflow::model::pipeline
