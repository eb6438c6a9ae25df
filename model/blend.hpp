#pragma once
// The blend of several crudes, as caspflow mixes them everywhere (DESIGN §3, docs/quality.md): volumes add
// (density = total mass / total volume at 15 degC), sulphur is mass-weighted, API gravity follows from the
// blend's density, and viscosity comes from the Refutas blending number mixed by mass fraction
// (hydraulics::blend, model/hydraulics/fluid.hpp). Plain arithmetic, in the order the accumulation is made.
#include <cstddef>
#include <vector>

#include "caspflow/model/constants.hpp"
#include "caspflow/model/hydraulics/fluid.hpp"

namespace caspflow::model {

/// Mass, volume and sulphur mass of crude accumulated part by part.
struct Blend {
  double mass = 0;     ///< kg (or any mass unit, consistently)
  double volume = 0;   ///< m3 at 15 degC (mass / density of each part)
  double sulphur = 0;  ///< kg of sulphur
  /// Adds `m` of a crude of density `rho15` and sulphur mass fraction `s`.
  void add(double m, double rho15, double s) {
    mass += m;
    volume += m / rho15;
    sulphur += m * s;
  }
  /// Density at 15 degC [kg/m3]: mass / volume (volume-additive mixing).
  [[nodiscard]] double density() const { return mass / volume; }
  /// Sulphur mass fraction: sulphur / mass.
  [[nodiscard]] double sulphur_fraction() const { return sulphur / mass; }
  /// API gravity of the blend (from its density).
  [[nodiscard]] double api() const { return api_from_density(density()); }
};

/// The fluid of a mix of crudes given the volume of each (`volume[g]` of `fluids[g]`, any one unit; 0 = absent):
/// the one present, or their Refutas blend by volume fraction (hydraulics::blend). At least one volume must
/// be positive.
inline hydraulics::Fluid mix_by_volume(const std::vector<hydraulics::Fluid>& fluids, const std::vector<double>& volume) {
  double total = 0;
  for (double v : volume) total += v;
  std::vector<hydraulics::Fluid> parts;
  std::vector<double> fraction;
  for (size_t g = 0; g < volume.size(); ++g)
    if (volume[g] > 0) {
      parts.push_back(fluids[g]);
      fraction.push_back(volume[g] / total);
    }
  return parts.size() == 1 ? parts[0] : hydraulics::blend(parts, fraction);
}

}  // namespace caspflow::model
