#include "caspflow/model/hydraulics/pump.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "caspflow/model/errors.hpp"

namespace caspflow::model::hydraulics {

double PumpCurve::head(double Q) const {
  const double q = std::abs(Q);
  const double t = r * std::pow(q, n);
  return Q >= 0 ? h0 - t : h0 + t;
}

double PumpCurve::slope(double Q) const {
  const double q = std::abs(Q);
  if (q == 0.0) return n > 1.0 ? 0.0 : -r;
  return -r * n * std::pow(q, n - 1.0);
}

double PumpCurve::max_flow() const { return std::pow(h0 / r, 1.0 / n); }

namespace {
// EPANET powercurve(): h0 at Q=0, (q1, h1), (q2, h2).
PumpCurve power_curve(double h0, double h1, double h2, double q1, double q2) {
  constexpr double tiny = 1e-12;
  if (h0 < tiny || h0 - h1 < tiny || h1 - h2 < tiny || q1 < tiny || q2 - q1 < tiny)
    throw PreconditionError("pump curve: heads must fall and flows rise along the curve (shutoff head " +
                                std::to_string(h0) + " m)");
  PumpCurve c;
  c.h0 = h0;
  c.n = std::log((h0 - h2) / (h0 - h1)) / std::log(q2 / q1);
  if (!(c.n > 0.0) || c.n > 20.0)
    throw PreconditionError("pump curve: fitted exponent " + std::to_string(c.n) + " outside (0, 20]");
  c.r = (h0 - h1) / std::pow(q1, c.n);
  return c;
}
}  // namespace

PumpCurve fit_pump_curve(const std::vector<std::pair<double, double>>& pts) {
  if (pts.size() == 1) {
    const auto [q1, h1] = pts[0];
    return power_curve(1.33334 * h1, h1, 0.0, q1, 2.0 * q1);
  }
  if (pts.size() != 3) throw PreconditionError("pump curve: need 1 or 3 points, got " + std::to_string(pts.size()));
  if (pts[0].first == 0.0) return power_curve(pts[0].second, pts[1].second, pts[2].second, pts[1].first, pts[2].first);
  // General 3 points: (H0 - H1)/(H1 - H2) = (Q1^n - Q0^n)/(Q2^n - Q1^n); solve for n by bisection.
  const auto [q0, g0] = pts[0];
  const auto [q1, g1] = pts[1];
  const auto [q2, g2] = pts[2];
  if (!(q0 > 0 && q1 > q0 && q2 > q1 && g0 > g1 && g1 > g2))
    throw PreconditionError("pump curve: heads must fall and flows rise along the curve");
  const double target = (g0 - g1) / (g1 - g2);
  // (init-captures: clang 14 cannot capture structured bindings, a C++20 feature it lacks)
  auto ratio = [q0 = q0, q1 = q1, q2 = q2](double n) { return (std::pow(q1, n) - std::pow(q0, n)) / (std::pow(q2, n) - std::pow(q1, n)); };
  double lo = 1e-3, hi = 20.0;  // ratio() decreases with n
  if ((ratio(lo) - target) * (ratio(hi) - target) > 0)
    throw PreconditionError("pump curve: no exponent in (0, 20] fits the three points");
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if ((ratio(mid) - target) * (ratio(lo) - target) > 0) lo = mid; else hi = mid;
  }
  PumpCurve c;
  c.n = 0.5 * (lo + hi);
  c.r = (g0 - g1) / (std::pow(q1, c.n) - std::pow(q0, c.n));
  c.h0 = g0 + c.r * std::pow(q0, c.n);
  return c;
}

PumpCurve affinity(const PumpCurve& c, double s) { return {c.h0 * s * s, c.r * std::pow(s, 2.0 - c.n), c.n}; }

PumpCurve combine(const PumpCurve& unit, int ns, int np) {
  if (ns < 1 || np < 1) throw PreconditionError("combine: need at least one unit in series and in parallel");
  return {unit.h0 * ns, unit.r * ns / std::pow(static_cast<double>(np), unit.n), unit.n};
}

double pump_power(double rho, double Q, double H, double eta, double g) {
  if (!(eta > 0.0 && eta <= 1.0)) throw PreconditionError("pump_power: efficiency must be in (0, 1]");
  return rho * g * Q * H / eta;
}

}  // namespace caspflow::model::hydraulics
