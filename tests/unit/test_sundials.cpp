// The SUNDIALS seam (solvers/sundials.hpp): exceptions thrown in callbacks reach the caller with their own
// type and message, recoverable ones let the solver retry, and failed return flags are reported by name.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <type_traits>

#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include "caspflow/model/errors.hpp"
#include "caspflow/solvers/sundials.hpp"

using namespace caspflow;
using namespace caspflow::solvers;

namespace {

/// y' = -y, y(0) = 1 on CVODE (Adams, fixed point), as solvers/dynamics.cpp sets it up. `body` runs in the
/// rhs after the derivative is computed, with the call count and t.
struct Decay {
  int calls = 0;
  std::string cvode_message;
  CallbackTrap trap;
  std::function<void(int, double, double*)> body;

  SunContext ctx = SunContext::create();
  SunVector y{check_created(N_VNew_Serial(1, ctx.get()), "N_VNew_Serial")};
  CvodeMem mem{check_created(CVodeCreate(CV_ADAMS, ctx.get()), "CVodeCreate")};
  SunNonlinSol nls{check_created(SUNNonlinSol_FixedPoint(y.get(), 0, ctx.get()), "SUNNonlinSol_FixedPoint")};

  static int rhs(sunrealtype t, N_Vector yv, N_Vector yd, void* ud) {
    auto* self = static_cast<Decay*>(ud);
    const int r = self->trap.run([&] {
      double* d = N_VGetArrayPointer(yd);
      d[0] = -N_VGetArrayPointer(yv)[0];
      ++self->calls;
      if (self->body) self->body(self->calls, t, d);
      require_finite(d, 1, "the right-hand side");
    });
    return r;
  }

  Decay() {
    N_VGetArrayPointer(y.get())[0] = 1.0;
    check_cvode(CVodeSetErrHandlerFn(mem.get(), keep_error_message, &cvode_message), "CVodeSetErrHandlerFn");
    check_cvode(CVodeInit(mem.get(), rhs, 0.0, y.get()), "CVodeInit");
    check_cvode(CVodeSetUserData(mem.get(), this), "CVodeSetUserData");
    check_cvode(CVodeSStolerances(mem.get(), 1e-8, 1e-12), "CVodeSStolerances");
    check_cvode(CVodeSetNonlinearSolver(mem.get(), nls.get()), "CVodeSetNonlinearSolver");
  }

  /// Integrate to t = 1 the way simulate() does: clear the trap, call CVode, hand a failure (a negative flag
/// or a fatal exception CVODE carried on past) to cvode_failed.
  double run() {
    double t = 0;
    trap.clear();
    const int flag = CVode(mem.get(), 1.0, y.get(), &t, CV_NORMAL);
    if (flag < 0 || trap.fatal()) cvode_failed(flag, "CVode", "at t = " + std::to_string(t), trap, cvode_message);
    return N_VGetArrayPointer(y.get())[0];
  }
};

/// F(u) = u^2 - 4 on KINSOL (full Newton, KLU on a 1x1 CSR matrix), as the network solver sets it up. F is
/// undefined above u = 3 (a recoverable failure there); `jac_throws` makes the Jacobian throw an InputError.
struct Square {
  CallbackTrap trap;
  std::string kin_message;
  bool jac_throws = false;
  int outside = 0;

  SunContext ctx = SunContext::create();
  SunVector u{check_created(N_VNew_Serial(1, ctx.get()), "N_VNew_Serial")};
  SunVector scale{check_created(N_VNew_Serial(1, ctx.get()), "N_VNew_Serial")};
  SunMatrix J{check_created(SUNSparseMatrix(1, 1, 1, CSR_MAT, ctx.get()), "SUNSparseMatrix")};
  SunLinSol LS{check_created(SUNLinSol_KLU(u.get(), J.get(), ctx.get()), "SUNLinSol_KLU")};
  KinsolMem kin{check_created(KINCreate(ctx.get()), "KINCreate")};

  static int f(N_Vector uu, N_Vector ff, void* ud) {
    auto* self = static_cast<Square*>(ud);
    return self->trap.run([&] {
      const double x = N_VGetArrayPointer(uu)[0];
      if (x > 3) {
        ++self->outside;
        throw RecoverableError("u = " + std::to_string(x) + " is outside [0, 3]");
      }
      N_VGetArrayPointer(ff)[0] = x * x - 4;
    });
  }
  static int jac(N_Vector uu, N_Vector, SUNMatrix Jm, void* ud, N_Vector, N_Vector) {
    auto* self = static_cast<Square*>(ud);
    return self->trap.run([&] {
      if (self->jac_throws) throw InputError(SourceLoc{"net.inp", 12, 0}, "", "pump curve has no points");
      SUNSparseMatrix_IndexPointers(Jm)[0] = 0;
      SUNSparseMatrix_IndexPointers(Jm)[1] = 1;
      SUNSparseMatrix_IndexValues(Jm)[0] = 0;
      SUNSparseMatrix_Data(Jm)[0] = 2 * N_VGetArrayPointer(uu)[0];
    });
  }

