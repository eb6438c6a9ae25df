#include "caspflow/model/pipeline/root.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace caspflow::model::pipeline {

RootResult brent(const std::function<double(double)>& f, double a0, double b0, double fa0, double fb0, double xtol,
                 int max_iter) {
  RootResult res;
  const bool a_nonneg = fa0 >= 0.0;  // the side we report as lo_side
  double a = a0, fa = fa0, b = b0, fb = fb0, c = a, fc = fa, d = b - a, e = d;
  auto same = [](double x, double y) { return (x > 0.0 && y > 0.0) || (x < 0.0 && y < 0.0); };
  for (int it = 0; it < max_iter; ++it) {
    if (same(fb, fc)) {
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (std::abs(fc) < std::abs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const double tol1 = 2.0 * std::numeric_limits<double>::epsilon() * std::abs(b) + 0.5 * xtol;
    const double xm = 0.5 * (c - b);
    if (std::abs(xm) <= tol1 || fb == 0.0) {
      res.converged = true;
      break;
    }
    if (std::abs(e) >= tol1 && std::abs(fa) > std::abs(fb)) {
      const double s = fb / fa;
      double p, q;
      if (a == c) {
        p = 2.0 * xm * s;
        q = 1.0 - s;
      } else {
        const double q1 = fa / fc, r1 = fb / fc;
        p = s * (2.0 * xm * q1 * (q1 - r1) - (b - a) * (r1 - 1.0));
        q = (q1 - 1.0) * (r1 - 1.0) * (s - 1.0);
      }
      if (p > 0.0) q = -q;
      p = std::abs(p);
      if (2.0 * p < std::min(3.0 * xm * q - std::abs(tol1 * q), std::abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += std::abs(d) > tol1 ? d : (xm > 0.0 ? tol1 : -tol1);
    fb = f(b);
    ++res.evaluations;
  }
  // b and c bracket the root; report the end on a's original side.
  const bool b_on_a_side = a_nonneg ? fb >= 0.0 : fb < 0.0;
  res.lo_side = b_on_a_side ? b : c;
  res.other = b_on_a_side ? c : b;
  return res;
}

}  // namespace caspflow::model::pipeline
