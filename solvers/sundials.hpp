#pragma once
// The one SUNDIALS seam of caspflow: RAII owners for every SUNDIALS object the solvers create (context,
// vectors, matrices, linear and nonlinear solvers, CVODE and KINSOL memory), return-flag checks that
// report a failure by name, and the guard that keeps C++ exceptions from crossing SUNDIALS' C callbacks.
// Used by the time integration (solvers/dynamics.cpp, CVODE) and the network solver
// (solvers/hydraulics/network_solver.cpp, KINSOL + KLU). The few places that reach into SUNDIALS
// internals are declared at the end and defined in solvers/sundials_internals.cpp (version-checked).
//
// Owners: copy deleted, move allowed, the destructor tolerates a moved-from (null) handle, get() gives the
// raw handle. Declare them in creation order (context first) so that destruction runs in reverse and the
// context is freed last.
#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include <cvode/cvode.h>
#include <kinsol/kinsol.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>
#include <sundials/sundials_nonlinearsolver.h>

#include "caspflow/model/errors.hpp"

namespace caspflow::solvers {

// ---- RAII owners -------------------------------------------------------------------------------------

/// Generic owner of a SUNDIALS pointer handle with a free function.
template <class T, void (*Free)(T)>
class SunHandle {
 public:
  SunHandle() = default;
  explicit SunHandle(T h) : h_(h) {}
  SunHandle(const SunHandle&) = delete;
  SunHandle& operator=(const SunHandle&) = delete;
  SunHandle(SunHandle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  SunHandle& operator=(SunHandle&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  ~SunHandle() { reset(); }
  void reset() noexcept {
    if (h_) Free(h_);
    h_ = nullptr;
  }
  [[nodiscard]] T get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }

 private:
  T h_ = nullptr;
};

namespace detail {
inline void free_context(SUNContext c) { SUNContext_Free(&c); }
inline void free_vector(N_Vector v) { N_VDestroy(v); }
inline void free_matrix(SUNMatrix m) { SUNMatDestroy(m); }
inline void free_linsol(SUNLinearSolver s) { SUNLinSolFree(s); }
inline void free_nonlinsol(SUNNonlinearSolver s) { SUNNonlinSolFree(s); }
inline void free_cvode(void* mem) { CVodeFree(&mem); }
inline void free_kinsol(void* mem) { KINFree(&mem); }
}  // namespace detail

using SunVector = SunHandle<N_Vector, detail::free_vector>;
using SunMatrix = SunHandle<SUNMatrix, detail::free_matrix>;
using SunLinSol = SunHandle<SUNLinearSolver, detail::free_linsol>;
using SunNonlinSol = SunHandle<SUNNonlinearSolver, detail::free_nonlinsol>;
using CvodeMem = SunHandle<void*, detail::free_cvode>;
using KinsolMem = SunHandle<void*, detail::free_kinsol>;

/// A SUNContext (one per solver instance / thread).
class SunContext : public SunHandle<SUNContext, detail::free_context> {
 public:
  static SunContext create();
  SunContext() = default;

