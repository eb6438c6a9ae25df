// Physics library tests: friction, fluid properties, pumps. Every expected value names its source.
#include <doctest/doctest.h>

#include <cmath>

#include "caspflow/model/hydraulics/fluid.hpp"
#include "caspflow/model/hydraulics/friction.hpp"
#include "caspflow/model/hydraulics/pump.hpp"

using namespace caspflow::model::hydraulics;

TEST_CASE("friction: laminar is Hagen-Poiseuille 64/Re") {
  // Hagen-Poiseuille (exact): f = 64/Re.
  CHECK(friction_factor(1000.0, 0.0) == doctest::Approx(0.064).epsilon(1e-14));
  CHECK(friction_factor(2000.0, 0.01) == doctest::Approx(0.032).epsilon(1e-14));
  CHECK(friction_factor(500.0, 0.0, FrictionMode::Epanet) == doctest::Approx(0.128).epsilon(1e-14));
}

TEST_CASE("friction: Colebrook against published values") {
  // Smooth pipe, Re = 1e5: Moody chart / Colebrook tables give f = 0.01799.
  CHECK(friction_factor(1e5, 0.0) == doctest::Approx(0.01799).epsilon(1e-4));
  // Smooth pipe, Re = 1e6: Colebrook tables give f = 0.01165 (Moody chart 0.0116).
  CHECK(friction_factor(1e6, 0.0) == doctest::Approx(0.01165).epsilon(5e-4));
  // Rough: White, Fluid Mechanics, ch. 6 worked example (oil in 200 mm cast iron, eps/d = 0.0013,
  // Re = 1.27e5): f = 0.0227 from Colebrook.
  CHECK(friction_factor(1.27e5, 0.0013) == doctest::Approx(0.0227).epsilon(2e-3));
  // Fully rough limit (von Karman-Prandtl / Nikuradse, analytic): 1/sqrt f = -2 log10(eps/3.7D);
  // eps/D = 0.001 -> f = 0.019635; Colebrook at Re = 1e9 must approach it within 1e-4 relative.
  const double frough = 0.25 / std::pow(std::log10(0.001 / 3.7), 2);
  CHECK(friction_factor(1e9, 0.001) == doctest::Approx(frough).epsilon(2e-4));
  // Machine precision: the Colebrook equation itself (definition) holds to ~1e-15.
  for (double Re : {4e3, 1e4, 3e5, 1e7}) {
    for (double rr : {0.0, 1e-5, 1e-3, 0.05}) {
      const double f = colebrook(Re, rr);
      const double lhs = 1.0 / std::sqrt(f), rhs = -2.0 * std::log10(rr / 3.7 + 2.51 / (Re * std::sqrt(f)));
      CHECK(std::abs(lhs - rhs) <= 1e-13 * lhs);
    }
  }
}

TEST_CASE("friction: EPANET mode reproduces EPANET's formulas") {
  // Swamee-Jain (EPANET hydcoeffs.c, Re >= 4000): f = 0.25/log10(e/3.7 + 5.74/Re^0.9)^2.
  // Hand value Re = 1e5, e = 1e-4: log10(2.7027e-5 + 5.74/31622.8^... ) -> 0.0184524.
  CHECK(friction_factor(1e5, 1e-4, FrictionMode::Epanet) == doctest::Approx(0.0184524).epsilon(1e-5));
  // Dunlop's cubic ends: 0.032 at Re = 2000 and Swamee-Jain(4000, 0) = 0.0405515 at Re = 4000.
  CHECK(friction_factor(2000.0 + 1e-9, 0.0, FrictionMode::Epanet) == doctest::Approx(0.032).epsilon(1e-9));
  CHECK(friction_factor(4000.0 - 1e-9, 0.0, FrictionMode::Epanet) == doctest::Approx(0.0405515).epsilon(1e-5));
  // Swamee-Jain is within ~1 % of Colebrook for 1e4 < Re < 1e8 (Swamee & Jain 1976).
  CHECK(friction_factor(1e5, 1e-4, FrictionMode::Epanet) == doctest::Approx(colebrook(1e5, 1e-4)).epsilon(0.015));
}

