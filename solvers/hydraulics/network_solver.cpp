#include "caspflow/solvers/hydraulics/network_solver.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <tuple>

#include <kinsol/kinsol.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "caspflow/model/errors.hpp"
#include "caspflow/solvers/sundials.hpp"

namespace caspflow::solvers::hydraulics {

using namespace caspflow::model::hydraulics;

namespace {
// EPANET's internal constants (ft, cfs) expressed in SI.
constexpr double kFt = 0.3048;
constexpr double kFt3 = kFt * kFt * kFt;
constexpr double kHeadPerFlow = kFt / kFt3;     // (ft/cfs) -> (m per m3/s)
constexpr double kCBig = 1e8 * kHeadPerFlow;    // closed-link resistance
constexpr double kCSmall = 1e-6 * kHeadPerFlow; // open valve without minor loss
constexpr double kRQtol = 1e-7 * kHeadPerFlow;  // smallest head-loss gradient
constexpr double kHtol = 0.0005 * kFt;          // status head tolerance
constexpr double kQtol = 0.0001 * kFt3;         // status flow tolerance
constexpr double kGEpanet = 32.2 * kFt;         // EPANET's g
constexpr double kMinorEpanet = 0.02517;        // EPANET 8/(g pi^2) in ft, cfs
}  // namespace

const char* to_string(LinkState s) {
  switch (s) {
    case LinkState::XHead: return "closed (head above shutoff)";
    case LinkState::TempClosed: return "temporarily closed";
    case LinkState::Closed: return "closed";
    case LinkState::Open: return "open";
    case LinkState::Active: return "active";
    case LinkState::XFlow: return "open (flow above max)";
    case LinkState::XFcv: return "open (cannot deliver flow)";
    case LinkState::XPressure: return "open (cannot deliver pressure)";
  }
  return "?";
}

struct NetworkSolver::Impl {
  const Network& net;
  SolverOptions opt;
  int nn = 0, nl = 0, nj = 0, n = 0;
  std::vector<int> jpos;           // node -> unknown index of its head, -1 if fixed
  std::vector<int> junction_nodes; // unknown index -> node
  // per-link constants
  std::vector<double> r_hw, km;    // HW resistance (SI), minor-loss coefficient h = km Q|Q|
  struct DwConst {
    double re_per_q = 0, c = 0, lam = 0, e37 = 0;  // Re/|Q|, L/(2 g D A^2), laminar dh/dQ, (eps/D)/3.7
  };
  std::vector<DwConst> dw;
  double g = kGravity;
  // CSR pattern
  std::vector<sunindextype> rowptr, colind;
  std::vector<int> pos_hf, pos_ht, pos_q;  // data positions in link rows (-1 if absent)
  std::vector<std::vector<std::pair<int, int>>> node_links;  // junction -> (link, +1 in / -1 out)
  std::vector<int> node_row_pos;   // data position of each (junction, link) entry, flattened
  std::vector<int> node_row_start;
  double qscale = 1.0, hscale = 1.0;
  // SUNDIALS objects, declared in creation order
  SunContext ctx;
  SunVector u, uscale, fscale;
  SunMatrix J;
  SunLinSol LS;
  KinsolMem kin;
  // Current problem (set in solve)
  HydState* st = nullptr;
  std::vector<double> history;
  std::vector<double> hl_cache, dh_cache, x_cache;
  std::vector<char> law_cache;
  // Key of each cached head loss: flow and setting bits, status, has_setting (see residual()).
  std::vector<std::uint64_t> key_q, key_set;
  std::vector<LinkState> key_status;
  std::vector<char> key_has, key_valid;
  std::vector<int> lfrom, lto;     // link end nodes
  // Statuses and settings of the last factorised Jacobian (the first Newton iteration of a solve
  // reuses that factorisation when they are unchanged; see solve()).
  std::vector<LinkState> jac_status;
  std::vector<double> jac_setting;
  std::vector<bool> jac_has;
  bool jac_valid = false;
  std::vector<double> fwork;
  std::string kin_message;  // KINSOL's last error message (keep_error_message)
  CallbackTrap trap;        // an exception thrown in residual_cb / jac_cb
  int nfev = 0;

  Impl(const Network& nw, SolverOptions o) : net(nw), opt(o) {
    nn = static_cast<int>(net.nodes.size());
    nl = static_cast<int>(net.links.size());
    jpos.assign(nn, -1);
    for (const auto& L : net.links) {
      lfrom.push_back(L.from);
      lto.push_back(L.to);
    }
    for (int i = 0; i < nn; ++i)
      if (net.nodes[i].kind == NodeKind::Junction) {
        jpos[i] = nj++;
        junction_nodes.push_back(i);
      }
    n = nj + nl;
    const bool epanet = opt.friction == FrictionMode::Epanet;
    g = epanet ? kGEpanet : kGravity;
    r_hw.assign(nl, 0.0);
    km.assign(nl, 0.0);
    for (int k = 0; k < nl; ++k) {
      const auto& L = net.links[k];
      const double d = L.diameter;
      if (d > 0) {
        // Minor loss K v^2/2g = 8K/(g pi^2 d^4) Q^2; EPANET uses 0.02517 K/d^4 in ft, cfs.
        km[k] = epanet ? kMinorEpanet * L.minor_loss / std::pow(d / kFt, 4) * kFt / (kFt3 * kFt3)
                       : 8.0 * L.minor_loss / (g * M_PI * M_PI * std::pow(d, 4));
      }
      if ((L.kind == LinkKind::Pipe || L.kind == LinkKind::CVPipe) && net.headloss == HeadLossFormula::DarcyWeisbach) {
        const double A = 0.25 * M_PI * d * d;
        dw.resize(nl);
        dw[k].re_per_q = d / (A * net.viscosity);
        dw[k].c = L.length / (d * 2.0 * g * A * A);
        dw[k].lam = 32.0 * net.viscosity * L.length / (g * d * d * A);
        dw[k].e37 = L.roughness / d / 3.7;
      }
      if ((L.kind == LinkKind::Pipe || L.kind == LinkKind::CVPipe) && net.headloss == HeadLossFormula::HazenWilliams) {
        // EPANET resistcoeff(): R = 4.727 L / C^1.852 / d^4.871 (ft, cfs) -> SI.
        const double r_us = 4.727 * (L.length / kFt) / std::pow(L.roughness, 1.852) / std::pow(d / kFt, 4.871);
        r_hw[k] = kFt * r_us / std::pow(kFt3, 1.852);
      }
    }
    // Flow scale for residual scaling: total demand, or a nominal 1 ft/s through the largest pipe.
    double qd = 0.0, amax = 0.0;
    for (const auto& nd : net.nodes)
      for (const auto& dm : nd.demands) qd += std::abs(dm.base);
    for (const auto& L : net.links) amax = std::max(amax, 0.25 * M_PI * L.diameter * L.diameter);
    qscale = std::max({qd * net.demand_multiplier, amax * kFt, 1e-6});
    build_pattern();
    setup_kinsol();
  }

