// `caspflow run` and `caspflow check`.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/model/errors.hpp"
#include "caspflow/outputs/hdf5_writer.hpp"
#include "caspflow/outputs/output_file.hpp"
#include "caspflow/outputs/run_output.hpp"
#include "caspflow/outputs/summary.hpp"
#include "caspflow/solvers/dynamics.hpp"

namespace caspflow::cli {

namespace {
struct RunOptions {
  std::string scenario;
  std::string output;
  std::string summary_csv;
  bool quiet = false;
  ScenarioOverrides ov;
};

/// `--summary-csv FILE` is refused like -o (an input file, a device, a FIFO, a directory: exit 2), and when it is
/// the -o file itself.
void check_summary_csv_path(const std::string& csv, const std::string& out, const std::vector<std::string>& inputs) {
  if (csv.empty()) return;
  outputs::check_output_path(csv, inputs, "--summary-csv");
  std::error_code e1, e2;
  const auto a = std::filesystem::weakly_canonical(csv, e1), b = std::filesystem::weakly_canonical(out, e2);
  if ((!e1 && !e2 && a == b) || csv == out)
    throw InputError(SourceLoc{csv, 0, 0}, "--summary-csv",
                     "found the same path as the HDF5 output (-o), expected another file name, e.g. OUT.csv");
}
}  // namespace

void add_run_commands(CLI::App& app, Action& action) {
  auto opt = std::make_shared<RunOptions>();
  auto* run = app.add_subcommand(
      "run",
      "Simulate a scenario day by day and write the time series to HDF5 (netCDF-4: open with\n"
      "xarray.open_dataset). Prints a per-year table of Kazakh crude: supply, volumes into each pipeline\n"
      "and market, shut-in, and the constraint that bound most days.");
  run->add_option("SCENARIO", opt->scenario, "scenario file (TOML), e.g. inputs/scenarios/base.toml")->required();
  run->add_option("-o,--output", opt->output,
                  "output file (default: outputs/<scenario name>.h5); written under a temporary name "
                  "(.<name>.caspflow-tmp.XXXXXX) and renamed when complete; must not be an input file, a device, a "
                  "FIFO or a directory");
  run->add_option("--summary-csv", opt->summary_csv,
                  "also write the per-year table as CSV (what `caspflow summary OUT.h5 --csv` prints), written "
                  "like -o: under a temporary name, renamed when complete; must not be an input file or the -o file");
  run->add_flag("-q,--quiet", opt->quiet, "print no progress and no summary");
  add_override_options(run, opt->ov);
  run->callback([opt, &action]() {
    action = [opt]() {
      const auto t_start = std::chrono::steady_clock::now();
      model::Scenario sc = inputs::load_scenario(opt->scenario, opt->ov.list());
      std::string out = opt->output;
      if (out.empty()) out = "outputs/" + std::filesystem::path(opt->scenario).stem().string() + ".h5";
      // Before simulating: the output must not be an input (scenario, parents, CSV, pipeline files), a device,
      // a FIFO or a directory (exit 2, both paths named).
      outputs::check_output_path(out, sc.input_files, opt->output.empty() ? "output" : "-o");
      check_summary_csv_path(opt->summary_csv, out, sc.input_files);
      const bool tty = isatty(fileno(stderr)) != 0 && !opt->quiet;
      solvers::Progress progress;
      if (tty)
        progress = [](double f) {
          std::fprintf(stderr, "\rsimulating... %3.0f%%", 100 * f);
          if (f >= 1) std::fprintf(stderr, "\n");
        };
      const auto result = solvers::simulate(sc, progress);
      const auto ds = outputs::build_run_dataset(sc, result, command_line());
      const outputs::SummaryTable table = outputs::summarize(ds, out);  // the table comes from the file's contents
      outputs::check_output_path(out, sc.input_files, opt->output.empty() ? "output" : "-o");  // still true?
      check_summary_csv_path(opt->summary_csv, out, sc.input_files);
      outputs::create_parent_directory(out);
      outputs::write_dataset(ds, out);
      if (!opt->summary_csv.empty()) {
        std::ostringstream csv;
        outputs::write_csv(csv, table);
        outputs::create_parent_directory(opt->summary_csv);
        const std::string text = csv.str();
        outputs::write_file_atomically(opt->summary_csv, text.data(), text.size());
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
      if (!opt->quiet) {
        outputs::write_text(std::cout, table);
        std::cout << "wrote " << out;
        if (!opt->summary_csv.empty()) std::cout << " and " << opt->summary_csv;
        std::cout << " (" << result.ndays << " days; " << result.stats.steps << " integrator steps, " << result.stats.roots
                  << " events, " << result.stats.stops << " stops; " << std::setprecision(2) << secs << " s)\n";
      }
      return 0;
    };
  });

  auto copt = std::make_shared<RunOptions>();
  auto* check = app.add_subcommand("check", "Validate a scenario file without simulating; lists every problem found.");
  check->add_option("SCENARIO", copt->scenario, "scenario file (TOML)")->required();
  add_override_options(check, copt->ov);
  check->callback([copt, &action]() {
    action = [copt]() {
      const model::Scenario sc = inputs::load_scenario(copt->scenario, copt->ov.list());
      // The loader did every check `run` makes (hydraulic pipeline files and station ids included): check and
      // run accept and refuse the same inputs with the same messages (tests/inputs/run_malformed.py).
      std::cout << "ok: " << copt->scenario << ": " << sc.grades.size() << " grades, " << sc.nodes.size() << " nodes, "
                << sc.legs.size() << " legs, " << sc.shippers.size() << " shippers, " << sc.events.size()
                << " events, " << model::iso_date(sc.start) << " to " << model::iso_date(sc.end - model::kDay) << "; "
                << sc.assumptions.size() << " values marked assumed\n";
      return 0;
    };
  });
}

}  // namespace caspflow::cli