TEST_CASE("friction: bridge 2000-4000 is continuous and head loss is monotone in flow") {
  // Design rule (docs/hydraulics-network.md): f Re^2 is strictly increasing and f is continuous at
  // both ends, for eps/D up to 0.05 and DR up to 0.7 (the practical
  // maximum of DRA; above ~0.75 F(4000) < F(2000) and no monotone bridge exists).
  for (double rr : {0.0, 1e-4, 1e-3, 0.01, 0.05}) {
    for (double dr : {0.0, 0.3, 0.7}) {
      CHECK(friction_factor(2000.0 + 1e-7, rr, FrictionMode::Colebrook, dr) == doctest::Approx(0.032).epsilon(1e-8));
      CHECK(friction_factor(4000.0 - 1e-7, rr, FrictionMode::Colebrook, dr) ==
            doctest::Approx(colebrook(4000.0, rr) * (1 - dr)).epsilon(1e-8));
      double prev = 0.0;
      for (double Re = 1990.0; Re <= 4010.0; Re += 5.0) {
        const double F = friction_factor(Re, rr, FrictionMode::Colebrook, dr) * Re * Re;
        CHECK(F > prev);
        prev = F;
      }
    }
  }
}

TEST_CASE("friction: DRA") {
  // Definition (issue 3): turbulent f x (1 - DR), laminar unchanged.
  CHECK(apply_dra(0.02, 1e5, 0.25) == doctest::Approx(0.015));
  CHECK(apply_dra(0.05, 1500, 0.25) == doctest::Approx(0.05));
  CHECK(friction_factor(1e5, 0.0, FrictionMode::Colebrook, 0.3) == doctest::Approx(0.7 * 0.0179898).epsilon(1e-5));
  // Saturating dose-response: half of dr_max at ppm_half, -> dr_max as ppm -> inf.
  CHECK(dra_from_ppm(10.0, 0.6, 10.0) == doctest::Approx(0.3));
  CHECK(dra_from_ppm(1e9, 0.6, 10.0) == doctest::Approx(0.6).epsilon(1e-6));
  CHECK(dra_from_ppm(0.0, 0.6, 10.0) == 0.0);
}

TEST_CASE("head loss: textbook worked example, turbulent oil (White, Fluid Mechanics, ch. 6)") {
  // White, Fluid Mechanics (7th ed.), Example 6.6: oil rho = 900 kg/m3, nu = 1e-5 m2/s, Q = 0.2 m3/s,
  // 500 m of 200 mm cast iron pipe, eps = 0.26 mm. Answer: Re = 127,000, f = 0.0227, hf = 117 m.
  const double hf = head_loss_darcy(0.2, 500.0, 0.2, 0.26e-3, 1e-5);
  CHECK(hf == doctest::Approx(117.0).epsilon(0.005));
  // Pressure drop rho g hf = 900*9.80665*117 = 1.03 MPa (White: "about 1.03 MPa").
  CHECK(900.0 * kGravity * hf == doctest::Approx(1.03e6).epsilon(0.01));
}