  void build_pattern() {
    node_links.assign(nj, {});
    for (int k = 0; k < nl; ++k) {
      const auto& L = net.links[k];
      if (jpos[L.from] >= 0) node_links[jpos[L.from]].push_back({k, -1});
      if (jpos[L.to] >= 0) node_links[jpos[L.to]].push_back({k, +1});
    }
    rowptr.assign(n + 1, 0);
    colind.clear();
    pos_hf.assign(nl, -1);
    pos_ht.assign(nl, -1);
    pos_q.assign(nl, -1);
    // Link rows 0..nl-1: columns (head of from, head of to, own flow), sorted.
    for (int k = 0; k < nl; ++k) {
      const auto& L = net.links[k];
      std::vector<std::pair<int, int>> cols;  // (col, which: 0 hf, 1 ht, 2 q)
      if (jpos[L.from] >= 0) cols.push_back({jpos[L.from], 0});
      if (jpos[L.to] >= 0) cols.push_back({jpos[L.to], 1});
      cols.push_back({nj + k, 2});
      std::sort(cols.begin(), cols.end());
      for (auto [c, w] : cols) {
        const int p = static_cast<int>(colind.size());
        (w == 0 ? pos_hf : w == 1 ? pos_ht : pos_q)[k] = p;
        colind.push_back(c);
      }
      rowptr[k + 1] = static_cast<sunindextype>(colind.size());
    }
    // Junction rows nl..nl+nj-1: flows of incident links.
    node_row_start.assign(nj + 1, 0);
    for (int j = 0; j < nj; ++j) {
      auto& v = node_links[j];
      std::sort(v.begin(), v.end());
      node_row_start[j] = static_cast<int>(colind.size());
      for (auto [k, sgn] : v) colind.push_back(nj + k);
      rowptr[nl + j + 1] = static_cast<sunindextype>(colind.size());
    }
    node_row_start[nj] = static_cast<int>(colind.size());
  }

  // KINSOL callbacks: an exception is kept in `trap` (never crosses the C boundary) and rethrown by solve().
  static int residual_cb(N_Vector uu, N_Vector ff, void* ud) {
    auto* self = static_cast<Impl*>(ud);
    return self->trap.run([&] {
      double* f = N_VGetArrayPointer(ff);
      self->residual(N_VGetArrayPointer(uu), f);
      require_finite(f, self->n, "the network residual");  // recoverable: KINSOL shortens the step
    });
  }
  static int jac_cb(N_Vector uu, N_Vector, SUNMatrix Jm, void* ud, N_Vector, N_Vector) {
    auto* self = static_cast<Impl*>(ud);
    return self->trap.run([&] { self->jacobian(N_VGetArrayPointer(uu), Jm); });
  }

  void setup_kinsol() {
    ctx = SunContext::create();
    u = SunVector(check_created(N_VNew_Serial(n, ctx.get()), "N_VNew_Serial"));
    uscale = SunVector(check_created(N_VNew_Serial(n, ctx.get()), "N_VNew_Serial"));
    fscale = SunVector(check_created(N_VNew_Serial(n, ctx.get()), "N_VNew_Serial"));
    for (N_Vector v : {u.get(), uscale.get(), fscale.get()}) internals::use_optimised_serial_ops(v);
    J = SunMatrix(check_created(SUNSparseMatrix(n, n, static_cast<sunindextype>(colind.size()), CSR_MAT, ctx.get()),
                                "SUNSparseMatrix"));
    fill_pattern(J.get());
    internals::keep_sparse_pattern_on_zero(J.get());
    LS = SunLinSol(check_created(SUNLinSol_KLU(u.get(), J.get(), ctx.get()), "SUNLinSol_KLU"));
    internals::keep_klu_factorisation(LS.get());
    kin = KinsolMem(check_created(KINCreate(ctx.get()), "KINCreate"));
    check_kinsol(KINSetErrHandlerFn(kin.get(), keep_error_message, &kin_message), "KINSetErrHandlerFn");
    check_kinsol(KINInit(kin.get(), residual_cb, u.get()), "KINInit");
    check_kinsol(KINSetUserData(kin.get(), this), "KINSetUserData");
    check_kinsol(KINSetLinearSolver(kin.get(), LS.get(), J.get()), "KINSetLinearSolver");
    check_kinsol(KINSetJacFn(kin.get(), jac_cb), "KINSetJacFn");
    check_kinsol(KINSetFuncNormTol(kin.get(), opt.ftol), "KINSetFuncNormTol");
    check_kinsol(KINSetScaledStepTol(kin.get(), 1e-15), "KINSetScaledStepTol");
    check_kinsol(KINSetNumMaxIters(kin.get(), opt.max_newton), "KINSetNumMaxIters");
    check_kinsol(KINSetMaxSetupCalls(kin.get(), 1), "KINSetMaxSetupCalls");
    check_kinsol(KINSetMaxNewtonStep(kin.get(), 1e20), "KINSetMaxNewtonStep");
    check_kinsol(KINSetPrintLevel(kin.get(), 0), "KINSetPrintLevel");
    // Scaling: heads in units of hscale (m), flows in units of qscale.
    double* us = N_VGetArrayPointer(uscale.get());
    double* fs = N_VGetArrayPointer(fscale.get());
    for (int i = 0; i < nj; ++i) us[i] = 1.0 / hscale;
    for (int k = 0; k < nl; ++k) us[nj + k] = 1.0 / qscale;
    for (int k = 0; k < nl; ++k) fs[k] = 1.0 / hscale;
    for (int j = 0; j < nj; ++j) fs[nl + j] = 1.0 / qscale;
  }

