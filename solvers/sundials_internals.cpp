// The only file of caspflow that reaches into SUNDIALS internals: the serial N_Vector's content and ops
// table, the sparse SUNMatrix's ops table, and SUNLinSol_KLU's content and KLU's klu_common. Everything
// else goes through solvers/sundials.hpp and SUNDIALS' public API.
//
// Written against SUNDIALS 6.4 (Debian 12: 6.4.1). On another version revisit, in this file:
//  - the N_Vector kernels below must still perform the same operations in the same order as
//    src/nvector/serial/nvector_serial.c (else results are no longer bitwise identical to SUNDIALS');
//  - struct _generic_N_Vector_Ops / _generic_SUNMatrix_Ops / _generic_SUNLinearSolver_Ops member names;
//  - struct _SUNLinearSolverContent_KLU (last_flag, first_factorize, symbolic, numeric) and what
//    SUNLinSol_KLU's own initialize does (src/sunlinsol/klu/sunlinsol_klu.c);
//  - SUNDIALS 7 also changes SUNContext_Create (SUNComm), the error handlers and realtype.
#include <sundials/sundials_config.h>

#if !defined(SUNDIALS_VERSION_MAJOR) || SUNDIALS_VERSION_MAJOR != 6
#error "solvers/sundials_internals.cpp patches SUNDIALS 6 internals (N_Vector ops, sparse SUNMatrix ops, SUNLinSol_KLU content): revisit every patch in that file for this SUNDIALS version, then update this check"
#endif

#include <cmath>
#include <cstring>

#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "caspflow/solvers/sundials.hpp"

namespace caspflow::solvers::internals {

namespace {
// The serial N_Vector kernels KINSOL calls at every iteration, compiled here with the project's
// optimisation (the distribution's libsundials_nvecserial ones are not optimised). Each performs
// the same floating-point operations in the same order as SUNDIALS 6.4's nvector_serial.c, so
// the results are bitwise identical; installed on the template vectors, KINSOL's clones inherit them.
double* nv_data(N_Vector v) { return NV_DATA_S(v); }
sunindextype nv_len(N_Vector v) { return NV_LENGTH_S(v); }

void nv_const(realtype c, N_Vector z) {
  double* zd = nv_data(z);
  for (sunindextype i = 0, n = nv_len(z); i < n; ++i) zd[i] = c;
}
void nv_prod(N_Vector x, N_Vector y, N_Vector z) {
  const double *xd = nv_data(x), *yd = nv_data(y);
  double* zd = nv_data(z);
  for (sunindextype i = 0, n = nv_len(x); i < n; ++i) zd[i] = xd[i] * yd[i];
}
void nv_div(N_Vector x, N_Vector y, N_Vector z) {
  const double *xd = nv_data(x), *yd = nv_data(y);
  double* zd = nv_data(z);
  for (sunindextype i = 0, n = nv_len(x); i < n; ++i) zd[i] = xd[i] / yd[i];
}
void nv_scale(realtype c, N_Vector x, N_Vector z) {  // c*x equals SUNDIALS' copy/negate special cases
  const double* xd = nv_data(x);
  double* zd = nv_data(z);
  for (sunindextype i = 0, n = nv_len(x); i < n; ++i) zd[i] = c * xd[i];
}
void nv_abs(N_Vector x, N_Vector z) {
  const double* xd = nv_data(x);
  double* zd = nv_data(z);
  for (sunindextype i = 0, n = nv_len(x); i < n; ++i) zd[i] = std::abs(xd[i]);
}
void nv_inv(N_Vector x, N_Vector z) {
  const double* xd = nv_data(x);
  double* zd = nv_data(z);
  for (sunindextype i = 0, n = nv_len(x); i < n; ++i) zd[i] = 1.0 / xd[i];
}
realtype nv_dotprod(N_Vector x, N_Vector y) {
  const double *xd = nv_data(x), *yd = nv_data(y);
  double sum = 0.0;
  for (sunindextype i = 0, n = nv_len(x); i < n; ++i) sum += xd[i] * yd[i];
  return sum;
}
realtype nv_maxnorm(N_Vector x) {
  const double* xd = nv_data(x);
  double m = 0.0;
  for (sunindextype i = 0, n = nv_len(x); i < n; ++i)
    if (std::abs(xd[i]) > m) m = std::abs(xd[i]);
  return m;
}
realtype nv_wl2norm(N_Vector x, N_Vector w) {
  const double *xd = nv_data(x), *wd = nv_data(w);
  double sum = 0.0;
  for (sunindextype i = 0, n = nv_len(x); i < n; ++i) {
    const double p = xd[i] * wd[i];
    sum += p * p;
  }
  return std::sqrt(sum);
}
realtype nv_min(N_Vector x) {
  const double* xd = nv_data(x);
  double m = xd[0];
  for (sunindextype i = 1, n = nv_len(x); i < n; ++i)
    if (xd[i] < m) m = xd[i];
  return m;
}
}  // namespace

void use_optimised_serial_ops(N_Vector v) {
  if (N_VGetVectorID(v) != SUNDIALS_NVEC_SERIAL) throw SolverError("use_optimised_serial_ops: not a serial N_Vector");
  v->ops->nvconst = nv_const;
  v->ops->nvprod = nv_prod;
  v->ops->nvdiv = nv_div;
  v->ops->nvscale = nv_scale;
  v->ops->nvabs = nv_abs;
  v->ops->nvinv = nv_inv;
  v->ops->nvdotprod = nv_dotprod;
  v->ops->nvmaxnorm = nv_maxnorm;
  v->ops->nvwl2norm = nv_wl2norm;
  v->ops->nvmin = nv_min;
}

void keep_sparse_pattern_on_zero(SUNMatrix sparse) {
  if (SUNMatGetID(sparse) != SUNMATRIX_SPARSE) throw SolverError("keep_sparse_pattern_on_zero: not a sparse SUNMatrix");
  // KINSOL zeroes J (values and pattern) before every Jacobian call; the pattern is fixed, so zero
  // the values only and skip rebuilding the index arrays.
  sparse->ops->zero = [](SUNMatrix A) -> int {
    std::memset(SUNSparseMatrix_Data(A), 0, sizeof(realtype) * static_cast<size_t>(SUNSparseMatrix_NNZ(A)));
    return 0;
  };
}

void keep_klu_factorisation(SUNLinearSolver klu) {
  if (SUNLinSolGetID(klu) != SUNLINEARSOLVER_KLU) throw SolverError("keep_klu_factorisation: not SUNLinSol_KLU");
  // SUNLinSol_KLU's initialize (called at every KINSol) forces a new symbolic analysis; the
  // Jacobian's pattern never changes here, so keep the symbolic factorisation (and the numeric one
  // for klu_refactor) across solves and time steps. A failed factorisation still starts afresh.
  klu->ops->initialize = [](SUNLinearSolver S) -> int {
    auto* c = static_cast<SUNLinearSolverContent_KLU>(S->content);
    c->last_flag = SUNLS_SUCCESS;
    if (!c->symbolic || !c->numeric) c->first_factorize = 1;
    return SUNLS_SUCCESS;
  };
}

long klu_singular_column(SUNLinearSolver klu) { return static_cast<long>(SUNLinSol_KLUGetCommon(klu)->singular_col); }

}  // namespace caspflow::solvers::internals
