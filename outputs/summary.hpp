#pragma once
// The per-year table of Kazakh crude that `caspflow run` prints and `caspflow summary OUT.h5` reprints, computed
// from a run's Dataset alone (built in memory by build_run_dataset, or read back by read_dataset), so that both
// print the same numbers. Also the headline quantities `caspflow compare` sets side by side.
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "caspflow/outputs/hdf5_writer.hpp"

namespace caspflow::outputs {

/// One calendar year of the summary.
struct SummaryRow {
  int year = 0;
  std::vector<double> values;  ///< Mt, one per SummaryTable::columns
  /// The (Kazakh route, constraint) that limited the most days of the year; both empty when nothing did.
  std::string route, constraint;
  int days_limited = 0;  ///< days that pair limited
  int days_in_year = 0;  ///< simulated days of the year (the first and last year may be partial)
  /// "ROUTE CONSTRAINT (n of N d)", or "none (all supply moved)".
  [[nodiscard]] std::string limited_text() const;
};

/// Kazakh crude by year: supply, into each pipeline and at its end node, into each sink, the quality
/// allowance under each quality-limited leg, shut-in; the limiting route; the run's conservation residual.
struct SummaryTable {
  std::string title;                 ///< the scenario title (its file name when it has none)
  std::vector<std::string> shippers; ///< Kazakh shipper ids
  std::vector<std::string> columns;  ///< "supply", "into LEG", "at NODE", "to NODE", "allow LEG", "shut-in"
  std::vector<SummaryRow> rows;
  double residual = 0;               ///< conservation_residual_total (relative)
};

/// The summary of a run dataset (format 1.2 or later: it needs leg_to, leg_kind, node_kind). Throws
/// caspflow::InputError (naming `file`, when given) when a variable it needs is missing or has other
/// dimensions, e.g. a format 1.1 file.
SummaryTable summarize(const Dataset& ds, const std::string& file = "");

/// The table as `caspflow run` prints it: title, shippers, fixed-width columns with 3 decimals, the most
/// limited Kazakh route per year, then the conservation residual line.
void write_text(std::ostream& os, const SummaryTable& t);
/// CSV: header `year,<column>,...,most_limited_route,most_limited_constraint,days_limited,days_in_year`, one
/// row per year, values in Mt with full precision (shortest text that reads back as the same double).
void write_csv(std::ostream& os, const SummaryTable& t);
/// One JSON object: title, units ("Mt"), shippers, columns, rows (objects keyed by column; the limiting
/// route and constraint null when nothing limited), conservation_residual.
void write_json(std::ostream& os, const SummaryTable& t);

/// Headline quantities of a run for `caspflow compare`, per calendar year (Mt): "Kazakh supply",
/// "Kazakh into LEG" and "Kazakh at NODE" for each pipeline, "Kazakh to NODE" for each leg into a sink,
/// "Kazakh shut-in", "total into LEG" (all shippers) for each pipeline. In that order.
struct Headline {
  std::vector<int> years;
  std::vector<int> days_in_year;  ///< simulated days of each year
  std::vector<std::pair<std::string, std::vector<double>>> quantities;  ///< name -> one value per year [Mt]
};
Headline headline_quantities(const Dataset& ds, const std::string& file = "");

/// A number as the shortest text that reads back as the same double ("nan" for NaN).
std::string exact_number(double v);

}  // namespace caspflow::outputs
