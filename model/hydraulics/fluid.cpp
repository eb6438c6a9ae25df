#include "caspflow/model/hydraulics/fluid.hpp"

#include <cmath>
#include <stdexcept>

#include "caspflow/model/errors.hpp"

namespace caspflow::model::hydraulics {

double Fluid::density(double T) const { return rho15 / (1.0 + alpha * (T - 288.15)); }

double Fluid::viscosity(double T) const {
  // Walther/ASTM D341: Z = log10(log10(nu_cSt + 0.7)) is linear in log10(T).
  if (!(nu1 > 0.0) || !(nu2 > 0.0) || !(t1 > 0.0) || !(t2 > 0.0) || t1 == t2)
    throw PreconditionError("Fluid::viscosity: need two viscosity points at distinct temperatures with nu > 0");
  auto z = [](double nu) { return std::log10(std::log10(nu * 1e6 + 0.7)); };
  const double x1 = std::log10(t1), x2 = std::log10(t2);
  const double B = (z(nu1) - z(nu2)) / (x2 - x1);
  const double A = z(nu1) + B * x1;
  const double zz = A - B * std::log10(T);
  return (std::pow(10.0, std::pow(10.0, zz)) - 0.7) * 1e-6;
}

double refutas_vbn(double nu) { return 14.534 * std::log(std::log(nu * 1e6 + 0.8)) + 10.975; }
double refutas_nu(double vbn) { return (std::exp(std::exp((vbn - 10.975) / 14.534)) - 0.8) * 1e-6; }

Fluid blend(const std::vector<Fluid>& parts, const std::vector<double>& volume_fractions, double T_ref) {
  if (parts.empty() || parts.size() != volume_fractions.size())
    throw PreconditionError("blend: need as many volume fractions as parts (and at least one part)");
  double sum = 0.0;
  for (double p : volume_fractions) {
    if (!(p >= 0.0)) throw PreconditionError("blend: volume fractions must be >= 0");
    sum += p;
  }
  if (!(sum > 0.0)) throw PreconditionError("blend: volume fractions sum to zero");
  Fluid b;
  b.t1 = parts.front().t1;
  b.t2 = parts.front().t2;
  double rho = 0.0, drho = 0.0, mass = 0.0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const double phi = volume_fractions[i] / sum;
    rho += phi * parts[i].rho15;
    drho += phi * parts[i].rho15 * parts[i].alpha;
    mass += phi * parts[i].density(T_ref);
  }
  b.rho15 = rho;
  b.alpha = drho / rho;
  double v1 = 0.0, v2 = 0.0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const double w = volume_fractions[i] / sum * parts[i].density(T_ref) / mass;  // mass fraction
    v1 += w * refutas_vbn(parts[i].viscosity(b.t1));
    v2 += w * refutas_vbn(parts[i].viscosity(b.t2));
  }
  b.nu1 = refutas_nu(v1);
  b.nu2 = refutas_nu(v2);
  return b;
}

}  // namespace caspflow::model::hydraulics
