#pragma once
// Centrifugal pump head curves, SI units (flow m3/s, head m).
//
// Curve form H(Q) = h0 - r Q^n, as in EPANET 2 (manual section 3.1 "Pumps"; source epanet.c
// updatepumpparams/powercurve): a 1-point curve (Q1, H1) becomes h0 = 1.33334 H1 through (2 Q1, 0),
// which gives n = 2; a 3-point curve (0, H0), (Q1, H1), (Q2, H2) gives h0 = H0,
// n = ln((h0 - H2)/(h0 - H1)) / ln(Q2/Q1), r = (h0 - H1)/Q1^n. Three points with Q0 > 0 (which
// EPANET treats as a piecewise-linear custom curve) are fitted here exactly by the same form, solving
// for n by bisection.
// Affinity laws (speed ratio s = N/N0): Q ~ s, H ~ s^2 => H = h0 s^2 - r s^(2-n) Q^n.
// Identical units: n_series in series add heads, n_parallel in parallel share the flow equally:
// H = n_s (h0 - r (Q/n_p)^n).
#include <utility>
#include <vector>

#include "caspflow/model/constants.hpp"

namespace caspflow::model::hydraulics {

/// H = h0 - r Q^n [m], Q >= 0 [m3/s].
struct PumpCurve {
  double h0 = 0.0;  ///< shutoff head [m]
  double r = 0.0;   ///< coefficient [m / (m3/s)^n]
  double n = 2.0;   ///< exponent [-]
  /// Head at flow Q [m]; for Q < 0 the curve is continued as h0 + r |Q|^n (head rises with reverse flow).
  [[nodiscard]] double head(double Q) const;
  /// dH/dQ [m s/m3].
  [[nodiscard]] double slope(double Q) const;
  /// Flow at zero head, (h0/r)^(1/n) [m3/s].
  [[nodiscard]] double max_flow() const;
};

/// Fit from (Q [m3/s], H [m]) points: 1 point or 3 points (see file comment). Throws
/// model::PreconditionError naming the problem if the points cannot give a falling curve
/// (same rule as EPANET error 227).
PumpCurve fit_pump_curve(const std::vector<std::pair<double, double>>& points);
/// The curve at relative speed s: h0 s^2, r s^(2-n).
PumpCurve affinity(const PumpCurve& c, double speed_ratio);
/// n_series x n_parallel identical units (each >= 1).
PumpCurve combine(const PumpCurve& unit, int n_series, int n_parallel);

/// Shaft power [W] = rho g Q H / eta (eta in (0, 1]).
double pump_power(double rho, double Q, double H, double eta, double g = model::kGravity);

}  // namespace caspflow::model::hydraulics