  void fill_pattern(SUNMatrix Jm) const {
    std::copy(rowptr.begin(), rowptr.end(), SUNSparseMatrix_IndexPointers(Jm));
    std::copy(colind.begin(), colind.end(), SUNSparseMatrix_IndexValues(Jm));
  }

  // Head of node i given the unknown vector.
  double H(const double* x, int i) const { return jpos[i] >= 0 ? x[jpos[i]] : st->head[i]; }

  // Valve with open status: minor loss km Q|Q| or a tiny linear resistance (EPANET valvecoeff()).
  static void valve_open(double Q, double kmv, double& hl, double& dh) {
    if (kmv > 0.0) {
      const double q = std::abs(Q);
      double hg = 2.0 * kmv * q;
      if (hg < kRQtol) {
        hg = kRQtol / 2.0;
        hl = Q * hg;
      } else {
        hl = Q * hg / 2.0;
      }
      dh = hg;
    } else {
      hl = kCSmall * Q;
      dh = kCSmall;
    }
  }

  // Head loss (from -> to) and its derivative for "law" links; returns false if the link row is a
  // set-point equation instead (active PRV, PSV, FCV, PBV).
  bool head_loss(int k, double Q, double& hl, double& dh) const {
    const auto& L = net.links[k];
    const LinkState s = st->status[k];
    if (is_closed(s)) {
      hl = kCBig * Q;
      dh = kCBig;
      return true;
    }
    const double q = std::abs(Q);
    switch (L.kind) {
      case LinkKind::Pipe:
      case LinkKind::CVPipe: {
        if (net.headloss == HeadLossFormula::HazenWilliams) {
          const double r = r_hw[k];
          double hg = 1.852 * r * std::pow(q, 0.852);
          double h;
          if (hg < kRQtol) {
            hg = kRQtol / 1.852;
            h = hg * q;
          } else {
            h = hg * q / 1.852;
          }
          if (km[k] > 0) {
            h += km[k] * q * q;
            hg += 2.0 * km[k] * q;
          }
          hl = Q < 0 ? -h : h;
          dh = hg;
        } else {
          const DwConst& c = dw[k];
          const double Re = q * c.re_per_q;
          double h, d;
          if (Re <= kReLaminar) {  // Hagen-Poiseuille
            h = c.lam * Q;
            d = c.lam;
          } else if (Re >= kReTurbulent && opt.friction == FrictionMode::Epanet) {
            // Swamee-Jain inlined (same formula as friction.cpp, natural logs): f = 0.25 ln10^2 / ln(y)^2,
            // y = e/3.7 + 5.74 Re^-0.9.
            constexpr double kLn10 = 2.302585092994045684;
            const double y1 = 5.74 * std::exp(-0.9 * std::log(Re));
            const double y = c.e37 + y1;
            const double ly = std::log(y);
            const double f = 0.25 * kLn10 * kLn10 / (ly * ly);
            const double dfdre = 0.5 * kLn10 * kLn10 / (ly * ly * ly) * 0.9 * y1 / (Re * y);
            h = f * c.c * Q * q;
            d = c.c * (2.0 * f * q + dfdre * c.re_per_q * q * q);
          } else {
            std::tie(h, d) = head_loss_darcy_dq(Q, L.length, L.diameter, L.roughness, net.viscosity, 0.0, opt.friction, g);
          }
          hl = h + km[k] * Q * q;
          dh = d + 2.0 * km[k] * q;
        }
        return true;
      }
      case LinkKind::Pump: {
        const double sp = st->setting[k];
        if (sp == 0.0) {
          hl = kCBig * Q;
          dh = kCBig;
          return true;
        }
        if (L.pump_type == PumpType::PowerFunc) {
          const double h0 = sp * sp * L.curve.h0;
          double nexp = L.curve.n;
          if (std::abs(nexp - 1.0) < 1e-6) nexp = 1.0;
          const double r = L.curve.r * std::pow(sp, 2.0 - nexp);
          if (nexp != 1.0) {
            double hg = nexp * r * std::pow(q, nexp - 1.0);
            if (hg < kRQtol) {
              hg = kRQtol;
              hl = -h0 + hg * Q;
            } else {
              hl = -h0 + hg * Q / nexp;
            }
            dh = hg;
          } else {
            hl = -h0 + r * Q;
            dh = r;
          }
        } else if (L.pump_type == PumpType::Custom) {
          const auto& pts = net.curves[L.head_curve].points;
          const double x = q / sp;
          std::size_t k2 = 0;
          while (k2 < pts.size() && pts[k2].first < x) ++k2;
          if (k2 == 0) k2 = 1;
          else if (k2 == pts.size()) --k2;
          const std::size_t k1 = k2 - 1;
          const double slope = (pts[k2].second - pts[k1].second) / (pts[k2].first - pts[k1].first);
          const double h0 = pts[k1].second - slope * pts[k1].first;
          hl = -h0 * sp * sp - slope * sp * Q;
          dh = -slope * sp;
        } else {  // constant power: gain = Kp s^3 / Q (EPANET: 8.814 hp / cfs ft)
          const double Kp = kFt * 8.814 * (L.power / 745.7) * kFt3 * sp * sp * sp;
          const double qq = std::max(Q, 1e-6 * kFt3);
          const double hg = Kp / (qq * qq);
          if (hg > kCBig) {
            hl = kCBig * Q;
            dh = kCBig;
          } else if (hg < kCSmall) {
            hl = kCSmall * Q;
            dh = kCSmall;
          } else {
            hl = -Kp / qq;
            dh = hg;
          }
        }
        return true;
      }
      case LinkKind::PRV:
      case LinkKind::PSV:
      case LinkKind::FCV:
        if (st->has_setting[k] && s == LinkState::Active) return false;
        valve_open(Q, km[k], hl, dh);
        return true;
      case LinkKind::PBV:
        if (st->has_setting[k] && st->setting[k] != 0.0 && !(km[k] * Q * Q > st->setting[k])) return false;
        valve_open(Q, km[k], hl, dh);
        return true;
      case LinkKind::TCV: {
        double kmv = km[k];
        if (st->has_setting[k]) {
          const double d = L.diameter;
          kmv = opt.friction == FrictionMode::Epanet
                    ? kMinorEpanet * st->setting[k] / std::pow(d / kFt, 4) * kFt / (kFt3 * kFt3)
                    : 8.0 * st->setting[k] / (g * M_PI * M_PI * std::pow(d, 4));
        }
        valve_open(Q, kmv, hl, dh);
        return true;
      }
      case LinkKind::GPV: {
        const auto& pts = net.curves[static_cast<int>(std::lround(st->setting[k]))].points;
        const double x = std::max(q, 1e-12);
        std::size_t k2 = 0;
        while (k2 < pts.size() && pts[k2].first < x) ++k2;
        if (k2 == 0) k2 = 1;
        else if (k2 == pts.size()) --k2;
        const std::size_t k1 = k2 - 1;
        const double r = std::max((pts[k2].second - pts[k1].second) / (pts[k2].first - pts[k1].first), 1e-12);
        const double h0 = pts[k1].second - r * pts[k1].first;
        hl = (h0 + r * x) * (Q < 0 ? -1.0 : 1.0);
        dh = r;
        return true;
      }
    }
    return true;
  }

