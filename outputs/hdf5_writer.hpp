#pragma once
// HDF5 writer that produces files readable as netCDF-4 (libnetcdf, xarray, h5netcdf, h5py).
//
// The layout follows /work/shared/reference/hdf5-netcdf-recipe.md (tested with HDF5 1.10.8 and netCDF-C 4.9.0):
//   * link and attribute creation order tracked on the root group and on every dataset;
//   * every dimension is a coordinate dataset made a dimension scale (H5DSset_scale), and every dimension of
//     every variable has its scale attached (all-or-none is netCDF's hard rule);
//   * labels are variable-length UTF-8 strings (fixed-length string datasets crash libnetcdf);
//   * text attributes are fixed-length char strings (netCDF NC_CHAR, UTF-8, NULLTERM, scalar; an empty text is a
//     null dataspace, as libnetcdf writes a zero-length NC_CHAR): CF and NCO expect NC_CHAR, and NCO ignores a
//     `bounds` given as NC_STRING;
//   * time is CF: int32 "days since ORIGIN 00:00:00", calendar proleptic_gregorian, optional cell bounds;
//   * a pure dimension `nv` (length 2) for bounds is stored the way libnetcdf stores it (scale NAME
//     "This is a netCDF dimension but not a netCDF variable.         2");
//   * data variables: float64 (`_FillValue` NaN) or int32 (no `_FillValue`, so xarray keeps int32, unless the
//     variable says a value can be missing: then `_FillValue` -2147483647, netCDF's NC_FILL_INT), chunked (<= 1 MiB per chunk, ~1 year along time) with shuffle + deflate(4);
//   * libver bounds EARLIEST..V18 so any HDF5 >= 1.8 reader opens the file.
// The file appears at `path` only when complete: HDF5 builds it in memory (core driver), the image is written to
// a new temporary `.<name>.caspflow-tmp.XXXXXX` beside `path` (O_EXCL, random suffix; outputs/output_file.hpp),
// fsync'ed and renamed onto `path`; the temporary is removed on any error and on SIGINT/SIGTERM/SIGHUP. Disk errors (full disk, quota, permissions) are therefore
// plain POSIX errors in our code, never a half-closed HDF5 file (HDF5 1.10 crashes at exit after a failed
// H5Fclose). Memory use is about twice the file size.
#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace caspflow::outputs {

/// An attribute value: text (written as fixed-length UTF-8 char, netCDF NC_CHAR), a float64 or int64 scalar, or a
/// 1-D int32 array (NC_INT, e.g. CF `flag_values` of an int32 variable; must not be empty).
using AttrValue = std::variant<std::string, double, long long, std::vector<int32_t>>;
struct Attr {
  std::string name;
  AttrValue value;
};

/// A CF time coordinate stored as int32 "days since ORIGIN 00:00:00" (proleptic_gregorian), optionally with
/// cell bounds (bounds variable NAME_bnds(NAME, nv), int32 days).
struct TimeAxis {
  std::string name;                            ///< "time" or "year"
  std::string origin;                          ///< "2025-01-01" (YYYY-MM-DD, UTC)
  std::vector<int32_t> days;                   ///< offsets from origin [d]
  std::string long_name;
  std::vector<std::array<int32_t, 2>> bounds;  ///< [start, end) per value [d]; empty = no bounds
};

/// A label coordinate: vlen UTF-8 strings (never fixed-length strings -- they crash libnetcdf).
/// Labels must be valid UTF-8 and unique within the axis.
struct LabelAxis {
  std::string name;
  std::vector<std::string> labels;
  std::string long_name;
};

/// A data variable. `data` (float64) is used when !is_int, `idata` (int32) when is_int; row-major over `dims`.
/// float64 variables always get `_FillValue = NaN`; int32 variables get `_FillValue = kIntFill` only when
/// `int_fill` (a value can be missing), otherwise none, so that xarray decodes them as int32, not float64.
struct Variable {
  std::string name;
  std::vector<std::string> dims;  ///< names of TimeAxis/LabelAxis, row-major order; empty = scalar variable
  std::vector<double> data;       ///< float64 (NaN fill) -- used when !is_int
  std::vector<int32_t> idata;     ///< int32 -- used when is_int
  bool is_int = false;
  std::vector<Attr> attrs;        ///< must contain "units" and "long_name" (writer throws IoError if missing)
  bool int_fill = false;          ///< int32 only: write `_FillValue = kIntFill` (some value can be missing)
};

struct Dataset {
  std::vector<Attr> attrs;  ///< root attributes (Conventions = "CF-1.8" is added by the writer unless given)
  std::vector<TimeAxis> time_axes;
  std::vector<LabelAxis> label_axes;
  std::vector<Variable> variables;
};

/// Fill value of int32 variables that can have missing values (netCDF's default NC_FILL_INT).
inline constexpr int32_t kIntFill = -2147483647;

/// CF `flag_values` (int32 0..n-1) and `flag_meanings` for an int32 variable whose value i means labels[i]
/// (e.g. an index into a label axis). CF allows only letters, digits and `_ - . + @` in a flag meaning, so every
/// other byte of a label becomes '_' (`capacity:btc` -> `capacity_btc`); two labels that would give the same
/// word are kept apart with a `_2`, `_3`... suffix. Empty `labels`: no attributes.
std::vector<Attr> index_flag_attrs(const std::vector<std::string>& labels);

/// Writes `ds` to `path` as a netCDF-4-readable HDF5 file: creation order tracked, dimension scales on every
/// dimension of every variable, vlen UTF-8 labels, fixed-length char (NC_CHAR) text attributes, CF time,
/// _FillValue of the variable's type (float64 always, int32 only with int_fill), chunked + shuffle + deflate (chunks <= ~1 MiB; variables with a time dimension chunked
/// ~1 year along time), libver bounds EARLIEST..V18. Written to a temporary name in the same directory
/// (".<name>.caspflow-tmp.XXXXXX", outputs/output_file.hpp) and renamed onto `path` only after H5Fclose and fsync
/// succeeded; on any failure the temporary is removed and caspflow::IoError (model/errors.hpp) is thrown with the
/// path and the HDF5 reason. A `path` that exists and is not a regular file (FIFO, device, directory) is refused
/// (IoError) and left as it is. Shapes are
/// checked (data size == product of dims) before anything is created; a bad shape is an IoError too, as are
/// unknown or duplicate names, missing units/long_name, malformed origins/bounds and non-UTF-8 text.
void write_dataset(const Dataset& ds, const std::string& path);

}  // namespace caspflow::outputs
