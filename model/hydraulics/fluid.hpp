#pragma once
// Liquid (crude oil or blend) properties as functions of temperature. SI units throughout:
// temperature K, density kg/m3, kinematic viscosity m2/s.
//
// Sources:
//  - density: linear volumetric thermal expansion from the 15 degC reference density,
//    rho(T) = rho15 / (1 + alpha (T - 288.15)) (the form of the API MPMS 11.1 volume correction
//    factor truncated to first order; alpha ~ 6e-4..1e-3 1/K for crudes).
//  - viscosity: ASTM D341 (Walther equation), loglog10(nu_cSt + 0.7) = A - B log10(T[K]), with A, B
//    from two measured (T, nu) points. Valid for nu >= 2 cSt; used as is below that.
//  - blends: density volume-additive; viscosity by the Refutas viscosity blending number,
//    VBN = 14.534 ln(ln(nu_cSt + 0.8)) + 10.975, mixed linearly by MASS fraction (Maples,
//    "Petroleum Refinery Process Economics", 2000, ch. on blending).
#include <vector>

#include "caspflow/model/constants.hpp"

namespace caspflow::model::hydraulics {

inline constexpr double kGravity = model::kGravity;  ///< standard gravity [m/s2] (model/constants.hpp)

/// A crude or blend. Defaults are a generic medium crude (850 kg/m3, 6 cSt at 20 degC).
struct Fluid {
  double rho15 = 850.0;   ///< density at 15 degC [kg/m3]
  double alpha = 8.0e-4;  ///< volumetric thermal expansion coefficient [1/K]
  double t1 = 293.15;     ///< first viscosity point temperature [K]
  double nu1 = 6e-6;      ///< kinematic viscosity at t1 [m2/s]
  double t2 = 313.15;     ///< second viscosity point temperature [K]
  double nu2 = 3.5e-6;    ///< kinematic viscosity at t2 [m2/s]

  /// Density at temperature T [K] -> [kg/m3]: rho15 / (1 + alpha (T - 288.15)).
  [[nodiscard]] double density(double T) const;
  /// Kinematic viscosity at temperature T [K] -> [m2/s], ASTM D341 through (t1, nu1), (t2, nu2).
  /// Throws model::PreconditionError if the two points are not usable (equal temperatures, nu <= 0).
  [[nodiscard]] double viscosity(double T) const;
};

/// Blend of `parts` in the given volume fractions (normalised to sum 1; each >= 0) at reference
/// temperature T_ref [K]. Density volume-additive (rho15 = sum phi_i rho15_i; alpha chosen so that
/// d rho/dT at 15 degC is the volume-weighted one); viscosity at the first part's t1 and t2 by the
/// Refutas blending number mixed by mass fraction (mass fractions from the volume fractions and the
/// densities at T_ref). Throws model::PreconditionError on empty input or mismatched sizes.
Fluid blend(const std::vector<Fluid>& parts, const std::vector<double>& volume_fractions, double T_ref = 288.15);

/// Refutas viscosity blending number of a kinematic viscosity [m2/s].
double refutas_vbn(double nu);
/// Inverse of refutas_vbn -> kinematic viscosity [m2/s].
double refutas_nu(double vbn);

}  // namespace caspflow::model::hydraulics