  void residual(const double* x, double* f) {
    ++nfev;
    const double* Q = x + nj;
    // Keep the head losses and slopes: KINSOL asks for the Jacobian at the last accepted iterate,
    // which is the last point evaluated here.
    if (hl_cache.size() != static_cast<std::size_t>(nl)) {
      hl_cache.assign(nl, 0.0);
      dh_cache.assign(nl, 0.0);
      law_cache.assign(nl, 0);
      key_q.assign(nl, 0);
      key_set.assign(nl, 0);
      key_status.assign(nl, LinkState::Open);
      key_has.assign(nl, 0);
      key_valid.assign(nl, 0);
    }
    x_cache.assign(x, x + n);
    const LinkState* status = st->status.data();
    const double* setting = st->setting.data();
    for (int k = 0; k < nl; ++k) {
      // A link's head loss depends only on its flow, status and setting: when these are bitwise
      // those of the last evaluation (e.g. the first evaluation of a time step starts from the
      // previous step's solution), reuse the stored law, head loss and slope.
      const std::uint64_t qb = std::bit_cast<std::uint64_t>(Q[k]);
      const std::uint64_t sb = std::bit_cast<std::uint64_t>(setting[k]);
      const char has = st->has_setting[k] ? 1 : 0;
      bool law;
      double hl;
      if (key_valid[k] && key_q[k] == qb && key_set[k] == sb && key_status[k] == status[k] && key_has[k] == has) {
        law = law_cache[k];
        hl = hl_cache[k];
      } else {
        double dh = 0;
        hl = 0;
        law = head_loss(k, Q[k], hl, dh);
        hl_cache[k] = hl;
        dh_cache[k] = dh;
        law_cache[k] = law;
        key_q[k] = qb;
        key_set[k] = sb;
        key_status[k] = status[k];
        key_has[k] = has;
        key_valid[k] = 1;
      }
      const int from = lfrom[k], to = lto[k];
      if (law) {
        f[k] = H(x, from) - H(x, to) - hl;
      } else {
        const double set = setting[k];
        switch (net.links[k].kind) {
          case LinkKind::PRV: f[k] = H(x, to) - (net.nodes[to].elevation + set); break;
          case LinkKind::PSV: f[k] = H(x, from) - (net.nodes[from].elevation + set); break;
          // EPANET fcvcoeff(): the set flow plus a CBIG-resistance link keeps the heads coupled.
          case LinkKind::FCV: f[k] = H(x, from) - H(x, to) - kCBig * (Q[k] - set); break;
          case LinkKind::PBV: f[k] = H(x, from) - H(x, to) - set; break;
          default: f[k] = 0.0;
        }
      }
    }
    for (int j = 0; j < nj; ++j) {
      double s = -st->demand[junction_nodes[j]];
      for (auto [k, sg] : node_links[j]) s += sg * Q[k];
      f[nl + j] = s;
    }
    // Record the scaled max-norm for the iteration history.
    double m = 0.0;
    for (int k = 0; k < nl; ++k) m = std::max(m, std::abs(f[k]) / hscale);
    for (int j = 0; j < nj; ++j) m = std::max(m, std::abs(f[nl + j]) / qscale);
    history.push_back(m);
  }

  void jacobian(const double* x, SUNMatrix Jm) {
    jac_status = st->status;
    jac_setting = st->setting;
    jac_has = st->has_setting;
    jac_valid = true;
    double* a = SUNSparseMatrix_Data(Jm);  // pattern set once; values zeroed by KINSOL (ops->zero)
    const double* Q = x + nj;
    const bool cached = x_cache.size() == static_cast<std::size_t>(n) && std::memcmp(x, x_cache.data(), n * sizeof(double)) == 0;
    for (int k = 0; k < nl; ++k) {
      const auto& L = net.links[k];
      double hl = 0, dh = 0;
      bool law;
      if (cached) {
        law = law_cache[k];
        dh = dh_cache[k];
      } else {
        law = head_loss(k, Q[k], hl, dh);
      }
      if (law) {
        if (pos_hf[k] >= 0) a[pos_hf[k]] = 1.0;
        if (pos_ht[k] >= 0) a[pos_ht[k]] = -1.0;
        a[pos_q[k]] = -dh;
      } else {
        switch (L.kind) {
          case LinkKind::PRV: if (pos_ht[k] >= 0) a[pos_ht[k]] = 1.0; break;
          case LinkKind::PSV: if (pos_hf[k] >= 0) a[pos_hf[k]] = 1.0; break;
          case LinkKind::FCV:
            if (pos_hf[k] >= 0) a[pos_hf[k]] = 1.0;
            if (pos_ht[k] >= 0) a[pos_ht[k]] = -1.0;
            a[pos_q[k]] = -kCBig;
            break;
          case LinkKind::PBV:
            if (pos_hf[k] >= 0) a[pos_hf[k]] = 1.0;
            if (pos_ht[k] >= 0) a[pos_ht[k]] = -1.0;
            break;
          default: break;
        }
      }
    }
    for (int j = 0; j < nj; ++j) {
      int p = node_row_start[j];
      for (auto [k, sg] : node_links[j]) a[p++] = sg;
    }
  }