  Square() {
    N_VConst(1.0, scale.get());
    check_kinsol(KINSetErrHandlerFn(kin.get(), keep_error_message, &kin_message), "KINSetErrHandlerFn");
    check_kinsol(KINInit(kin.get(), f, u.get()), "KINInit");
    check_kinsol(KINSetUserData(kin.get(), this), "KINSetUserData");
    check_kinsol(KINSetLinearSolver(kin.get(), LS.get(), J.get()), "KINSetLinearSolver");
    check_kinsol(KINSetJacFn(kin.get(), jac), "KINSetJacFn");
    check_kinsol(KINSetPrintLevel(kin.get(), 0), "KINSetPrintLevel");
  }
  /// Solve from u0 the way NetworkSolver::Impl::kinsol does: a fatal callback exception is rethrown.
  double solve(double u0) {
    N_VGetArrayPointer(u.get())[0] = u0;
    trap.clear();
    const int flag = KINSol(kin.get(), u.get(), KIN_NONE, scale.get(), scale.get());
    if (trap.fatal()) trap.rethrow_if_caught();
    check_kinsol(flag, "KINSol", kin_message);
    return N_VGetArrayPointer(u.get())[0];
  }
};

}  // namespace

TEST_CASE("SUNDIALS seam: CallbackTrap::run returns 0, +1 (recoverable) or -1 (fatal) and keeps the message") {
  CallbackTrap trap;
  CHECK(trap.run([] {}) == 0);
  CHECK_FALSE(trap.caught());
  CHECK(trap.run([] { throw RecoverableError("step too long"); }) == 1);
  CHECK(trap.recoverable());
  CHECK_FALSE(trap.fatal());
  CHECK(trap.message() == "step too long");
  CHECK(trap.run([] { throw std::runtime_error("bad"); }) == -1);
  CHECK(trap.fatal());
  CHECK_THROWS_WITH_AS(trap.rethrow_if_caught(), "bad", std::runtime_error);
  CHECK(trap.run([] { throw 42; }) == -1);
  CHECK(trap.message() == "unknown exception in a SUNDIALS callback");
  trap.clear();
  CHECK_FALSE(trap.caught());
  CHECK_NOTHROW(trap.rethrow_if_caught());
}

TEST_CASE("SUNDIALS seam: KINSOL shortens a Newton step after a recoverable residual failure") {
  Square p;
  // Newton from 0.5 jumps to 4.25, outside F's range: the residual returns +1 and KINSOL halves the step.
  CHECK(p.solve(0.5) == doctest::Approx(2.0).epsilon(1e-5));
  CHECK(p.outside >= 1);
}

TEST_CASE("SUNDIALS seam: an InputError thrown in the KINSOL Jacobian reaches the caller as itself") {
  Square p;
  p.jac_throws = true;
  CHECK_THROWS_WITH_AS(p.solve(0.5), "net.inp:12: pump curve has no points", InputError);
}

TEST_CASE("SUNDIALS seam: a SolverError thrown in the CVODE rhs reaches the caller with its own message") {
  Decay p;
  p.body = [](int, double t, double*) {
    if (t > 0.5) throw SolverError("boom at t=" + std::to_string(t));
  };
  try {
    p.run();
    FAIL("CVode succeeded although the rhs threw");
  } catch (const SolverError& e) {
    const std::string m = e.what();
    CHECK(m.find("boom at t=0.5") != std::string::npos);
    CHECK(m.find("flag") == std::string::npos);
    CHECK(m.find("-8") == std::string::npos);
  }
  CHECK(p.trap.caught());
  CHECK_FALSE(p.trap.recoverable());
}

TEST_CASE("SUNDIALS seam: the exception keeps its type (an InputError from the model stays an InputError)") {
  Decay p;
  p.body = [](int calls, double, double*) {
    if (calls == 3) throw InputError(SourceLoc{"s.toml", 7, 3}, "legs.x.capacity", "found -1, expected >= 0");
  };
  CHECK_THROWS_WITH_AS(p.run(), "s.toml:7:3: legs.x.capacity: found -1, expected >= 0", InputError);
}

