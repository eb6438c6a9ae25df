#pragma once
// Reads a caspflow run file (docs/output-format.md) back into the in-memory outputs::Dataset that
// write_dataset() writes, for `caspflow summary` and `caspflow compare`.
//
// What comes back: the root attributes; every time coordinate (int32 days, origin parsed from its `units`
// "days since YYYY-MM-DD 00:00:00", cell bounds from the dataset its `bounds` attribute names); every label
// coordinate (vlen strings); every float64 or int32 data variable with its dimensions (from the attached
// dimension scales) and attributes. HDF5 and netCDF bookkeeping (`_FillValue`, `CLASS`, `NAME`,
// `REFERENCE_LIST`, `DIMENSION_LIST`, `_Netcdf4*`, `_nc3_strict`, `_NCProperties`) is not returned; an int32
// variable with a `_FillValue` gets `int_fill`; the `nv` dimension and the `*_bnds` datasets become
// TimeAxis::bounds. Attributes of types the writer never produces are skipped.
#include <string>
#include <vector>

#include "caspflow/outputs/hdf5_writer.hpp"

namespace caspflow::outputs {

/// Reads the caspflow run file at `path`. Throws caspflow::IoError ("cannot read 'PATH': reason") when the file
/// cannot be opened or read (missing, unreadable, a directory, damaged, a malformed coordinate), and
/// caspflow::InputError naming `path` when it is not a caspflow run file: not HDF5, no root attribute
/// `source` = "caspflow" or no `format_version`, a `filetype` other than "caspflow run" (a `caspflow
/// hydraulics` file, say), or a `format_version` whose major number is not 1.
/// HDF5's own error printing is off while it runs, and every HDF5 identifier is closed on every path.
Dataset read_dataset(const std::string& path);

/// The major number of a `format_version` text ("1.2" -> 1); -1 when it is not "N" or "N.M".
int format_major(const std::string& version);

/// A file's format version: the int32 pair [major, minor] of format 1.3 and later, or the text "M.m" that
/// formats 1.0-1.2 wrote. major = -1 when the attribute is missing or malformed.
struct FormatVersion {
  int major = -1, minor = -1;
  [[nodiscard]] std::string text() const;  ///< "1.3", or "?" when unknown
};
FormatVersion format_version(const std::vector<Attr>& attrs);

// Look-ups on a Dataset (nullptr / fallback when absent).
const Attr* find_attr(const std::vector<Attr>& attrs, const std::string& name);
/// The text attribute `name`, or `fallback` when there is none or it is not text.
std::string text_attr(const std::vector<Attr>& attrs, const std::string& name, const std::string& fallback = "");
const Variable* find_variable(const Dataset& ds, const std::string& name);
const LabelAxis* find_label_axis(const Dataset& ds, const std::string& name);
const TimeAxis* find_time_axis(const Dataset& ds, const std::string& name);

}  // namespace caspflow::outputs