  // ------------------------------------------------------------------ status logic (EPANET)
  LinkState cvstatus(LinkState s, double dh, double q) const {
    if (std::abs(dh) > kHtol) {
      if (dh < -kHtol) return LinkState::Closed;
      if (q < -kQtol) return LinkState::Closed;
      return LinkState::Open;
    }
    if (q < -kQtol) return LinkState::Closed;
    return s;
  }

  bool valvestatus(HydState& s) const {
    bool change = false;
    for (int k = 0; k < nl; ++k) {
      const auto& L = net.links[k];
      if (!s.has_setting[k]) continue;
      if (L.kind != LinkKind::PRV && L.kind != LinkKind::PSV) continue;
      const LinkState old = s.status[k];
      const double h1 = s.head[L.from], h2 = s.head[L.to], q = s.flow[k];
      const double hml = km[k] * q * q;
      LinkState st2 = old;
      if (L.kind == LinkKind::PRV) {
        const double hset = net.nodes[L.to].elevation + s.setting[k];
        switch (old) {
          case LinkState::Active:
            if (q < -kQtol) st2 = LinkState::Closed;
            else if (h1 - hml < hset - kHtol) st2 = LinkState::Open;
            break;
          case LinkState::Open:
            if (q < -kQtol) st2 = LinkState::Closed;
            else if (h2 >= hset + kHtol) st2 = LinkState::Active;
            break;
          case LinkState::Closed:
            if (h1 >= hset + kHtol && h2 < hset - kHtol) st2 = LinkState::Active;
            else if (h1 < hset - kHtol && h1 > h2 + kHtol) st2 = LinkState::Open;
            break;
          case LinkState::XPressure:
            if (q < -kQtol) st2 = LinkState::Closed;
            break;
          default: break;
        }
      } else {
        const double hset = net.nodes[L.from].elevation + s.setting[k];
        switch (old) {
          case LinkState::Active:
            if (q < -kQtol) st2 = LinkState::Closed;
            else if (h2 + hml > hset + kHtol) st2 = LinkState::Open;
            break;
          case LinkState::Open:
            if (q < -kQtol) st2 = LinkState::Closed;
            else if (h1 < hset - kHtol) st2 = LinkState::Active;
            break;
          case LinkState::Closed:
            if (h2 > hset + kHtol && h1 > h2 + kHtol) st2 = LinkState::Open;
            else if (h1 >= hset + kHtol && h1 > h2 + kHtol) st2 = LinkState::Active;
            break;
          case LinkState::XPressure:
            if (q < -kQtol) st2 = LinkState::Closed;
            break;
          default: break;
        }
      }
      // An active PRV/PSV whose controlled node has a fixed head cannot hold its set point
      // (EPANET badvalve()): keep it open.
      if (st2 == LinkState::Active && jpos[L.kind == LinkKind::PRV ? L.to : L.from] < 0) st2 = LinkState::XPressure;
      if (st2 != old) {
        s.status[k] = st2;
        change = true;
      }
    }
    return change;
  }

  void tanklinkstatus(HydState& s, int k) const {
    const auto& L = net.links[k];
    if (is_closed(s.status[k])) return;
    int n1 = L.from, n2 = L.to;
    double q = s.flow[k];
    if (net.nodes[n1].kind != NodeKind::Tank) {
      if (net.nodes[n2].kind != NodeKind::Tank) return;
      std::swap(n1, n2);
      q = -q;
    }
    if (net.nodes[n2].kind == NodeKind::Tank) return;  // tank-to-tank links: not modelled specially
    const auto& T = net.nodes[n1];
    const double hmax = T.elevation + T.max_level, hmin = T.elevation + T.min_level;
    const double h = s.head[n1] - s.head[n2];
    if (s.head[n1] >= hmax - kHtol && !T.can_overflow) {
      if (L.kind == LinkKind::Pump) {
        if (L.to == n1) s.status[k] = LinkState::TempClosed;
      } else if (cvstatus(LinkState::Open, h, q) == LinkState::Closed) {
        s.status[k] = LinkState::TempClosed;
      }
    }
    if (s.head[n1] <= hmin + kHtol) {
      if (L.kind == LinkKind::Pump) {
        if (L.from == n1) s.status[k] = LinkState::TempClosed;
      } else if (cvstatus(LinkState::Closed, h, q) == LinkState::Open) {
        s.status[k] = LinkState::TempClosed;
      }
    }
  }

