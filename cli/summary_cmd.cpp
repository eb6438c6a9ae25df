// `caspflow summary OUT.h5`: reads a run file back (outputs/hdf5_reader.hpp) and prints the per-year table.
#include <iostream>

#include "cli/commands.hpp"
#include "outputs/hdf5_reader.hpp"
#include "outputs/summary.hpp"

namespace caspflow::cli {

namespace {

struct SummaryOptions {
  std::string file;
  bool csv = false, json = false;
};

}  // namespace

void add_summary_commands(CLI::App& app, Action& action) {
  auto so = std::make_shared<SummaryOptions>();
  auto* sum = app.add_subcommand(
      "summary",
      "Print the per-year table of Kazakh crude that `caspflow run` printed, from a run's output file alone\n"
      "(format_version 1.2 or later); --csv or --json for the same numbers in full precision.");
  sum->add_option("FILE", so->file, "output of caspflow run (HDF5), e.g. outputs/base.h5")->required();
  auto* csv = sum->add_flag("--csv", so->csv,
                            "print CSV: year, one column per quantity [Mt], most_limited_route, most_limited_constraint, "
                            "days_limited, days_in_year");
  sum->add_flag("--json", so->json, "print one JSON object (title, units, shippers, columns, rows)")->excludes(csv);
  sum->callback([so, &action]() {
    action = [so]() {
      const outputs::Dataset ds = outputs::read_dataset(so->file);
      const outputs::SummaryTable t = outputs::summarize(ds, so->file);
      if (so->csv)
        outputs::write_csv(std::cout, t);
      else if (so->json)
        outputs::write_json(std::cout, t);
      else
        outputs::write_text(std::cout, t);
      return 0;
    };
  });
}

}  // namespace caspflow::cli
