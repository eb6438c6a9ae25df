#include "caspflow/inputs/units.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "caspflow/inputs/suggest.hpp"

namespace caspflow::inputs {
namespace {

constexpr double kBarrel = model::kBarrel;    // m3, 42 US gal (model/constants.hpp)
constexpr double kDay = model::kDay;          // s
constexpr double kYear = kYearSeconds;         // s, Julian year (units.hpp)
constexpr double kPound = 0.45359237;         // kg, exact (NIST SP 811 B.8)
constexpr double kGravity = model::kGravity;  // m/s2, standard (NIST SP 811 B.8)
constexpr double kInch = model::kInch;        // m, exact
constexpr double kFoot = model::kFoot;        // m, exact

struct UnitDef {
  const char* symbol;
  Dim dim;
  double factor;  // SI = value * factor + offset
  double offset;
};

// docs/scenario-format.md §Units, in the order the doc lists them.
constexpr UnitDef kUnits[] = {
    // fraction
    {"%", Dim::Fraction, 0.01, 0},
    {"ppm", Dim::Fraction, 1e-6, 0},
    // mass
    {"kg", Dim::Mass, 1.0, 0},
    {"t", Dim::Mass, 1e3, 0},
    {"kt", Dim::Mass, 1e6, 0},
    {"Mt", Dim::Mass, 1e9, 0},
    // volume
    {"m3", Dim::Volume, 1.0, 0},
    {"L", Dim::Volume, 1e-3, 0},
    {"bbl", Dim::Volume, kBarrel, 0},
    {"kbbl", Dim::Volume, 1e3 * kBarrel, 0},
    {"Mbbl", Dim::Volume, 1e6 * kBarrel, 0},
    // length
    {"m", Dim::Length, 1.0, 0},
    {"km", Dim::Length, 1e3, 0},
    {"mm", Dim::Length, 1e-3, 0},
    {"in", Dim::Length, kInch, 0},
    {"ft", Dim::Length, kFoot, 0},
    {"mi", Dim::Length, 5280 * kFoot, 0},
    {"nmi", Dim::Length, 1852.0, 0},
    // time
    {"s", Dim::Time, 1.0, 0},
    {"min", Dim::Time, 60.0, 0},
    {"h", Dim::Time, 3600.0, 0},
    {"d", Dim::Time, kDay, 0},
    {"day", Dim::Time, kDay, 0},
    {"days", Dim::Time, kDay, 0},
    {"yr", Dim::Time, kYear, 0},
    // speed
    {"m/s", Dim::Speed, 1.0, 0},
    {"km/h", Dim::Speed, 1e3 / 3600.0, 0},
    {"kn", Dim::Speed, 1852.0 / 3600.0, 0},
    // mass flow
    {"kg/s", Dim::MassFlow, 1.0, 0},
    {"t/h", Dim::MassFlow, 1e3 / 3600.0, 0},
    {"t/d", Dim::MassFlow, 1e3 / kDay, 0},
    {"kt/d", Dim::MassFlow, 1e6 / kDay, 0},
    {"t/yr", Dim::MassFlow, 1e3 / kYear, 0},
    {"kt/yr", Dim::MassFlow, 1e6 / kYear, 0},
    {"Mt/yr", Dim::MassFlow, 1e9 / kYear, 0},
    // volume flow
    {"m3/s", Dim::VolumeFlow, 1.0, 0},
    {"m3/h", Dim::VolumeFlow, 1.0 / 3600.0, 0},
    {"m3/d", Dim::VolumeFlow, 1.0 / kDay, 0},
    {"bbl/d", Dim::VolumeFlow, kBarrel / kDay, 0},
    {"b/d", Dim::VolumeFlow, kBarrel / kDay, 0},
    {"kb/d", Dim::VolumeFlow, 1e3 * kBarrel / kDay, 0},
    {"kbbl/d", Dim::VolumeFlow, 1e3 * kBarrel / kDay, 0},
    {"Mb/d", Dim::VolumeFlow, 1e6 * kBarrel / kDay, 0},
    {"mb/d", Dim::VolumeFlow, 1e6 * kBarrel / kDay, 0},
    {"Mbbl/d", Dim::VolumeFlow, 1e6 * kBarrel / kDay, 0},
    // density
    {"kg/m3", Dim::Density, 1.0, 0},
    {"g/cm3", Dim::Density, 1e3, 0},
    {"t/m3", Dim::Density, 1e3, 0},
    // pressure
    {"Pa", Dim::Pressure, 1.0, 0},
    {"kPa", Dim::Pressure, 1e3, 0},
    {"MPa", Dim::Pressure, 1e6, 0},
    {"bar", Dim::Pressure, 1e5, 0},
    {"psi", Dim::Pressure, kPound * kGravity / (kInch * kInch), 0},
    // kinematic viscosity
    {"cSt", Dim::KinViscosity, 1e-6, 0},
    {"mm2/s", Dim::KinViscosity, 1e-6, 0},
    {"m2/s", Dim::KinViscosity, 1.0, 0},
    // temperature (K = value * factor + offset)
    {"degC", Dim::Temperature, 1.0, 273.15},
    {"K", Dim::Temperature, 1.0, 0},
    {"degF", Dim::Temperature, 5.0 / 9.0, 273.15 - 32.0 * 5.0 / 9.0},
    // power
    {"W", Dim::Power, 1.0, 0},
    {"kW", Dim::Power, 1e3, 0},
    {"MW", Dim::Power, 1e6, 0},
    {"hp", Dim::Power, 550.0 * kFoot * kPound * kGravity, 0},  // mechanical hp, 550 ft.lbf/s
};

const UnitDef* find_unit(std::string_view sym) {
  for (const auto& u : kUnits)
    if (sym == u.symbol) return &u;
  return nullptr;
}

std::vector<std::string> all_symbols() {
  std::vector<std::string> out;
  for (const auto& u : kUnits) out.emplace_back(u.symbol);
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

[[noreturn]] void fail(std::string_view text, const std::string& why) {
  throw std::invalid_argument("\"" + std::string(text) + "\": " + why);
}

}  // namespace

Quantity parse_quantity(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (s.empty()) fail(text, "empty; expected a number and a unit, e.g. \"1.4 Mt/yr\"");

  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (*first == '+') ++first;  // from_chars does not take a leading '+'
  // Only digits, sign and '.' may start a number: rejects "nan", "inf" and words.
  const char c0 = first < last ? *first : '\0';
  const char c1 = first + 1 < last ? first[1] : '\0';
  const bool starts_numeric = (c0 >= '0' && c0 <= '9') || (c0 == '.' && c1 >= '0' && c1 <= '9') ||
                              (c0 == '-' && ((c1 >= '0' && c1 <= '9') || c1 == '.'));
  if (!starts_numeric) fail(text, "does not start with a number; expected a number and a unit, e.g. \"1.4 Mt/yr\"");

  double value = 0.0;
  const auto res = std::from_chars(first, last, value, std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) fail(text, "number out of range of a double");
  if (res.ec != std::errc()) fail(text, "does not start with a number; expected a number and a unit, e.g. \"1.4 Mt/yr\"");
  if (!std::isfinite(value)) fail(text, "number is not finite");

  std::string_view unit(res.ptr, static_cast<size_t>(last - res.ptr));
  while (!unit.empty() && is_space(unit.front())) unit.remove_prefix(1);
  if (unit.empty()) fail(text, "missing unit; write the unit after the number, e.g. \"1.4 Mt/yr\"");

  const UnitDef* u = find_unit(unit);
  if (!u) {
    std::string why = "unknown unit `" + std::string(unit) + "`";
    const std::string near = closest(unit, all_symbols(), 2);
    if (!near.empty()) why += " (did you mean `" + near + "`?)";
    fail(text, why);
  }
  const double si = value * u->factor + u->offset;
  if (!std::isfinite(si)) fail(text, "number out of range once converted to SI");
  return Quantity{si, u->dim};
}

std::string dim_name(Dim d) {
  switch (d) {
    case Dim::Dimensionless: return "dimensionless";
    case Dim::Fraction: return "fraction";
    case Dim::Mass: return "mass";
    case Dim::Volume: return "volume";
    case Dim::Length: return "length";
    case Dim::Time: return "time";
    case Dim::Speed: return "speed";
    case Dim::MassFlow: return "mass flow";
    case Dim::VolumeFlow: return "volume flow";
    case Dim::Density: return "density";
    case Dim::Pressure: return "pressure";
    case Dim::KinViscosity: return "kinematic viscosity";
    case Dim::Temperature: return "temperature";
    case Dim::Power: return "power";
  }
  return "unknown";
}

std::vector<std::string> unit_symbols(Dim d) {
  std::vector<std::string> out;
  for (const auto& u : kUnits)
    if (u.dim == d) out.emplace_back(u.symbol);
  return out;
}

std::string units_for(Dim d) {
  if (d == Dim::Dimensionless) return "a plain number";
  std::string s;
  for (const auto& sym : unit_symbols(d)) s += (s.empty() ? "" : ", ") + sym;
  if (d == Dim::Fraction) s += " or a plain number in [0, 1]";
  return s;
}

double si_factor(std::string_view unit) {
  const UnitDef* u = find_unit(unit);
  if (!u) throw std::invalid_argument("unknown unit `" + std::string(unit) + "`");
  return u->factor;
}

}  // namespace caspflow::inputs