  bool linkstatus(HydState& s) const {
    bool change = false;
    for (int k = 0; k < nl; ++k) {
      const auto& L = net.links[k];
      const double dh = s.head[L.from] - s.head[L.to];
      const LinkState old = s.status[k];
      if (old == LinkState::XHead || old == LinkState::TempClosed) s.status[k] = LinkState::Open;
      if (L.kind == LinkKind::CVPipe) s.status[k] = cvstatus(s.status[k], dh, s.flow[k]);
      if (L.kind == LinkKind::Pump && s.status[k] >= LinkState::Open && s.setting[k] > 0.0) {
        const double hmax = L.pump_type == PumpType::ConstPower ? 1e300 : s.setting[k] * s.setting[k] * L.shutoff_head;
        if (-dh > hmax + kHtol) s.status[k] = LinkState::XHead;
      }
      if (L.kind == LinkKind::FCV && s.has_setting[k]) {
        LinkState st2 = old;
        if (s.head[L.from] - s.head[L.to] < -kHtol) st2 = LinkState::XFcv;
        else if (s.flow[k] < -kQtol) st2 = LinkState::XFcv;
        else if (old == LinkState::XFcv && s.flow[k] >= s.setting[k]) st2 = LinkState::Active;
        s.status[k] = st2;
      }
      if (net.nodes[L.from].kind == NodeKind::Tank || net.nodes[L.to].kind == NodeKind::Tank) tanklinkstatus(s, k);
      if (s.status[k] != old) change = true;
    }
    return change;
  }

  // Controls on junction pressures, applied after a converged solution (EPANET pswitch()).
  bool pswitch(HydState& s) const {
    bool any = false;
    for (const auto& c : net.controls) {
      if (c.node < 0 || net.nodes[c.node].kind != NodeKind::Junction) continue;
      bool reset = false;
      if (c.kind == ControlKind::LevelBelow && s.head[c.node] <= c.grade + kHtol) reset = true;
      if (c.kind == ControlKind::LevelAbove && s.head[c.node] >= c.grade - kHtol) reset = true;
      if (!reset) continue;
      const int k = c.link;
      const auto& L = net.links[k];
      bool change = false;
      const LinkState want = c.status == LinkStatus::Closed ? LinkState::Closed
                             : c.status == LinkStatus::Active ? LinkState::Active : LinkState::Open;
      if (L.kind == LinkKind::Pipe || L.kind == LinkKind::CVPipe) change = s.status[k] != want;
      else if (L.kind == LinkKind::Pump) change = s.setting[k] != c.setting;
      else change = s.setting[k] != c.setting || s.has_setting[k] != c.has_setting || (!c.has_setting && s.status[k] != want);
      if (change) {
        s.status[k] = want;
        if (L.kind != LinkKind::Pipe && L.kind != LinkKind::CVPipe) {
          s.setting[k] = c.setting;
          s.has_setting[k] = c.has_setting;
        }
        any = true;
      }
    }
    return any;
  }

  // Open the active PRV/PSV/FCV next to the equation (row of the CSR Jacobian = column of KLU's
  // transposed matrix) where the factorisation found a zero pivot. Returns false if none.
  bool bad_valve(HydState& s, int row) const {
    std::vector<int> nodes;
    if (row >= 0 && row < nl) {
      if (demote(s, row)) return true;
      nodes = {net.links[row].from, net.links[row].to};
    } else if (row >= nl && row < n) {
      nodes = {junction_nodes[row - nl]};
    }
    for (int nd : nodes)
      for (int k = 0; k < nl; ++k)
        if ((net.links[k].from == nd || net.links[k].to == nd) && demote(s, k)) return true;
    for (int k = 0; k < nl; ++k)  // not located: open the first active valve
      if (demote(s, k)) return true;
    return false;
  }
  bool demote(HydState& s, int k) const {
    const auto kind = net.links[k].kind;
    if (s.status[k] != LinkState::Active) return false;
    if (kind == LinkKind::FCV) s.status[k] = LinkState::XFcv;
    else if (kind == LinkKind::PRV || kind == LinkKind::PSV) s.status[k] = LinkState::XPressure;
    else return false;
    return true;
  }

  // A converged solution that pushes flow through a closed link with an absurd head difference
  // (EPANET returns such "solutions", e.g. heads of -1e6 ft) means the demands cannot be supplied.
  void check_feasible(const HydState& s, double t) const {
    constexpr double kAbsurd = 1e5;  // [m] of head
    for (int k = 0; k < nl; ++k) {
      const auto& L = net.links[k];
      const double dh = s.head[L.from] - s.head[L.to];
      if (std::abs(dh) > kAbsurd) {
        std::ostringstream os;
        os << "network '" << net.source << "' at t = " << t << " s is infeasible: the demands cannot be supplied "
           << "with the links open; link '" << L.id << "' (" << L.loc.str() << ", " << to_string(s.status[k])
           << ") would need a head difference of " << dh << " m to carry " << s.flow[k] << " m3/s";
        throw SolverError(os.str());
      }
    }
  }

  // ------------------------------------------------------------------ solve
  std::string describe_worst(const double* f) const {
    double worst = -1;
    int wi = 0;
    for (int i = 0; i < n; ++i) {
      const double v = std::abs(f[i]) / (i < nl ? hscale : qscale);
      if (v > worst) worst = v, wi = i;
    }
    std::ostringstream os;
    if (wi < nl) {
      const auto& L = net.links[wi];
      os << "link '" << L.id << "' (" << L.loc.str() << ", status " << to_string(st->status[wi])
         << "): head balance residual " << f[wi] << " m";
    } else {
      const auto& N = net.nodes[junction_nodes[wi - nl]];
      os << "junction '" << N.id << "' (" << N.loc.str() << "): mass balance residual " << f[wi] << " m3/s";
    }
    return os.str();
  }

  /// One KINSol call with `strategy` (KIN_LINESEARCH, KIN_NONE), starting from the last factorisation if
  /// `reuse`; adds its Newton iterations to stats. A fatal exception thrown by a callback is rethrown here
  /// (its own type and message); a recoverable one is left in `trap` for the failure message.
  int kinsol(int strategy, bool reuse, SolveStats& stats) {
    check_kinsol(KINSetNoInitSetup(kin.get(), reuse ? SUNTRUE : SUNFALSE), "KINSetNoInitSetup");
    check_kinsol(KINSetMaxSetupCalls(kin.get(), reuse ? 2 : 1), "KINSetMaxSetupCalls");
    trap.clear();
    const int flag = KINSol(kin.get(), u.get(), strategy, uscale.get(), fscale.get());
    long nni = 0;
    check_kinsol(KINGetNumNonlinSolvIters(kin.get(), &nni), "KINGetNumNonlinSolvIters");
    stats.newton_iterations += static_cast<int>(nni);
    if (trap.fatal()) trap.rethrow_if_caught();  // whatever the flag (see CallbackTrap::fatal)
    return flag;
  }

