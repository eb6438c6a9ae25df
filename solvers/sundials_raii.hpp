#pragma once
// RAII owners for the SUNDIALS objects used by caspflow's integrators (copy deleted, move allowed).
#include <memory>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_nonlinearsolver.h>

namespace caspflow::solvers {

struct ContextDeleter {
  void operator()(SUNContext c) const { SUNContext_Free(&c); }
};
struct NVectorDeleter {
  void operator()(N_Vector v) const { N_VDestroy(v); }
};
struct CVodeDeleter {
  void operator()(void* m) const { CVodeFree(&m); }
};
struct NonlinSolDeleter {
  void operator()(SUNNonlinearSolver s) const { SUNNonlinSolFree(s); }
};

/// One SUNDIALS context per solver (per thread).
class Context {
 public:
  Context() {
    SUNContext c = nullptr;
    if (SUNContext_Create(nullptr, &c) != 0 || c == nullptr) throw std::bad_alloc();
    p_.reset(c);
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  Context(Context&&) noexcept = default;
  Context& operator=(Context&&) noexcept = default;
  operator SUNContext() const { return p_.get(); }

 private:
  std::unique_ptr<std::remove_pointer_t<SUNContext>, ContextDeleter> p_;
};

using NVectorPtr = std::unique_ptr<std::remove_pointer_t<N_Vector>, NVectorDeleter>;
using CVodePtr = std::unique_ptr<void, CVodeDeleter>;
using NonlinSolPtr = std::unique_ptr<std::remove_pointer_t<SUNNonlinearSolver>, NonlinSolDeleter>;

}  // namespace caspflow::solvers
