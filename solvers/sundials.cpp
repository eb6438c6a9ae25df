#include "caspflow/solvers/sundials.hpp"

#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <string_view>

namespace caspflow::solvers {

SunContext SunContext::create() {
  SUNContext c = nullptr;
  const int flag = SUNContext_Create(nullptr, &c);
  if (flag != 0 || !c) throw SolverError("SUNContext_Create failed (flag " + std::to_string(flag) + ")");
  return SunContext(c);
}

namespace {
/// Take ownership of a malloc'ed C string (SUNDIALS 6's *GetReturnFlagName).
std::string take(char* s) {
  std::string r = s ? s : "unknown flag";
  std::free(s);
  return r;
}

std::string failure(const char* call, std::string_view where, const std::string& name, const std::string& detail) {
  std::string m(call);
  m += " failed";
  if (!where.empty()) m.append(" ").append(where);
  m += ": " + name;
  if (!detail.empty()) m += " (" + detail + ")";
  return m;
}

/// SUNDIALS 6.4's name functions answer "NONE" for some flags their headers define: name those here.
std::string named(std::string name, int flag, std::initializer_list<std::pair<int, const char*>> missing) {
  if (name != "NONE") return name;
  for (const auto& [f, n] : missing)
    if (f == flag) return n;
  return "unknown flag " + std::to_string(flag);
}
}  // namespace

std::string cvode_flag_name(int flag) {
  return named(take(CVodeGetReturnFlagName(flag)), flag,
               {{CV_CONSTR_FAIL, "CV_CONSTR_FAIL"}, {CV_VECTOROP_ERR, "CV_VECTOROP_ERR"},
                {CV_REPTD_PROJFUNC_ERR, "CV_REPTD_PROJFUNC_ERR"}, {CV_CONTEXT_ERR, "CV_CONTEXT_ERR"},
                {CV_UNRECOGNIZED_ERR, "CV_UNRECOGNIZED_ERR"}, {CV_WARNING, "CV_WARNING"}});
}
std::string kinsol_flag_name(int flag) {
  return named(take(KINGetReturnFlagName(flag)), flag,
               {{KIN_SYSFUNC_FAIL, "KIN_SYSFUNC_FAIL"}, {KIN_FIRST_SYSFUNC_ERR, "KIN_FIRST_SYSFUNC_ERR"},
                {KIN_REPTD_SYSFUNC_ERR, "KIN_REPTD_SYSFUNC_ERR"}, {KIN_VECTOROP_ERR, "KIN_VECTOROP_ERR"},
                {KIN_CONTEXT_ERR, "KIN_CONTEXT_ERR"}});
}

void check_cvode(int flag, const char* call, const std::string& detail) {
  if (flag < 0) throw SolverError(failure(call, {}, cvode_flag_name(flag), detail));
}
void check_kinsol(int flag, const char* call, const std::string& detail) {
  if (flag < 0) throw SolverError(failure(call, {}, kinsol_flag_name(flag), detail));
}
[[noreturn]] void throw_cvode(int flag, const char* call, std::string_view where, const std::string& detail) {
  throw SolverError(failure(call, where, cvode_flag_name(flag), detail));
}

void cvode_failed(int flag, const char* call, std::string_view where, const CallbackTrap& trap,
                  const std::string& solver_message) {
  if (trap.fatal()) trap.rethrow_if_caught();
  std::string detail = solver_message;
  if (trap.caught()) detail += (detail.empty() ? "" : "; ") + trap.message();
  throw_cvode(flag, call, where, detail);
}

void check_sunls(int flag, const char* call) {
  if (flag >= 0) return;
  const char* name = nullptr;
  switch (flag) {
    case SUNLS_MEM_NULL: name = "SUNLS_MEM_NULL"; break;
    case SUNLS_ILL_INPUT: name = "SUNLS_ILL_INPUT"; break;
    case SUNLS_MEM_FAIL: name = "SUNLS_MEM_FAIL"; break;
    case SUNLS_PACKAGE_FAIL_UNREC: name = "SUNLS_PACKAGE_FAIL_UNREC"; break;
    default: break;
  }
  throw SolverError(failure(call, {}, name ? name : "SUNLS flag " + std::to_string(flag), {}));
}

void require_finite(const double* v, long n, const char* what) {
  for (long i = 0; i < n; ++i)
    if (!std::isfinite(v[i]))
      throw RecoverableError(std::string(what) + " is not finite (entry " + std::to_string(i) + " = " +
                             std::to_string(v[i]) + ")");
}

void keep_error_message(int error_code, const char* /*module*/, const char* function, char* msg, void* user) {
  if (error_code < 0 && user) *static_cast<std::string*>(user) = std::string(function ? function : "?") + ": " + (msg ? msg : "");
}

}  // namespace caspflow::solvers
