#pragma once
// Bracketed scalar root finding: Brent's method (R. P. Brent, "Algorithms for Minimization without
// Derivatives", Prentice-Hall 1973, ch. 4, procedure zeroin): inverse quadratic interpolation and
// secant steps, falling back to bisection, so the bracket always shrinks and convergence is
// guaranteed for any continuous f with a sign change.
#include <functional>

namespace caspflow::model::pipeline {

struct RootResult {
  double lo_side = 0.0;  ///< end of the final bracket where f has the sign of f(a) (or is 0)
  double other = 0.0;    ///< the other end
  int evaluations = 0;
  bool converged = false;
};

/// Root of f on [a, b] with fa = f(a), fb = f(b) of opposite signs (or one of them 0), to an
/// absolute bracket width of about xtol. Returns both ends of the final bracket so callers can
/// pick the side they need (e.g. the feasible one).
RootResult brent(const std::function<double(double)>& f, double a, double b, double fa, double fb, double xtol,
                 int max_iter = 200);

}  // namespace caspflow::model::pipeline
