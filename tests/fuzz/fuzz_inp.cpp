// libFuzzer target: the EPANET .inp reader (inputs/epanet/inp_reader.hpp parse_inp) and, when the network is
// small, one bounded steady-state snapshot (solvers/hydraulics/network_solver.hpp: at most 50 Newton iterations
// x 10 status passes). Clean answers: a network (solved, or SolverError) or InputError. Anything else (another
// exception, a crash, an ASan/UBSan report, a timeout) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "caspflow/inputs/epanet/inp_reader.hpp"
#include "caspflow/model/errors.hpp"
#include "caspflow/solvers/hydraulics/network_solver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  caspflow::inputs::epanet::InpResult r;
  try {
    r = caspflow::inputs::epanet::parse_inp(text, "fuzz.inp");
  } catch (const caspflow::InputError&) {
    return 0;
  }
  const auto& net = r.network;
  if (net.nodes.empty() || net.nodes.size() > 40 || net.links.size() > 60) return 0;
  try {
    caspflow::solvers::hydraulics::SolverOptions opt;
    opt.max_newton = 50;
    opt.max_status_passes = 10;
    caspflow::solvers::hydraulics::NetworkSolver solver(net, opt);
    auto st = solver.initial_state();
    (void)solver.solve(st);
  } catch (const caspflow::SolverError&) {
  } catch (const caspflow::InputError&) {
  }
  return 0;
}