  SolveStats solve(HydState& s, double t) {
    st = &s;
    SolveStats stats;
    double* x = N_VGetArrayPointer(u.get());
    bool fresh_retry = false;
    for (int pass = 0; pass < opt.max_status_passes; ++pass) {
      for (int j = 0; j < nj; ++j) x[j] = s.head[junction_nodes[j]];
      for (int k = 0; k < nl; ++k) x[nj + k] = s.flow[k];
      // Active PRV/PSV controlling a fixed-head node cannot be active.
      for (int k = 0; k < nl; ++k) {
        const auto& L = net.links[k];
        if (s.status[k] == LinkState::Active && ((L.kind == LinkKind::PRV && jpos[L.to] < 0) || (L.kind == LinkKind::PSV && jpos[L.from] < 0)))
          s.status[k] = LinkState::XPressure;
      }
      history.clear();
      kin_message.clear();
      // Same statuses and settings as at the last Jacobian: start Newton with that factorisation
      // (KINSOL refreshes it at the next iteration, and at once if the line search fails with it).
      const bool reuse = jac_valid && jac_status == s.status && jac_has == s.has_setting &&
                         std::equal(jac_setting.begin(), jac_setting.end(), s.setting.begin(), s.setting.end(),
                                    [](double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); });
      int flag = kinsol(KIN_LINESEARCH, reuse, stats);
      if (flag == KIN_LSETUP_FAIL || flag == KIN_LSOLVE_FAIL || flag == KIN_LINSOLV_NO_RECOVERY) {
        // Singular Jacobian. First retry with a fresh factorisation (pivoting); if it is singular,
        // an active control valve cannot hold its set point (EPANET badvalve()): open it.
        check_sunls(SUNLinSol_KLUReInit(LS.get(), J.get(), static_cast<sunindextype>(colind.size()), SUNKLU_REINIT_PARTIAL),
                    "SUNLinSol_KLUReInit");
        jac_valid = false;
        if (!fresh_retry) {
          fresh_retry = true;
          --pass;
          continue;
        }
        const int row = static_cast<int>(internals::klu_singular_column(LS.get()));
        if (bad_valve(s, row)) {
          fresh_retry = false;
          continue;
        }
      } else if (flag < 0) {
        // Line search stalled (non-smooth laws near zero flow): finish with plain Newton steps
        // from the last iterate, as EPANET's gradient method does.
        flag = kinsol(KIN_NONE, false, stats);
      }
      fresh_retry = false;
      stats.status_passes = pass + 1;
      for (int j = 0; j < nj; ++j) s.head[junction_nodes[j]] = x[j];
      for (int k = 0; k < nl; ++k) s.flow[k] = x[nj + k];
      bool ok = flag == KIN_SUCCESS || flag == KIN_INITIAL_GUESS_OK;
      fwork.resize(n);
      double* f = fwork.data();
      if (!ok) {
        // Not certified by KINSOL's residual test: check the residual ourselves.
        residual(x, f);
        history.pop_back();
        double fn = 0;
        for (int i = 0; i < n; ++i) fn = std::max(fn, std::abs(f[i]) / (i < nl ? hscale : qscale));
        stats.residual = fn;
        ok = flag >= 0 && fn <= std::max(opt.ftol * 1e3, 1e-6);
      } else {
        stats.residual = history.empty() ? 0.0 : history.back();
      }
      if (!ok) {
        std::ostringstream os;
        os << "network '" << net.source << "' at t = " << t << " s: Newton (KINSOL) did not converge (" << kinsol_flag_name(flag);
        if (!kin_message.empty()) os << ": " << kin_message;
        if (trap.caught()) os << "; " << trap.message();
        os << "); largest residual at " << describe_worst(f) << "; residual history (scaled max-norm per evaluation):";
        const std::size_t from = history.size() > 12 ? history.size() - 12 : 0;
        if (from > 0) os << " ...";
        for (std::size_t i = from; i < history.size(); ++i) os << " " << history[i];
        throw SolverError(os.str());
      }
      bool change = valvestatus(s);
      change = linkstatus(s) || change;
      change = pswitch(s) || change;
      if (!change) {
        enforce_continuity(s);
        stats.continuity = continuity(s);
        tank_inflows(s);
        check_feasible(s, t);
        return stats;
      }
    }
    std::ostringstream os;
    os << "network '" << net.source << "' at t = " << t << " s: link statuses keep changing after "
       << opt.max_status_passes << " status passes (check valves, pumps or control valves cycling):";
    int shown = 0;
    for (int k = 0; k < nl && shown < 8; ++k) {
      const auto& L = net.links[k];
      if (L.kind != LinkKind::Pipe) {
        os << " " << L.id << "=" << to_string(s.status[k]);
        ++shown;
      }
    }
    throw SolverError(os.str());
  }

  /// Largest junction imbalance |sum of link flows - demand|, relative to the largest term at that
  /// junction (closed links count as 0, as they are reported).
  double continuity(const HydState& s) const {
    double worst = 0.0;
    for (int j = 0; j < nj; ++j) {
      double r = -s.demand[junction_nodes[j]], scale = std::abs(r);
      for (auto [k, sg] : node_links[j]) {
        const double q = is_closed(s.status[k]) ? 0.0 : s.flow[k];
        r += sg * q;
        scale = std::max(scale, std::abs(q));
      }
      if (scale > 0) worst = std::max(worst, std::abs(r) / scale);
    }
    return worst;
  }

