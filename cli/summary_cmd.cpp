// `caspflow summary OUT.h5` and `caspflow compare A.h5 B.h5`: read run files back (outputs/hdf5_reader.hpp) and
// print the per-year table, or what differs between two runs (numbers and inputs).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "commands.hpp"
#include "caspflow/model/errors.hpp"
#include "caspflow/outputs/hdf5_reader.hpp"
#include "caspflow/outputs/output_file.hpp"
#include "caspflow/outputs/summary.hpp"

namespace caspflow::cli {

namespace {

struct SummaryOptions {
  std::string file;
  bool csv = false, json = false;
};

struct CompareOptions {
  std::string a, b, csv;
};

/// One run file of a comparison.
struct Side {
  std::string path;
  outputs::Dataset ds;
  outputs::Headline h;
};

std::string fmt3(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}
/// B - A with a sign; exactly 0 as "0", so that a difference of round-off still shows as +0.000 / -0.000.
std::string fmt_diff(double d) {
  if (d == 0) return "0";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%+.3f", d);
  return buf;
}

// ---------------------------------------------------------------------------------------------------------------
// Years.

/// The years both files have, as (index in A, index in B); prints which years are compared. No common year:
/// InputError (exit 2).
std::vector<std::pair<size_t, size_t>> compared_years(std::ostream& os, const Side& A, const Side& B) {
  const auto& ya = A.h.years;
  const auto& yb = B.h.years;
  auto span = [](const std::vector<int>& y) {
    if (y.empty()) return std::string("no years");
    return y.front() == y.back() ? std::to_string(y.front()) : std::to_string(y.front()) + "-" + std::to_string(y.back());
  };
  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t i = 0; i < ya.size(); ++i)
    for (size_t j = 0; j < yb.size(); ++j)
      if (ya[i] == yb[j]) pairs.emplace_back(i, j);
  const std::string start_a = outputs::text_attr(A.ds.attrs, "simulation_start"), end_a = outputs::text_attr(A.ds.attrs, "simulation_end");
  const std::string start_b = outputs::text_attr(B.ds.attrs, "simulation_start"), end_b = outputs::text_attr(B.ds.attrs, "simulation_end");
  if (pairs.empty())
    throw InputError(SourceLoc{B.path, 0, 0}, "",
                     "no year in common with '" + A.path + "' (A covers " + span(ya) + ", B covers " + span(yb) +
                         "): nothing to compare");
  const auto* ta = outputs::find_time_axis(A.ds, "time");
  const auto* tb = outputs::find_time_axis(B.ds, "time");
  const bool same = ta != nullptr && tb != nullptr && ta->origin == tb->origin && ta->days == tb->days;
  if (same) {
    os << "Years: time axes identical (" << start_a << " to " << end_a << "): comparing " << span(ya) << " ("
       << ya.size() << " years)\n";
  } else {
    os << "Years: time axes differ (A " << start_a << " to " << end_a << ", B " << start_b << " to " << end_b
       << "): comparing the overlapping years " << ya[pairs.front().first] << "-" << ya[pairs.back().first] << " ("
       << pairs.size() << " of A's " << ya.size() << ", " << pairs.size() << " of B's " << yb.size() << ")\n";
  }
  for (const auto& [i, j] : pairs)
    if (A.h.days_in_year[i] != B.h.days_in_year[j])
      os << "  note: " << ya[i] << " has " << A.h.days_in_year[i] << " simulated days in A and " << B.h.days_in_year[j]
         << " in B (a partial year): its totals are not like for like\n";
  return pairs;
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers.

/// Differences up to this fraction of the values are integration round-off, not a change.
constexpr double kRoundOff = 1e-9;

struct CsvRow {
  int year;
  std::string quantity;
  double a, b;
};

/// Prints one block per headline quantity (year, A, B, B - A; a quantity equal in every year on one line) and
/// returns the rows of the long CSV.
std::vector<CsvRow> compare_numbers(std::ostream& os, const Side& A, const Side& B,
                                    const std::vector<std::pair<size_t, size_t>>& years) {
  std::vector<CsvRow> rows;
  os << "\nKazakh crude and pipeline throughput by year, Mt (B - A)\n";
  std::vector<std::string> only_a, only_b;
  for (const auto& [name, va] : A.h.quantities) {
    const auto it = std::find_if(B.h.quantities.begin(), B.h.quantities.end(), [&](const auto& q) { return q.first == name; });
    if (it == B.h.quantities.end()) {
      only_a.push_back(name);
      continue;
    }
    const auto& vb = it->second;
    bool equal = true, close = true;
    for (const auto& [i, j] : years) {
      rows.push_back({A.h.years[i], name, va[i], vb[j]});
      equal = equal && va[i] == vb[j];
      close = close && std::abs(vb[j] - va[i]) <= kRoundOff * std::max({std::abs(va[i]), std::abs(vb[j]), 1e-3});
    }
    if (equal || close) {
      os << "  " << name << (equal ? ": identical in every compared year\n" : ": equal to round-off (|B - A| <= 1e-9 relative) in every compared year\n");
      continue;
    }
    os << "  " << name << "\n    " << std::left << std::setw(6) << "year" << std::right << std::setw(11) << "A"
       << std::setw(11) << "B" << std::setw(11) << "B - A" << "\n";
    for (const auto& [i, j] : years)
      os << "    " << std::left << std::setw(6) << A.h.years[i] << std::right << std::setw(11) << fmt3(va[i])
         << std::setw(11) << fmt3(vb[j]) << std::setw(11) << fmt_diff(vb[j] - va[i]) << "\n";
  }
  for (const auto& [name, vb] : B.h.quantities)
    if (std::none_of(A.h.quantities.begin(), A.h.quantities.end(), [&](const auto& q) { return q.first == name; }))
      only_b.push_back(name);
  auto list = [&](const char* what, const std::vector<std::string>& v) {
    if (v.empty()) return;
    os << "  " << what << " (the networks differ):";
    for (const auto& n : v) os << " " << n << (&n != &v.back() ? "," : "");
    os << "\n";
  };
  list("only in A", only_a);
  list("only in B", only_b);
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs: the files inside `scenario_text`, matched by base name, and a line diff of each pair.

struct Section {
  std::string path, key;
  std::vector<std::string> lines;
};

/// Splits `scenario_text` at its `# --- file: PATH ---` lines; a file is keyed by its base name (a second file
/// of the same name gets "NAME#2"), so that the same inputs read from other directories match.
std::vector<Section> split_sections(const std::string& text) {
  std::vector<Section> out;
  const std::string pre = "# --- file: ", post = " ---";
  std::istringstream is(text);
  std::string line;
  std::map<std::string, int> seen;
  while (std::getline(is, line)) {
    if (line.size() > pre.size() + post.size() && line.compare(0, pre.size(), pre) == 0 &&
        line.compare(line.size() - post.size(), post.size(), post) == 0) {
      Section s;
      s.path = line.substr(pre.size(), line.size() - pre.size() - post.size());
      std::string base = std::filesystem::path(s.path).filename().string();
      if (base.empty()) base = s.path;
      const int n = ++seen[base];
      s.key = n == 1 ? base : base + "#" + std::to_string(n);
      out.push_back(std::move(s));
    } else {
      if (out.empty()) out.push_back(Section{"(before the first file)", "(before the first file)", {}});
      out.back().lines.push_back(line);
    }
  }
  return out;
}

/// One line of an edit script: ' ' kept, '-' only in A, '+' only in B; `ia`/`ib` are 0-based line numbers.
struct Edit {
  char op;
  size_t ia, ib;
};

/// Line diff of `a` and `b` (longest common subsequence after the common head and tail are set aside). False,
/// with nothing computed, when the differing middle parts would need more than `kMaxCells` table cells.
bool line_diff(const std::vector<std::string>& a, const std::vector<std::string>& b, std::vector<Edit>& out) {
  constexpr size_t kMaxCells = 16'000'000;  // 32 MB of uint16 cells: files of a few thousand differing lines
  size_t p = 0, q = 0;
  while (p < a.size() && p < b.size() && a[p] == b[p]) ++p;
  while (q < a.size() - p && q < b.size() - p && a[a.size() - 1 - q] == b[b.size() - 1 - q]) ++q;
  const size_t n = a.size() - p - q, m = b.size() - p - q;
  if (n > 65000 || m > 65000 || (n + 1) * (m + 1) > kMaxCells) return false;
  // L[i][j]: length of the LCS of a[p+i..p+n) and b[p+j..p+m).
  std::vector<uint16_t> L((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint16_t& { return L[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      at(i, j) = a[p + i] == b[p + j] ? static_cast<uint16_t>(at(i + 1, j + 1) + 1) : std::max(at(i + 1, j), at(i, j + 1));
  out.clear();
  for (size_t k = 0; k < p; ++k) out.push_back({' ', k, k});
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[p + i] == b[p + j]) {
      out.push_back({' ', p + i++, p + j++});
    } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
      out.push_back({'-', p + i++, p + j});  // removals before additions, as diff -u prints them
    } else {
      out.push_back({'+', p + i, p + j++});
    }
  }
  for (size_t k = 0; k < q; ++k) out.push_back({' ', p + n + k, p + m + k});
  return true;
}

/// Unified-style hunks ("@@ -a,n +b,m @@", then "  kept", "- removed", "+ added" lines) with 2 lines of context;
/// at most `kMaxLines` printed lines per file.
void print_hunks(std::ostream& os, const std::vector<Edit>& ed, const std::vector<std::string>& a,
                 const std::vector<std::string>& b) {
  constexpr size_t kContext = 2, kMaxLines = 200;
  size_t printed = 0, k = 0;
  while (k < ed.size()) {
    if (ed[k].op == ' ') {
      ++k;
      continue;
    }
    // A hunk: from kContext before this change to kContext after the last change that is close enough.
    const size_t start = k >= kContext ? k - kContext : 0;
    size_t end = k;
    while (end < ed.size()) {
      size_t next = end;
      while (next < ed.size() && ed[next].op == ' ') ++next;
      if (next == ed.size() || next - end > 2 * kContext) break;
      end = next + 1;
    }
    const size_t stop = std::min(ed.size(), end + kContext);
    size_t na = 0, nb = 0;
    for (size_t x = start; x < stop; ++x) na += ed[x].op != '+', nb += ed[x].op != '-';
    os << "    @@ -" << ed[start].ia + 1 << "," << na << " +" << ed[start].ib + 1 << "," << nb << " @@\n";
    for (size_t x = start; x < stop; ++x) {
      if (printed++ == kMaxLines) {
        os << "    ... (diff cut at " << kMaxLines << " lines)\n";
        return;
      }
      const auto& e = ed[x];
      os << "    " << e.op << " " << (e.op == '+' ? b[e.ib] : a[e.ia]) << "\n";
    }
    k = stop;
  }
}

void compare_inputs(std::ostream& os, const Side& A, const Side& B) {
  const auto sa = split_sections(outputs::text_attr(A.ds.attrs, "scenario_text"));
  const auto sb = split_sections(outputs::text_attr(B.ds.attrs, "scenario_text"));
  os << "\nInputs (the files in scenario_text, matched by file name; --set overrides are the file '--set'):\n";
  bool any = false;
  std::vector<std::string> same;
  auto find = [](const std::vector<Section>& v, const std::string& key) {
    return std::find_if(v.begin(), v.end(), [&](const Section& s) { return s.key == key; });
  };
  for (const auto& s : sa) {
    const auto it = find(sb, s.key);
    if (it == sb.end()) {
      any = true;
      os << "  " << s.key << ": only in A" << (s.path != s.key ? " (" + s.path + ")" : "") << "\n";
      for (const auto& l : s.lines) os << "    - " << l << "\n";
      continue;
    }
    if (it->lines == s.lines) {
      same.push_back(s.key);
      continue;
    }
    any = true;
    os << "  " << s.key << ": differs (" << (s.path == it->path ? s.path : "A " + s.path + ", B " + it->path) << ")\n";
    std::vector<Edit> ed;
    if (line_diff(s.lines, it->lines, ed))
      print_hunks(os, ed, s.lines, it->lines);
    else
      os << "    (diff too large: " << s.lines.size() << " and " << it->lines.size() << " lines)\n";
  }
  for (const auto& s : sb)
    if (find(sa, s.key) == sa.end()) {
      any = true;
      os << "  " << s.key << ": only in B" << (s.path != s.key ? " (" + s.path + ")" : "") << "\n";
      for (const auto& l : s.lines) os << "    + " << l << "\n";
    }
  if (!any) {
    os << "  inputs identical (" << sa.size() << (sa.size() == 1 ? " file" : " files") << ")\n";
    return;
  }
  if (same.empty()) return;
  os << "  identical:";
  for (const auto& k : same) os << " " << k << (&k != &same.back() ? "," : "");
  os << "\n";
}

// ---------------------------------------------------------------------------------------------------------------

void describe(std::ostream& os, const char* tag, const Side& s) {
  const auto& at = s.ds.attrs;
  os << tag << ": " << s.path << "\n   title: " << outputs::text_attr(at, "title")
     << "\n   history: " << outputs::text_attr(at, "history", "(none)")
     << "\n   format " << outputs::format_version(at).text() << ", caspflow "
     << outputs::text_attr(at, "caspflow_version", "?") << " (" << outputs::text_attr(at, "git_commit", "?") << ")\n";
}

int run_compare(const CompareOptions& o) {
  if (!o.csv.empty()) outputs::check_output_path(o.csv, {o.a, o.b}, "--csv");
  Side A{o.a, outputs::read_dataset(o.a), {}};
  Side B{o.b, outputs::read_dataset(o.b), {}};
  const std::string va = outputs::format_version(A.ds.attrs).text(), vb = outputs::format_version(B.ds.attrs).text();
  if (outputs::format_version(A.ds.attrs).major != outputs::format_version(B.ds.attrs).major)
    throw InputError(SourceLoc{o.b, 0, 0}, "format_version",
                     "found " + vb + " against " + va + " in '" + o.a + "', expected the same major version");
  A.h = outputs::headline_quantities(A.ds, A.path);
  B.h = outputs::headline_quantities(B.ds, B.path);
  std::ostringstream os;
  describe(os, "A", A);
  describe(os, "B", B);
  if (va != vb) os << "note: format versions " << va << " and " << vb << " differ (the same major: comparable)\n";
  const auto years = compared_years(os, A, B);
  compare_inputs(os, A, B);
  const auto rows = compare_numbers(os, A, B, years);
  std::cout << os.str();
  if (!o.csv.empty()) {
    std::ostringstream csv;
    csv << "year,quantity,a,b,b_minus_a\n";
    for (const auto& r : rows)
      csv << r.year << "," << r.quantity << "," << outputs::exact_number(r.a) << "," << outputs::exact_number(r.b) << ","
          << outputs::exact_number(r.b - r.a) << "\n";
    const std::string text = csv.str();
    outputs::create_parent_directory(o.csv);
    outputs::write_file_atomically(o.csv, text.data(), text.size());
    std::cout << "wrote " << o.csv << " (" << rows.size() << " rows)\n";
  }
  return 0;
}

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

  auto co = std::make_shared<CompareOptions>();
  auto* cmp = app.add_subcommand(
      "compare",
      "Compare two run output files: which years both cover, the per-year difference B - A (Mt) of Kazakh\n"
      "supply, flows into and out of each pipeline, into each market, shut-in and pipeline throughput, and which\n"
      "inputs differ (a line diff of the scenario files stored in each file, and each file's command line).");
  cmp->add_option("A", co->a, "first run file (HDF5), e.g. outputs/base.h5")->required();
  cmp->add_option("B", co->b, "second run file (HDF5); differences are B - A")->required();
  cmp->add_option("--csv", co->csv, "also write the differences as long CSV: year,quantity,a,b,b_minus_a");
  cmp->callback([co, &action]() { action = [co]() { return run_compare(*co); }; });
}

}  // namespace caspflow::cli
