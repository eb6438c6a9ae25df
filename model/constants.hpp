#pragma once
// Physical and unit constants used across caspflow: one definition each, with its source. Everything else
// (inputs/units.cpp, the pipeline model, the outputs) takes them from here.
namespace caspflow::model {

inline constexpr double kDay = 86400.0;                  ///< s
inline constexpr double kYear = 365.25 * kDay;           ///< s, Julian year (the `yr` of every rate, docs/scenario-format.md)
inline constexpr double kBarrel = 0.158987294928;        ///< m3, 42 US gal exactly (NIST SP 811 B.8; API MPMS 11.5)
inline constexpr double kFoot = 0.3048;                  ///< m, international foot (exact)
inline constexpr double kInch = 0.0254;                  ///< m (exact)
inline constexpr double kGravity = 9.80665;              ///< m/s2, standard gravity (NIST SP 811 B.8)
inline constexpr double kZeroCelsius = 273.15;           ///< K
/// Density of water at 60 degF, the reference of specific gravity and API gravity (API MPMS 11.1 / ASTM D1250).
inline constexpr double kWater60F = 999.016;             ///< kg/m3

/// API gravity (degrees API, dimensionless) of a crude of density `rho15` [kg/m3] at 15 degC:
/// 141.5 / SG - 131.5 with SG = rho15 / 999.016 (API MPMS 11.1).
inline constexpr double api_from_density(double rho15) { return 141.5 / (rho15 / kWater60F) - 131.5; }
/// Density [kg/m3] at 15 degC of a crude of API gravity `api`: the inverse of api_from_density.
inline constexpr double density_from_api(double api) { return 141.5 / (api + 131.5) * kWater60F; }

}  // namespace caspflow::model