  /// Node continuity is linear, so it can hold to round-off whatever the head-loss tolerance: Newton
  /// leaves an imbalance of the order of its tolerance, which is removed here by correcting flows along
  /// a spanning forest rooted at the fixed-head nodes (open links whose flow is not a set point: not
  /// closed links, not active FCVs). Each junction's imbalance is pushed to its parent link, leaves
  /// first, so every junction balances exactly; the correction is of the size of the Newton residual
  /// (heads change by far less than the solver tolerance). Closed links carry exactly 0.
  void enforce_continuity(HydState& s) const {
    for (int k = 0; k < nl; ++k)
      if (is_closed(s.status[k])) s.flow[k] = 0.0;
    auto adjustable = [&](int k) {
      if (is_closed(s.status[k])) return false;
      return !(net.links[k].kind == LinkKind::FCV && s.status[k] == LinkState::Active);
    };
    std::vector<int> parent_link(nj, -1), order;
    std::vector<char> seen(nj, 0);
    order.reserve(nj);
    // Breadth-first from every fixed-head node.
    std::vector<int> queue;
    for (int k = 0; k < nl; ++k) {
      if (!adjustable(k)) continue;
      const auto& L = net.links[k];
      const int a = jpos[L.from], b = jpos[L.to];
      if (a < 0 && b >= 0 && !seen[b]) seen[b] = 1, parent_link[b] = k, queue.push_back(b);
      if (b < 0 && a >= 0 && !seen[a]) seen[a] = 1, parent_link[a] = k, queue.push_back(a);
    }
    for (std::size_t qi = 0; qi < queue.size(); ++qi) {
      const int j = queue[qi];
      order.push_back(j);
      for (auto [k, sg] : node_links[j]) {
        if (!adjustable(k)) continue;
        const auto& L = net.links[k];
        const int other = sg < 0 ? jpos[L.to] : jpos[L.from];
        if (other >= 0 && !seen[other]) seen[other] = 1, parent_link[other] = k, queue.push_back(other);
      }
    }
    std::vector<double> r(nj, 0.0);
    for (int j = 0; j < nj; ++j) {
      double v = -s.demand[junction_nodes[j]];
      for (auto [k, sg] : node_links[j]) v += sg * s.flow[k];
      r[j] = v;
    }
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      const int j = *it, k = parent_link[j];
      const auto& L = net.links[k];
      const int sg = jpos[L.to] == j ? +1 : -1;  // sign of link k in junction j's balance
      s.flow[k] -= sg * r[j];
      const int other = sg > 0 ? jpos[L.from] : jpos[L.to];
      if (other >= 0) r[other] += r[j];  // the other end sees the change with the opposite sign
      r[j] = 0.0;
    }
  }

  void tank_inflows(HydState& s) const {
    for (int i = 0; i < nn; ++i)
      if (net.nodes[i].kind != NodeKind::Junction) s.demand[i] = 0.0;
    for (int k = 0; k < nl; ++k) {
      if (is_closed(s.status[k])) continue;
      const auto& L = net.links[k];
      if (jpos[L.from] < 0) s.demand[L.from] -= s.flow[k];
      if (jpos[L.to] < 0) s.demand[L.to] += s.flow[k];
    }
  }

  HydState initial_state() const {
    HydState s;
    s.head.assign(nn, 0.0);
    s.flow.assign(nl, 0.0);
    s.demand.assign(nn, 0.0);
    s.setting.assign(nl, 0.0);
    s.has_setting.assign(nl, false);
    s.status.assign(nl, LinkState::Open);
    double hsum = 0.0;
    int hcount = 0;
    for (int i = 0; i < nn; ++i) {
      const auto& N = net.nodes[i];
      if (N.kind == NodeKind::Reservoir) s.head[i] = N.elevation;
      if (N.kind == NodeKind::Tank) s.head[i] = N.elevation + N.init_level;
      if (N.kind != NodeKind::Junction) hsum += s.head[i], ++hcount;
    }
    for (int i = 0; i < nn; ++i)
      if (net.nodes[i].kind == NodeKind::Junction) s.head[i] = hcount ? hsum / hcount : net.nodes[i].elevation;
    for (int k = 0; k < nl; ++k) {
      const auto& L = net.links[k];
      s.setting[k] = L.setting;
      s.has_setting[k] = L.has_setting;
      s.status[k] = L.status == LinkStatus::Closed ? LinkState::Closed
                    : L.status == LinkStatus::Active ? LinkState::Active : LinkState::Open;
      if ((L.kind == LinkKind::PRV || L.kind == LinkKind::PSV || L.kind == LinkKind::FCV) && L.has_setting)
        s.status[k] = LinkState::Active;
      if (L.kind == LinkKind::Pump && L.setting == 0.0) s.status[k] = LinkState::Closed;
      if (is_closed(s.status[k])) s.flow[k] = 1e-6 * kFt3;
      else if (L.kind == LinkKind::Pump) s.flow[k] = L.setting * L.design_flow;
      else s.flow[k] = 0.25 * M_PI * L.diameter * L.diameter * kFt;  // 1 ft/s
    }
    return s;
  }
};

NetworkSolver::NetworkSolver(const Network& net, SolverOptions opt) : impl_(std::make_unique<Impl>(net, opt)) {}
NetworkSolver::~NetworkSolver() = default;
NetworkSolver::NetworkSolver(NetworkSolver&&) noexcept = default;
NetworkSolver& NetworkSolver::operator=(NetworkSolver&&) noexcept = default;
HydState NetworkSolver::initial_state() const { return impl_->initial_state(); }
SolveStats NetworkSolver::solve(HydState& s, double t) { return impl_->solve(s, t); }
const Network& NetworkSolver::network() const { return impl_->net; }
std::vector<double> NetworkSolver::law_flow_errors(const HydState& s) const {
  auto& im = *impl_;
  std::vector<double> e(im.nl, 0.0);
  HydState copy = s;
  im.st = &copy;
  for (int k = 0; k < im.nl; ++k) {
    if (is_closed(s.status[k])) continue;
    double hl = 0, dh = 0;
    if (!im.head_loss(k, s.flow[k], hl, dh) || !(dh > 0)) continue;
    const auto& L = im.net.links[k];
    e[k] = (s.head[L.from] - s.head[L.to] - hl) / dh;
  }
  im.st = nullptr;
  return e;
}

}  // namespace caspflow::solvers::hydraulics