TEST_CASE("SUNDIALS seam: a fatal exception thrown once is not lost when CVODE retries past it") {
  // SUNDIALS 6.4's fixed-point solver turns the rhs's -1 into a recoverable convergence failure: CVODE
  // shrinks the step and succeeds. The caller still stops with the exception (CallbackTrap::fatal).
  Decay p;
  p.body = [](int calls, double, double*) {
    if (calls == 20) throw SolverError("boom once");
  };
  CHECK_THROWS_WITH_AS(p.run(), "boom once", SolverError);
}

TEST_CASE("SUNDIALS seam: a non-finite derivative is recoverable, CVODE retries with a smaller step") {
  Decay p;
  p.body = [](int calls, double, double* d) {
    if (calls == 20) d[0] = std::nan("");  // once, inside a step: the callback returns +1, not -1
  };
  const double y1 = p.run();
  CHECK(p.calls > 20);
  CHECK(y1 == doctest::Approx(std::exp(-1.0)).epsilon(1e-6));
  // The retried failure is kept (for a message, should the solver give up) and marked recoverable.
  CHECK(p.trap.caught());
  CHECK(p.trap.recoverable());
  CHECK(p.trap.message().find("the right-hand side is not finite") != std::string::npos);
}

TEST_CASE("SUNDIALS seam: a recoverable failure the solver cannot get past is reported by flag name and cause") {
  Decay p;
  p.body = [](int calls, double, double* d) {
    if (calls >= 4) d[0] = std::nan("");
  };
  try {
    p.run();
    FAIL("CVode succeeded with a non-finite rhs");
  } catch (const SolverError& e) {
    const std::string m = e.what();
    CHECK(m.find("CVode failed at t = ") != std::string::npos);
    // CVODE 6.4 (fixed point) reports repeated recoverable rhs failures as a corrector convergence failure.
    CHECK(m.find("CV_CONV_FAILURE (CVode: At t = 0 and h = ") != std::string::npos);
    CHECK(m.find("not finite") != std::string::npos);
  }
}

TEST_CASE("SUNDIALS seam: a failed CVODE or KINSOL call is reported by the call's and the flag's names") {
  Decay p;
  CHECK_THROWS_WITH_AS(check_cvode(CVodeSetMaxStep(p.mem.get(), -1.0), "CVodeSetMaxStep", p.cvode_message),
                       doctest::Contains("CVodeSetMaxStep failed: CV_ILL_INPUT (CVodeSetMaxStep: hmax < 0 illegal.)"),
                       SolverError);
  CHECK_THROWS_WITH_AS(check_cvode(CVodeSetMaxNumSteps(nullptr, 10), "CVodeSetMaxNumSteps"),
                       "CVodeSetMaxNumSteps failed: CV_MEM_NULL", SolverError);
  CHECK_NOTHROW(check_cvode(CVodeSetMaxNumSteps(p.mem.get(), 10), "CVodeSetMaxNumSteps"));
  CHECK(cvode_flag_name(CV_CONV_FAILURE) == "CV_CONV_FAILURE");

  SunContext ctx = SunContext::create();
  KinsolMem kin(check_created(KINCreate(ctx.get()), "KINCreate"));
  CHECK_THROWS_WITH_AS(check_kinsol(KINSetFuncNormTol(kin.get(), -1.0), "KINSetFuncNormTol"),
                       "KINSetFuncNormTol failed: KIN_ILL_INPUT", SolverError);
  CHECK(kinsol_flag_name(KIN_LINESEARCH_NONCONV) == "KIN_LINESEARCH_NONCONV");
  CHECK(kinsol_flag_name(KIN_SYSFUNC_FAIL) == "KIN_SYSFUNC_FAIL");  // KINGetReturnFlagName says "NONE" (6.4)
  CHECK(cvode_flag_name(CV_CONSTR_FAIL) == "CV_CONSTR_FAIL");       // idem CVodeGetReturnFlagName
  CHECK(cvode_flag_name(-1000) == "unknown flag -1000");
  CHECK_THROWS_WITH_AS(check_created(static_cast<N_Vector>(nullptr), "N_VNew_Serial"),
                       doctest::Contains("N_VNew_Serial returned NULL"), SolverError);
}

TEST_CASE("SUNDIALS seam: owners are move-only and a moved-from owner is empty") {
  static_assert(!std::is_copy_constructible_v<CvodeMem> && std::is_nothrow_move_constructible_v<CvodeMem>);
  static_assert(!std::is_copy_constructible_v<SunNonlinSol> && std::is_nothrow_move_assignable_v<SunNonlinSol>);
  Decay p;
  CvodeMem m = std::move(p.mem);
  CHECK(m);
  CHECK_FALSE(p.mem);  // NOLINT(bugprone-use-after-move)
}
