#include "caspflow/model/hydraulics/friction.hpp"

#include <cmath>
#include <limits>

namespace caspflow::model::hydraulics {

namespace {
constexpr double kLn10 = 2.302585092994045684;

// Derivative of Colebrook f w.r.t. Re at fixed eps/D (implicit differentiation of
// x = -2 log10(a + b x), a = rr/3.7, b = 2.51/Re, x = 1/sqrt f).
double colebrook_dfdre(double Re, double rr, double f) {
  const double x = 1.0 / std::sqrt(f);
  const double a = rr / 3.7, b = 2.51 / Re;
  const double s = a + b * x;
  const double k = 2.0 / kLn10 / s;
  // dx/dRe = -k (db/dRe x + b dx/dRe) -> dx/dRe (1 + k b) = -k x db/dRe, db/dRe = -b/Re
  const double dxdre = k * x * b / Re / (1.0 + k * b);
  return -2.0 / (x * x * x) * dxdre;
}

// Turbulent friction factor and its Re-derivative for the chosen mode (without drag reduction).
std::pair<double, double> turbulent(double Re, double rr, FrictionMode mode) {
  if (mode == FrictionMode::Colebrook) {
    const double f = colebrook(Re, rr);
    return {f, colebrook_dfdre(Re, rr, f)};
  }
  // Swamee-Jain: f = 0.25 / log10(y)^2, y = rr/3.7 + 5.74 Re^-0.9
  const double y1 = 5.74 / std::pow(Re, 0.9);
  const double y = rr / 3.7 + y1;
  const double L = std::log10(y);
  const double f = 0.25 / (L * L);
  const double dy = -0.9 * y1 / Re;
  const double df = -0.5 / (L * L * L) * dy / (y * kLn10);
  return {f, df};
}

// Friction factor and df/dRe (Re > 0).
std::pair<double, double> friction_and_slope(double Re, double rr, FrictionMode mode, double dr) {
  if (Re <= kReLaminar) return {64.0 / Re, -64.0 / (Re * Re)};
  if (Re >= kReTurbulent) {
    auto [f, df] = turbulent(Re, rr, mode);
    return {f * (1.0 - dr), df * (1.0 - dr)};
  }
  if (mode == FrictionMode::Epanet) {
    // EPANET hydcoeffs.c frictionFactor(): Dunlop's cubic in r = Re/2000 between the laminar value
    // 0.032 at Re=2000 and Swamee-Jain (value fa, slope-related fb) at Re=4000.
    const double y2 = rr / 3.7 + 5.74 / std::pow(4000.0, 0.9);
    const double y3 = -2.0 / kLn10 * std::log(y2);
    const double fa = 1.0 / (y3 * y3) * (1.0 - dr);
    const double AC = -2.0 * 0.9 * 2.0 / kLn10 * 5.74 / std::pow(4000.0, 0.9);
    const double fb = (2.0 + AC / (y2 * y3)) * fa;
    const double r = Re / 2000.0;
    const double x1 = 7.0 * fa - fb;
    const double x2 = 0.128 - 17.0 * fa + 2.5 * fb;
    const double x3 = -0.128 + 13.0 * fa - (fb + fb);
    const double x4 = 0.032 - 3.0 * fa + 0.5 * fb;
    const double f = x1 + r * (x2 + r * (x3 + r * x4));
    const double df = (x2 + r * (2.0 * x3 + r * 3.0 * x4)) / 2000.0;
    return {f, df};
  }
  // Colebrook mode: cubic Hermite of F = f Re^2 on [2000, 4000].
  const double R0 = kReLaminar, R1 = kReTurbulent, h = R1 - R0;
  const double F0 = 64.0 * R0, dF0 = 64.0;
  auto [ft, dft] = turbulent(R1, rr, mode);
  ft *= (1.0 - dr);
  dft *= (1.0 - dr);
  const double F1 = ft * R1 * R1, dF1 = dft * R1 * R1 + 2.0 * R1 * ft;
  // Fritsch-Carlson: with delta = (F1 - F0)/h, alpha = dF0/delta, beta = dF1/delta, the cubic is
  // monotone if alpha^2 + beta^2 <= 9. For the plain laws this always holds (alpha ~ 0.25, beta ~ 1.1);
  // with strong drag reduction (DR > ~0.6) the end slopes are scaled down to restore it (f is then C0,
  // not C1, at the ends). If DR is so large that F1 <= F0 (DR > ~0.75 smooth), F is kept flat.
  double m0 = dF0, m1 = dF1;
  const double delta = (F1 - F0) / h;
  if (delta <= 0.0) {
    m0 = m1 = 0.0;
  } else {
    const double a = m0 / delta, b = m1 / delta, s2 = a * a + b * b;
    if (s2 > 9.0) {
      const double tau = 3.0 / std::sqrt(s2);
      m0 *= tau;
      m1 *= tau;
    }
  }
  const double t = (Re - R0) / h;
  const double t2 = t * t, t3 = t2 * t;
  const double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
  const double F = h00 * F0 + h10 * h * m0 + h01 * F1 + h11 * h * m1;
  const double dh00 = 6 * t2 - 6 * t, dh10 = 3 * t2 - 4 * t + 1, dh01 = -6 * t2 + 6 * t, dh11 = 3 * t2 - 2 * t;
  const double dF = (dh00 * F0 + dh01 * F1) / h + dh10 * m0 + dh11 * m1;
  const double f = F / (Re * Re);
  const double df = dF / (Re * Re) - 2.0 * F / (Re * Re * Re);
  return {f, df};
}
}  // namespace

double colebrook(double Re, double rr) {
  // Newton on g(x) = x + 2 log10(a + b x), x = 1/sqrt(f), started from Swamee-Jain.
  const double a = rr / 3.7, b = 2.51 / Re;
  double x = 1.0 / std::sqrt(swamee_jain(Re, rr));
  for (int it = 0; it < 100; ++it) {
    const double s = a + b * x;
    const double g = x + 2.0 * std::log10(s);
    const double dg = 1.0 + 2.0 / kLn10 * b / s;
    const double dx = g / dg;
    x -= dx;
    if (std::abs(dx) <= 4.0 * std::numeric_limits<double>::epsilon() * x) break;
  }
  return 1.0 / (x * x);
}

double swamee_jain(double Re, double rr) {
  const double L = std::log10(rr / 3.7 + 5.74 / std::pow(Re, 0.9));
  return 0.25 / (L * L);
}

double friction_factor(double Re, double rr, FrictionMode mode) { return friction_factor(Re, rr, mode, 0.0); }

double friction_factor(double Re, double rr, FrictionMode mode, double dr) {
  if (!(Re > 0.0)) return std::numeric_limits<double>::infinity();
  return friction_and_slope(Re, rr, mode, dr).first;
}

double apply_dra(double f, double Re, double dr) {
  if (Re <= kReLaminar) return f;
  if (Re >= kReTurbulent) return f * (1.0 - dr);
  return f * (1.0 - dr * (Re - kReLaminar) / (kReTurbulent - kReLaminar));
}

double dra_from_ppm(double ppm, double dr_max, double ppm_half) {
  if (!(ppm > 0.0)) return 0.0;
  return dr_max * ppm / (ppm + ppm_half);
}

std::pair<double, double> head_loss_darcy_dq(double Q, double L, double D, double eps, double nu, double dra,
                                             FrictionMode mode, double g) {
  const double A = 0.25 * M_PI * D * D;
  const double q = std::abs(Q);
  const double Re = q / A * D / nu;
  if (Re <= kReLaminar) {
    // h = 64/Re L/D v^2/2g = 32 nu L v / (g D^2), linear in Q.
    const double k = 32.0 * nu * L / (g * D * D * A);
    return {k * Q, k};
  }
  auto [f, dfdre] = friction_and_slope(Re, eps / D, mode, dra);
  const double c = L / (D * 2.0 * g * A * A);  // h = f c Q|Q|
  const double h = f * c * Q * q;
  const double dRedq = D / (A * nu);
  const double dh = c * (2.0 * f * q + dfdre * dRedq * q * q);
  return {h, dh};
}

double head_loss_darcy(double Q, double L, double D, double eps, double nu, double dra, FrictionMode mode,
                       double g) {
  return head_loss_darcy_dq(Q, L, D, eps, nu, dra, mode, g).first;
}

double head_loss_hazen_williams(double Q, double L, double D, double C) {
  const double q = std::abs(Q);
  const double h = 10.667 * L * std::pow(q, 1.852) / (std::pow(C, 1.852) * std::pow(D, 4.8704));
  return Q < 0 ? -h : h;
}

}  // namespace caspflow::model::hydraulics
