#include "caspflow/model/uncertainty.hpp"

#include <algorithm>
#include <cmath>

namespace caspflow::model {

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double normal_quantile(double p) {
  // P. J. Acklam's algorithm (relative error < 1.15e-9), then one Halley step on erfc (full double precision).
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01,  -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  if (!(p > 0.0)) return -std::numeric_limits<double>::infinity();
  if (!(p < 1.0)) return std::numeric_limits<double>::infinity();
  constexpr double plow = 0.02425;
  double x;
  if (p < plow) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - plow) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double e = normal_cdf(x) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double Distribution::quantile(double u) const {
  u = std::clamp(u, 1e-300, 1.0 - 0x1p-53);
  switch (kind) {
    case Kind::Uniform:
      return a + (b - a) * u;
    case Kind::Triangular: {
      const double fc = (b - a) / (c - a);  // a = min, b = mode, c = max
      if (!(c > a)) return a;
      return u < fc ? a + std::sqrt(u * (c - a) * (b - a)) : c - std::sqrt((1 - u) * (c - a) * (c - b));
    }
    case Kind::Normal: {
      const double plo = std::isfinite(lo) ? normal_cdf((lo - a) / b) : 0.0, phi = std::isfinite(hi) ? normal_cdf((hi - a) / b) : 1.0;
      return std::clamp(a + b * normal_quantile(plo + u * (phi - plo)), lo, hi);
    }
    case Kind::Lognormal: {
      const double m = std::log(a);
      const double plo = std::isfinite(lo) && lo > 0 ? normal_cdf((std::log(lo) - m) / b) : 0.0,
                   phi = std::isfinite(hi) ? normal_cdf((std::log(hi) - m) / b) : 1.0;
      return std::clamp(std::exp(m + b * normal_quantile(plo + u * (phi - plo))), lo, hi);
    }
    case Kind::Discrete: {
      const size_t i = static_cast<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
      return values[std::min(i, values.size() - 1)];
    }
  }
  return a;
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::Uniform: return 0.5 * (a + b);
    case Kind::Triangular: return (a + b + c) / 3.0;
    case Kind::Discrete: {
      double m = 0, prev = 0;
      for (size_t i = 0; i < values.size(); ++i) m += values[i] * (cumulative[i] - prev), prev = cumulative[i];
      return m;
    }
    default: {  // midpoint rule on the quantile function (truncated normal / lognormal)
      constexpr int n = 20000;
      double s = 0;
      for (int i = 0; i < n; ++i) s += quantile((i + 0.5) / n);
      return s / n;
    }
  }
}

double Distribution::min_value() const {
  switch (kind) {
    case Kind::Uniform: case Kind::Triangular: return a;
    case Kind::Discrete: return *std::min_element(values.begin(), values.end());
    case Kind::Lognormal: return std::max(0.0, lo);
    default: return lo;
  }
}

double Distribution::max_value() const {
  switch (kind) {
    case Kind::Uniform: return b;
    case Kind::Triangular: return c;
    case Kind::Discrete: return *std::max_element(values.begin(), values.end());
    default: return hi;
  }
}

}  // namespace caspflow::model