TEST_CASE("head loss: textbook worked example with elevation, laminar inclined pipe (White, ch. 6)") {
  // White, Fluid Mechanics, Example 6.4 (laminar flow up an inclined pipe): oil rho = 900 kg/m3,
  // nu = 0.0002 m2/s, d = 6 cm, L = 10 m rising at 40 deg, p1 = 350 kPa, p2 = 250 kPa.
  // Answers: hf = 4.9 m, Q = 0.0076 m3/s, V = 2.7 m/s, Re = 810.
  const double rho = 900.0, nu = 2e-4, d = 0.06, L = 10.0;
  const double dz = L * std::sin(40.0 * M_PI / 180.0);
  const double hf = (350e3 - 250e3) / (rho * kGravity) - dz;
  CHECK(hf == doctest::Approx(4.9).epsilon(0.01));
  // Find Q such that head_loss_darcy(Q) = hf (laminar, linear: one secant step is exact).
  const double k = head_loss_darcy(1e-3, L, d, 0.0, nu) / 1e-3;
  const double Q = hf / k;
  CHECK(Q == doctest::Approx(0.0076).epsilon(0.01));
  CHECK(Q / (M_PI * d * d / 4) == doctest::Approx(2.7).epsilon(0.01));
  CHECK(Q / (M_PI * d * d / 4) * d / nu == doctest::Approx(810).epsilon(0.01));
  // And the pressure drop it implies, rho g (hf + dz), is back to 100 kPa.
  CHECK(rho * kGravity * (head_loss_darcy(Q, L, d, 0.0, nu) + dz) == doctest::Approx(100e3).epsilon(1e-10));
}

TEST_CASE("head loss: derivative matches finite differences in every regime") {
  // Consistency check of the analytic Jacobian (central differences, relative step 1e-6).
  const double L = 1000, D = 0.3, eps = 4.5e-5, nu = 5e-6, A = M_PI * D * D / 4;
  for (FrictionMode m : {FrictionMode::Colebrook, FrictionMode::Epanet}) {
    for (double Re : {500.0, 2500.0, 3500.0, 5000.0, 1e6}) {
      const double Q = Re * nu * A / D;
      const auto [h, dh] = head_loss_darcy_dq(Q, L, D, eps, nu, 0.1, m);
      const double e = Q * 1e-6;
      const double fd = (head_loss_darcy(Q + e, L, D, eps, nu, 0.1, m) - head_loss_darcy(Q - e, L, D, eps, nu, 0.1, m)) / (2 * e);
      CHECK(dh == doctest::Approx(fd).epsilon(1e-5));
      CHECK(head_loss_darcy(-Q, L, D, eps, nu, 0.1, m) == doctest::Approx(-h));
    }
  }
}

TEST_CASE("Hazen-Williams SI form") {
  // EPANET 2 manual table 3.1: SI resistance 10.67 L / (C^1.852 d^4.871). Hand value:
  // Q = 0.1 m3/s, L = 1000 m, D = 0.3 m, C = 100 -> h = 10.667*1000*0.1^1.852/(100^1.852*0.3^4.8704) = 10.44 m.
  CHECK(head_loss_hazen_williams(0.1, 1000, 0.3, 100) == doctest::Approx(10.667e3 * std::pow(0.1, 1.852) / std::pow(100, 1.852) / std::pow(0.3, 4.8704)));
  CHECK(head_loss_hazen_williams(0.1, 1000, 0.3, 100) == doctest::Approx(10.44).epsilon(0.001));
}

TEST_CASE("fluid: density and Walther viscosity") {
  Fluid f;  // 850 kg/m3 at 15 C, alpha 8e-4; 6 cSt at 20 C, 3.5 cSt at 40 C
  // Definition: rho(15 C) = rho15; rho(25 C) = 850/(1 + 8e-4*10) = 843.25 kg/m3.
  CHECK(f.density(288.15) == doctest::Approx(850.0));
  CHECK(f.density(298.15) == doctest::Approx(843.254).epsilon(1e-5));
  // The ASTM D341 line passes through both given points.
  CHECK(f.viscosity(293.15) == doctest::Approx(6e-6).epsilon(1e-12));
  CHECK(f.viscosity(313.15) == doctest::Approx(3.5e-6).epsilon(1e-12));
  // Hand check at 30 C: Z1 = loglog(6.7) = -0.08256, Z2 = loglog(4.2) = -0.20366; linear in log10 T
  // gives Z(303.15) = -0.14483 -> nu = 10^10^Z - 0.7 = 4.5808 cSt.
  CHECK(f.viscosity(303.15) == doctest::Approx(4.5808e-6).epsilon(2e-4));
  // Monotone decreasing in T.
  CHECK(f.viscosity(273.15) > f.viscosity(293.15));
}

