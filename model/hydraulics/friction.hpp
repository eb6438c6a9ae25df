#pragma once
// Pipe friction: Darcy friction factor, drag reduction, Darcy-Weisbach and Hazen-Williams head loss.
// SI units: flow m3/s, lengths m, kinematic viscosity m2/s, head m.
//
// Colebrook mode (caspflow's own scenarios):
//  - laminar, Re <= 2000: f = 64/Re (Hagen-Poiseuille).
//  - turbulent, Re >= 4000: Colebrook-White, 1/sqrt(f) = -2 log10(eps/(3.7 D) + 2.51/(Re sqrt(f)))
//    (Colebrook 1939, J. ICE 11:133), solved by Newton on x = 1/sqrt(f) to machine precision.
//  - bridge, 2000 < Re < 4000: cubic Hermite interpolation in Re of F(Re) = f Re^2 (the head loss at
//    fixed pipe and fluid is proportional to F), matching value and slope of the laminar law at 2000
//    and of the (drag-reduced) turbulent law at 4000. Matching F and F' is the same as matching f and
//    f', so f is C1 across both ends; and the Fritsch-Carlson condition (alpha^2 + beta^2 <= 9, checked
//    for eps/D <= 0.05 and DR <= 0.3 in tests; end slopes are scaled down when it fails, for DR up to
//    ~0.7) makes F, hence head loss vs flow, monotone increasing, so Newton's Jacobian never changes
//    sign in the bridge.
// Epanet mode (.inp files, to reproduce EPANET 2.x; formulas from EPANET's hydcoeffs.c):
//  - laminar f = 64/Re for Re <= 2000; Swamee-Jain f = 0.25 / log10(eps/3.7D + 5.74/Re^0.9)^2 for
//    Re >= 4000 (Swamee & Jain 1976, J. Hydraul. Div. 102(5)); between, EPANET's cubic in r = Re/2000
//    due to E. Dunlop, f = X1 + r (X2 + r (X3 + r X4)), whose coefficients make it pass through 0.032
//    at Re = 2000 and through Swamee-Jain at Re = 4000 (EPANET 2 manual, section 12.4).
// Drag reducing agent (DRA): the turbulent friction factor is multiplied by (1 - DR); laminar flow is
// not affected (polymer drag reduction acts on turbulence; Burger et al. 1982, J. Rheol. 26:2).
#include <utility>

#include "caspflow/model/hydraulics/fluid.hpp"

namespace caspflow::model::hydraulics {

enum class FrictionMode { Colebrook, Epanet };

inline constexpr double kReLaminar = 2000.0;    ///< upper end of laminar flow
inline constexpr double kReTurbulent = 4000.0;  ///< lower end of turbulent flow

/// Colebrook-White turbulent friction factor (no laminar branch), to machine precision.
double colebrook(double Re, double rel_roughness);
/// Swamee-Jain explicit approximation of Colebrook (EPANET's turbulent formula).
double swamee_jain(double Re, double rel_roughness);

/// Darcy friction factor at Reynolds number Re >= 0 (Re = 0 returns +inf: use head_loss_darcy).
double friction_factor(double Re, double rel_roughness, FrictionMode mode = FrictionMode::Colebrook);
/// As above with drag reduction DR in [0, 1) applied to the turbulent law; in the bridge the
/// interpolation runs to the reduced turbulent value (in Epanet mode, Dunlop's cubic is built on the
/// reduced Swamee-Jain value at 4000).
double friction_factor(double Re, double rel_roughness, FrictionMode mode, double drag_reduction);

/// Apply drag reduction to an already computed friction factor: f for Re <= 2000, f (1 - DR) for
/// Re >= 4000, and in between f (1 - DR w) with w = (Re - 2000)/2000 (a convenience; the solvers use
/// friction_factor(Re, eps/D, mode, DR), whose bridge keeps head loss monotone in flow).
double apply_dra(double f, double Re, double drag_reduction);

/// Saturating dose-response of a drag reducer: DR = dr_max ppm / (ppm + ppm_half) (Langmuir-type
/// curve, the usual fit to field DRA data, e.g. Burger et al. 1982). ppm <= 0 gives 0.
double dra_from_ppm(double ppm, double dr_max, double ppm_half);

/// Darcy-Weisbach head loss [m] over a pipe of length L [m], inner diameter D [m], roughness eps [m]
/// carrying Q [m3/s] of a fluid of kinematic viscosity nu [m2/s]: h = f (L/D) v|v| / (2 g), signed
/// with Q. dra = drag reduction fraction (0 = none). Laminar flow uses the exact 32 nu L v/(g D^2).
double head_loss_darcy(double Q, double L, double D, double eps, double nu, double dra = 0.0,
                       FrictionMode mode = FrictionMode::Colebrook, double g = kGravity);
/// Head loss and its derivative dh/dQ [m s/m3] (used by the network solver).
std::pair<double, double> head_loss_darcy_dq(double Q, double L, double D, double eps, double nu, double dra = 0.0,
                                             FrictionMode mode = FrictionMode::Colebrook, double g = kGravity);

/// Hazen-Williams head loss [m], SI form h = 10.667 L Q^1.852 / (C^1.852 D^4.8704), signed with Q
/// (Williams & Hazen 1905; SI coefficient as in EPANET 2 manual table 3.1: 4.727 in US units).
double head_loss_hazen_williams(double Q, double L, double D, double C);

}  // namespace caspflow::model::hydraulics
