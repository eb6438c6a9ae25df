#pragma once
// Units written inside scenario values ("1.4 Mt/yr", "3.2 Mbbl", "11 kn") and their conversion to SI.
// The table is docs/scenario-format.md §Units. Definitions: NIST SP 811 (2008) Appendix B for the
// SI and customary units; API MPMS Ch. 11.5 / NIST SP 811 B.8 for the barrel (1 bbl = 42 US gal =
// 0.158987294928 m3 exactly); 1 yr = 365.25 d (Julian year); kn = 1852 m/h; in = 0.0254 m exactly.
// API gravity is a property of a grade and is converted by the scenario loader, not here.
#include <string>
#include <string_view>
#include <vector>

#include "caspflow/model/constants.hpp"

namespace caspflow::inputs {

/// Seconds in the unit `yr` (a Julian year, 365.25 d): "1.5 Mt/yr" x kYearSeconds = 1.5 Mt.
inline constexpr double kYearSeconds = model::kYear;

/// Physical dimension of a quantity.
enum class Dim {
  Dimensionless,
  Fraction,
  Mass,
  Volume,
  Length,
  Time,
  Speed,
  MassFlow,
  VolumeFlow,
  Density,
  Pressure,
  KinViscosity,
  Temperature,
  Power
};

/// A number with its dimension; `value` is SI: kg, m3, m, s, m/s, kg/s, m3/s, kg/m3, Pa, m2/s,
/// K (temperature), W, and a fraction 0..1 for Fraction ("55 %" -> 0.55).
struct Quantity {
  double value;
  Dim dim;
};

/// Parse "<number> <unit>" (space optional, e.g. "55%") into SI. Examples:
///   "1.4 Mt/yr" -> {1.4e9 / (365.25*86400), MassFlow};  "20 degC" -> {293.15, Temperature}.
/// The number must be finite; the unit must be in the table. Throws std::invalid_argument with a
/// message that quotes the text and says what was wrong (missing unit, unknown unit with the
/// closest known one, not a number, out of range).
Quantity parse_quantity(std::string_view text);

/// Human name of a dimension: "mass flow", "volume", ...
std::string dim_name(Dim d);

/// The units accepted for a dimension, for messages: "kg/s, t/h, t/d, kt/d, t/yr, kt/yr, Mt/yr".
/// Dimensionless gives "a plain number"; Fraction gives "%, ppm or a plain number in [0, 1]".
std::string units_for(Dim d);

/// Every unit symbol accepted for a dimension (table order).
std::vector<std::string> unit_symbols(Dim d);

/// Scale factor to SI of a unit symbol, for tests and documentation (offset units such as degC
/// and degF return their scale; use parse_quantity for the value). Throws std::invalid_argument.
double si_factor(std::string_view unit);

}  // namespace caspflow::inputs
