#pragma once
// RAII owners for the SUNDIALS 6.x objects the hydraulic solvers use: SUNContext, N_Vector,
// SUNMatrix, SUNLinearSolver and KINSOL memory. Each: copy deleted, move allowed, destructor
// tolerates a moved-from (null) handle, get() gives the raw handle. Declare them in creation order
// (context first) so that destruction runs in reverse and the context is freed last.
#include <utility>

#include <kinsol/kinsol.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>

#include "model/errors.hpp"

namespace caspflow::solvers {

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
  void reset() {
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
inline void free_kinsol(void* mem) { KINFree(&mem); }
}  // namespace detail

using SunVector = SunHandle<N_Vector, detail::free_vector>;
using SunMatrix = SunHandle<SUNMatrix, detail::free_matrix>;
using SunLinSol = SunHandle<SUNLinearSolver, detail::free_linsol>;
using KinsolMem = SunHandle<void*, detail::free_kinsol>;

/// A SUNContext (one per solver instance / thread).
class SunContext : public SunHandle<SUNContext, detail::free_context> {
 public:
  static SunContext create() {
    SUNContext c = nullptr;
    if (SUNContext_Create(nullptr, &c) != 0 || !c) throw SolverError("SUNContext_Create failed");
    return SunContext(c);
  }
  SunContext() = default;

 private:
  explicit SunContext(SUNContext c) : SunHandle(c) {}
};

/// Throw SolverError if a SUNDIALS call returned a negative flag.
inline void sun_check(int flag, const char* call) {
  if (flag < 0) throw SolverError(std::string(call) + " failed with flag " + std::to_string(flag));
}

}  // namespace caspflow::solvers