 private:
  explicit SunContext(SUNContext c) : SunHandle(c) {}
};

// ---- Return flags ------------------------------------------------------------------------------------

/// The name of a CVODE / KINSOL return flag ("CV_CONV_FAILURE", "KIN_LINESEARCH_NONCONV"), from
/// CVodeGetReturnFlagName / KINGetReturnFlagName (whose malloc'ed string is freed here).
std::string cvode_flag_name(int flag);
std::string kinsol_flag_name(int flag);

/// Throw SolverError "<call> failed: <FLAG_NAME>" if a CVODE (resp. KINSOL) call returned a negative flag.
/// `detail`, when not empty, is appended in parentheses (the solver's own error message, say).
void check_cvode(int flag, const char* call, const std::string& detail = {});
void check_kinsol(int flag, const char* call, const std::string& detail = {});
/// Throw SolverError "<call> failed <where>: <FLAG_NAME> (<detail>)", e.g. "CVode failed at 2027-03-01:
/// CV_CONV_FAILURE (CVode: At t = ..., the corrector convergence test failed repeatedly ...)".
[[noreturn]] void throw_cvode(int flag, const char* call, std::string_view where, const std::string& detail);
/// Same for a SUNLinearSolver call (SUNLS_* flags: named by number, SUNDIALS 6 has no name function).
void check_sunls(int flag, const char* call);

/// A constructor's result: throw SolverError "<call> returned NULL" if it is null, else return it.
template <class T>
T check_created(T handle, const char* call) {
  if (!handle) throw SolverError(std::string(call) + " returned NULL (out of memory or invalid arguments)");
  return handle;
}

// ---- Callbacks ---------------------------------------------------------------------------------------

/// Thrown by a callback body when the solver may recover by retrying with a smaller step (a value
/// outside the valid range, a non-finite result): the callback returns +1 instead of -1.
class RecoverableError : public SolverError {
 public:
  using SolverError::SolverError;
};

/// Keeps the exception thrown inside a SUNDIALS callback so that it never crosses the C boundary; a
/// member of the callbacks' user-data object. The caller clears it before a SUNDIALS call and, when the
/// call fails, rethrows what the callback threw (rethrow_if_caught), so the user sees the model's own
/// error (InputError, SolverError) rather than a flag number.
class CallbackTrap {
 public:
  /// Run a callback body: 0 if it returns normally; otherwise the exception is kept and the result is
  /// +1 (RecoverableError: SUNDIALS may retry with a smaller step) or -1 (anything else: fatal).
  template <class F>
  int run(F&& body) noexcept {
    try {
      body();
      return 0;
    } catch (const RecoverableError& e) {
      keep(e.what(), true);
      return 1;
    } catch (const std::exception& e) {
      keep(e.what(), false);
      return -1;
    } catch (...) {
      keep("unknown exception in a SUNDIALS callback", false);
      return -1;
    }
  }
  void clear() noexcept {
    ex_ = nullptr;
    message_.clear();
    recoverable_ = false;
  }
  [[nodiscard]] bool caught() const noexcept { return ex_ != nullptr; }
  [[nodiscard]] bool recoverable() const noexcept { return recoverable_; }
  /// A fatal exception was kept. Check this after every solver call, successful or not: SUNDIALS 6.4's
  /// fixed-point nonlinear solver (the one CVODE uses here) turns a callback's -1 into a recoverable
  /// convergence failure, so CVODE may retry and carry on past a fatal error.
  [[nodiscard]] bool fatal() const noexcept { return ex_ != nullptr && !recoverable_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }
  /// Rethrow the kept exception (its own type and message), if any.
  void rethrow_if_caught() const {
    if (ex_) std::rethrow_exception(ex_);
  }

 private:
  void keep(const char* what, bool recoverable) noexcept {
    ex_ = std::current_exception();
    recoverable_ = recoverable;
    try {
      message_ = what;
    } catch (...) {  // out of memory: the exception_ptr still carries the message
    }
  }
  std::exception_ptr ex_;
  std::string message_;
  bool recoverable_ = false;
};

/// An error handler for CVodeSetErrHandlerFn / KINSetErrHandlerFn: keeps "function: message" of the last
/// error (not warnings) in the std::string that `user` points to, instead of printing it to stderr.
void keep_error_message(int error_code, const char* module, const char* function, char* msg, void* user);

/// After a CVODE call that failed (flag < 0) or left a fatal exception in the trap: rethrow that exception
/// (its own type and message); otherwise throw_cvode with CVODE's own message and any recoverable callback
/// failure that led to it. Call it as `if (flag < 0 || trap.fatal()) cvode_failed(...)`.
[[noreturn]] void cvode_failed(int flag, const char* call, std::string_view where, const CallbackTrap& trap,
                               const std::string& solver_message);

/// Throw RecoverableError naming `what` and the first non-finite entry of v[0..n), if there is one.
void require_finite(const double* v, long n, const char* what);

// ---- SUNDIALS 6 internals (solvers/sundials_internals.cpp, the only file that touches them) -------------

namespace internals {
/// Replace the serial N_Vector kernels KINSOL calls at every iteration by optimised ones that perform the
/// same floating-point operations in the same order (bitwise identical results); clones inherit them.
void use_optimised_serial_ops(N_Vector v);
/// Make SUNMatZero on a sparse matrix zero the values only, keeping the (fixed) sparsity pattern.
void keep_sparse_pattern_on_zero(SUNMatrix sparse);
/// Make SUNLinSol_KLU's initialize keep the symbolic (and numeric) factorisation across solves.
void keep_klu_factorisation(SUNLinearSolver klu);
/// The column KLU found singular in its last factorisation (klu_common::singular_col).
long klu_singular_column(SUNLinearSolver klu);
}  // namespace internals

}  // namespace caspflow::solvers