TEST_CASE("fluid: Refutas blend") {
  Fluid a, b;
  a.nu1 = 10e-6; a.nu2 = 5e-6; a.rho15 = 870;
  b.nu1 = 2e-6;  b.nu2 = 1.5e-6; b.rho15 = 800;
  // Pure parts are returned unchanged (identity of the blending rule).
  Fluid pa = blend({a, b}, {1.0, 0.0});
  CHECK(pa.nu1 == doctest::Approx(10e-6).epsilon(1e-10));
  CHECK(pa.rho15 == doctest::Approx(870));
  // 50/50 by volume: rho15 = 835 (volume-additive). Refutas by mass: w_a = 870/1670 = 0.52096;
  // VBN(10 cSt) = 14.534 ln ln 10.8 + 10.975 = 21.6788; VBN(2 cSt) = 14.534 ln ln 2.8 + 10.975 = 10.580
  // -> VBN = 16.3605 -> nu = exp(exp((16.3605-10.975)/14.534)) - 0.8 = 3.7445 cSt.
  Fluid m = blend({a, b}, {0.5, 0.5});
  CHECK(m.rho15 == doctest::Approx(835.0));
  CHECK(m.nu1 == doctest::Approx(3.7445e-6).epsilon(2e-3));
  // A blend's viscosity lies between its parts'.
  CHECK(m.nu1 < a.nu1);
  CHECK(m.nu1 > b.nu1);
}

TEST_CASE("pump curves as EPANET fits them") {
  // EPANET rule (manual 3.1): one point (Q, H) -> shutoff 1.33334 H, max flow 2Q, n = 2.
  PumpCurve c = fit_pump_curve({{0.1, 100.0}});
  CHECK(c.h0 == doctest::Approx(133.334));
  CHECK(c.n == doctest::Approx(2.0).epsilon(1e-4));
  CHECK(c.head(0.1) == doctest::Approx(100.0).epsilon(1e-9));
  CHECK(c.head(0.2) == doctest::Approx(0.0).epsilon(1e-6));
  // Three points starting at Q = 0 pass through all three (definition of the fit).
  PumpCurve d = fit_pump_curve({{0.0, 120.0}, {0.1, 100.0}, {0.2, 40.0}});
  CHECK(d.h0 == 120.0);
  CHECK(d.head(0.1) == doctest::Approx(100.0));
  CHECK(d.head(0.2) == doctest::Approx(40.0));
  CHECK(d.n == doctest::Approx(std::log(80.0 / 20.0) / std::log(2.0)));
  // Three points not starting at 0.
  PumpCurve e = fit_pump_curve({{0.05, 110.0}, {0.1, 100.0}, {0.2, 40.0}});
  CHECK(e.head(0.05) == doctest::Approx(110.0).epsilon(1e-8));
  CHECK(e.head(0.1) == doctest::Approx(100.0).epsilon(1e-8));
  CHECK(e.head(0.2) == doctest::Approx(40.0).epsilon(1e-8));
  // Rising curve is refused (EPANET error 227).
  CHECK_THROWS(fit_pump_curve({{0.0, 10.0}, {0.1, 20.0}, {0.2, 5.0}}));
  // Affinity laws: at speed s the point (sQ, s^2 H) is on the new curve.
  PumpCurve s = affinity(d, 0.9);
  CHECK(s.head(0.09) == doctest::Approx(0.81 * 100.0));
  // Series doubles head at the same flow; parallel doubles flow at the same head.
  CHECK(combine(d, 2, 1).head(0.1) == doctest::Approx(200.0));
  CHECK(combine(d, 1, 2).head(0.2) == doctest::Approx(100.0));
  // Power: rho g Q H / eta = 1000*9.80665*0.1*100/0.8 = 122583 W.
  CHECK(pump_power(1000, 0.1, 100, 0.8) == doctest::Approx(122583.125));
}
