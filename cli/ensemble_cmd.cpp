// `caspflow ensemble`: sampled futures of a scenario with [uncertainty] (docs/ensembles.md).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/inputs/uncertainty_loader.hpp"
#include "caspflow/model/errors.hpp"
#include "caspflow/outputs/ensemble_output.hpp"
#include "caspflow/outputs/hdf5_writer.hpp"
#include "caspflow/outputs/output_file.hpp"
#include "caspflow/solvers/ensemble.hpp"

namespace caspflow::cli {

namespace {
struct EnsembleOptions {
  std::string scenario, output;
  int members = 0, threads = 0, keep = 0;
  long long seed = -1;
  std::vector<double> quantiles;
  bool quiet = false;
  ScenarioOverrides ov;
};

int run_ensemble_command(const EnsembleOptions& o) {
  const model::Scenario sc = inputs::load_scenario(o.scenario, o.ov.list());
  if (!sc.uncertainty.present)
    throw InputError(SourceLoc{o.scenario, 1, 1}, "uncertainty",
                     "found no [uncertainty] table, expected one saying what to sample (docs/ensembles.md)");
  model::Scenario base = sc;
  if (o.seed >= 0) base.uncertainty.seed = static_cast<std::uint64_t>(o.seed);
  std::string out = o.output.empty() ? "outputs/" + std::filesystem::path(o.scenario).stem().string() + "-ensemble.h5" : o.output;
  outputs::check_output_path(out, sc.input_files, o.output.empty() ? "output" : "-o");
  solvers::EnsembleSpec spec;
  spec.members = o.members > 0 ? o.members : base.uncertainty.members;
  spec.threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  spec.keep_members = std::min(o.keep, spec.members);
  if (!o.quantiles.empty()) spec.probabilities = o.quantiles;
  spec.daily = base.uncertainty.outputs.empty() ? std::vector<std::string>{"kazakh_sink", "kazakh_shut_in"} : base.uncertainty.outputs;
  const std::vector<std::string> overrides = o.ov.list();
  auto factory = [&](int, const solvers::MemberDraw& d) { return inputs::member_scenario(o.scenario, overrides, base, d.parameters); };
  const bool tty = isatty(fileno(stderr)) != 0 && !o.quiet;
  const auto t0 = std::chrono::steady_clock::now();
  std::function<void(int, int)> progress;
  if (tty)
    progress = [t0](int done, int total) {
      const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double eta = done > 0 ? el * (total - done) / done : 0;
      std::fprintf(stderr, "\rmembers %d/%d  %3.0f%%  ETA %4.0f s ", done, total, 100.0 * done / total, eta);
      if (done == total) std::fprintf(stderr, "\n");
    };
  const solvers::EnsembleResult e = solvers::run_ensemble(base, spec, factory, progress);
  const auto ds = outputs::build_ensemble_dataset(base, e, command_line());
  outputs::check_output_path(out, sc.input_files, o.output.empty() ? "output" : "-o");
  outputs::create_parent_directory(out);
  outputs::write_dataset(ds, out);
  if (!o.quiet) {
    outputs::write_ensemble_summary(std::cout, base, e);
    std::cout << "wrote " << out << "\n";
  }
  if (e.failed > 0) std::cerr << "caspflow ensemble: " << e.failed << " of " << e.members << " members failed (reasons in the file's `failures` attribute)\n";
  if (e.failed > base.uncertainty.max_failed_fraction * e.members) {
    std::cerr << "caspflow ensemble: more than " << 100 * base.uncertainty.max_failed_fraction << " % of the members failed (uncertainty.max_failed)\n";
    return 3;
  }
  return 0;
}
}  // namespace

void add_ensemble_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<EnsembleOptions>();
  auto* cmd = app.add_subcommand("ensemble",
                                 "Run sampled futures of a scenario with an [uncertainty] table on threads and write one HDF5 file\n"
                                 "with a `member` dimension, daily statistics over members (P10/P50/P90, mean, min, max) and the\n"
                                 "drivers of the headline Kazakh volumes (docs/ensembles.md).");
  cmd->add_option("SCENARIO", o->scenario, "scenario file (TOML) with an [uncertainty] table")->required();
  cmd->add_option("-o,--output", o->output, "output file (default: outputs/<scenario name>-ensemble.h5); written like `run -o`");
  cmd->add_option("--members", o->members, "number of members (default: uncertainty.members)")->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", o->seed, "seed of the counter-based generator (default: uncertainty.seed)")->check(CLI::Range(0LL, 9007199254740991LL));
  cmd->add_option("--threads", o->threads, "worker threads (default: all cores); the file does not depend on it")->check(CLI::Range(1, 1024));
  cmd->add_option("--keep-members", o->keep, "keep the full daily series of the first K members")->check(CLI::Range(0, 1000000));
  cmd->add_option("--quantiles", o->quantiles, "probabilities of the daily quantiles (default 0.1 0.5 0.9)")->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("-q,--quiet", o->quiet, "print no progress and no summary");
  add_override_options(cmd, o->ov);
  cmd->callback([o, &action]() { action = [o]() { return run_ensemble_command(*o); }; });
}

}  // namespace caspflow::cli
