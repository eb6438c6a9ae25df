#include "caspflow/outputs/hdf5_reader.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <utility>

#include "caspflow/model/errors.hpp"
#include "caspflow/model/series.hpp"
#include "caspflow/outputs/hdf5_util.hpp"

namespace caspflow::outputs {
namespace {

// ---------------------------------------------------------------------------------------------------------------
using h5::ErrorPrintingOff;
using h5::Handle;
using h5::hdf5_reason;

/// Thrown inside the reader; read_dataset() adds the path.
struct ReadFailure {
  std::string what;
};

hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) throw ReadFailure{what + ": " + hdf5_reason()};
  return id;
}
void check_rc(herr_t rc, const std::string& what) {
  if (rc < 0) throw ReadFailure{what + ": " + hdf5_reason()};
}

// Attributes the writer, the dimension-scale API or libnetcdf own: not part of the Dataset.
bool bookkeeping_attr(const std::string& n) {
  static const std::set<std::string> r{"_FillValue", "_nc3_strict", "_Netcdf4Dimid", "_Netcdf4Coordinates",
                                       "_NCProperties", "CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST"};
  return r.count(n) != 0;
}

herr_t collect_attr_name(hid_t /*loc*/, const char* name, const H5A_info_t* /*info*/, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}
herr_t collect_link_name(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

/// Names of an object's attributes in creation order (by name when creation order is not tracked).
std::vector<std::string> attr_names(hid_t obj, const std::string& what) {
  std::vector<std::string> names;
  hsize_t idx = 0;
  if (H5Aiterate2(obj, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_attr_name, &names) >= 0) return names;
  H5Eclear2(H5E_DEFAULT);
  names.clear();
  idx = 0;
  check_rc(H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr_name, &names), "list attributes of " + what);
  return names;
}

/// Names of the root group's links in creation order (by name when creation order is not tracked).
std::vector<std::string> link_names(hid_t file) {
  std::vector<std::string> names;
  hsize_t idx = 0;
  if (H5Literate(file, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_link_name, &names) >= 0) return names;
  H5Eclear2(H5E_DEFAULT);
  names.clear();
  idx = 0;
  check_rc(H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_link_name, &names), "list the root group");
  return names;
}

/// Text from a fixed-length string buffer: up to the first NUL (NULLTERM/NULLPAD), trailing blanks cut (SPACEPAD).
std::string fixed_text(const char* p, size_t n, H5T_str_t pad) {
  size_t len = 0;
  while (len < n && p[len] != '\0') ++len;
  std::string s(p, len);
  if (pad == H5T_STR_SPACEPAD)
    while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

/// Reads `n` strings (vlen or fixed-length) of a dataset or attribute. `read(memtype, buffer)` does the read.
template <class Read>
std::vector<std::string> read_strings(hid_t ftype, hid_t space, size_t n, const Read& read, const std::string& what) {
  std::vector<std::string> out;
  if (n == 0) return out;
  if (H5Tis_variable_str(ftype) > 0) {
    Handle mt(check_id(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
    check_rc(H5Tset_size(mt.get(), H5T_VARIABLE), "H5Tset_size");
    check_rc(H5Tset_cset(mt.get(), H5Tget_cset(ftype)), "H5Tset_cset");
    std::vector<char*> ptrs(n, nullptr);
    check_rc(read(mt.get(), ptrs.data()), "read " + what);
    for (char* p : ptrs) out.emplace_back(p != nullptr ? p : "");
    (void)H5Dvlen_reclaim(mt.get(), space, H5P_DEFAULT, ptrs.data());
    return out;
  }
  const size_t size = H5Tget_size(ftype);
  if (size == 0) throw ReadFailure{what + ": string type of size 0"};
  Handle mt(check_id(H5Tcopy(ftype), "H5Tcopy"), H5Tclose);
  std::vector<char> buf(size * n);
  check_rc(read(mt.get(), buf.data()), "read " + what);
  const H5T_str_t pad = H5Tget_strpad(ftype);
  for (size_t i = 0; i < n; ++i) out.push_back(fixed_text(buf.data() + i * size, size, pad));
  return out;
}

/// One attribute as an AttrValue; false (nothing set) for a type the writer never produces.
bool read_attr(hid_t obj, const std::string& name, const std::string& what, AttrValue& value) {
  const std::string w = "attribute '" + name + "' of " + what;
  Handle at(check_id(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open " + w), H5Aclose);
  Handle type(check_id(H5Aget_type(at.get()), "type of " + w), H5Tclose);
  Handle space(check_id(H5Aget_space(at.get()), "dataspace of " + w), H5Sclose);
  const H5S_class_t sclass = H5Sget_simple_extent_type(space.get());
  const hssize_t np = sclass == H5S_NULL ? 0 : H5Sget_simple_extent_npoints(space.get());
  if (np < 0) throw ReadFailure{"dataspace of " + w + ": " + hdf5_reason()};
  const auto n = static_cast<size_t>(np);
  switch (H5Tget_class(type.get())) {
    case H5T_STRING: {
      auto rd = [&](hid_t mt, void* buf) { return H5Aread(at.get(), mt, buf); };
      const auto texts = read_strings(type.get(), space.get(), n, rd, w);
      std::string joined;
      for (size_t i = 0; i < texts.size(); ++i) joined += (i ? "\n" : "") + texts[i];
      value = joined;
      return true;
    }
    case H5T_FLOAT: {
      if (n != 1) return false;
      double d = 0;
      check_rc(H5Aread(at.get(), H5T_NATIVE_DOUBLE, &d), "read " + w);
      value = d;
      return true;
    }
    case H5T_INTEGER: {
      if (sclass == H5S_SCALAR) {
        long long v = 0;
        check_rc(H5Aread(at.get(), H5T_NATIVE_LLONG, &v), "read " + w);
        value = v;
        return true;
      }
      if (n == 0 || H5Tget_size(type.get()) > 4) return false;
      std::vector<int32_t> iv(n);
      check_rc(H5Aread(at.get(), H5T_NATIVE_INT, iv.data()), "read " + w);
      value = std::move(iv);
      return true;
    }
    default:
      return false;
  }
}

/// Every attribute of `obj` except HDF5/netCDF bookkeeping; `has_fill` tells whether `_FillValue` was there.
std::vector<Attr> read_attrs(hid_t obj, const std::string& what, bool* has_fill = nullptr) {
  std::vector<Attr> out;
  for (const auto& name : attr_names(obj, what)) {
    if (name == "_FillValue" && has_fill != nullptr) *has_fill = true;
    if (bookkeeping_attr(name)) continue;
    Attr a{name, std::string()};
    if (read_attr(obj, name, what, a.value)) out.push_back(std::move(a));
  }
  return out;
}

/// The shape of a dataset.
std::vector<hsize_t> shape_of(hid_t dset, const std::string& what) {
  Handle space(check_id(H5Dget_space(dset), "dataspace of " + what), H5Sclose);
  const int nd = H5Sget_simple_extent_ndims(space.get());
  if (nd < 0) throw ReadFailure{"dataspace of " + what + ": " + hdf5_reason()};
  std::vector<hsize_t> dims(static_cast<size_t>(nd));
  if (nd > 0) check_rc(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), "shape of " + what);
  return dims;
}
size_t count_of(const std::vector<hsize_t>& shape) {
  size_t n = 1;
  for (hsize_t d : shape) n *= static_cast<size_t>(d);
  return n;
}

template <class T>
std::vector<T> read_numbers(hid_t dset, hid_t mtype, size_t n, const std::string& what) {
  std::vector<T> v(n);
  if (n > 0) check_rc(H5Dread(dset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read " + what);
  return v;
}

herr_t scale_name_visitor(hid_t /*dset*/, unsigned /*dim*/, hid_t scale, void* out) {
  char buf[1024];
  const ssize_t n = H5Iget_name(scale, buf, sizeof buf);
  std::string name = n > 0 ? std::string(buf, static_cast<size_t>(std::min<ssize_t>(n, sizeof buf - 1))) : "";
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  *static_cast<std::string*>(out) = name;
  return 1;  // the first scale attached to the dimension
}

/// The origin YYYY-MM-DD of a CF units text "days since YYYY-MM-DD 00:00:00" (the time part may be absent).
std::string origin_of(const std::string& units, const std::string& what) {
  const std::string pre = "days since ";
  auto digits = [&](size_t a, size_t b) {
    for (size_t i = a; i < b; ++i)
      if (units[i] < '0' || units[i] > '9') return false;
    return true;
  };
  const size_t p = pre.size();
  const bool ok = units.compare(0, p, pre) == 0 && units.size() >= p + 10 && digits(p, p + 4) && units[p + 4] == '-' &&
                  digits(p + 5, p + 7) && units[p + 7] == '-' && digits(p + 8, p + 10) &&
                  (units.size() == p + 10 || units.substr(p + 10) == " 00:00:00") &&
                  model::parse_iso_date(units.substr(p, 10)).has_value();  // a real calendar date
  if (!ok) throw ReadFailure{what + ": units '" + units + "', expected 'days since YYYY-MM-DD 00:00:00'"};
  return units.substr(p, 10);
}

TimeAxis read_time_axis(hid_t file, hid_t dset, const std::string& name) {
  const std::string what = "time coordinate '" + name + "'";
  TimeAxis t;
  t.name = name;
  const auto attrs = read_attrs(dset, what);
  t.origin = origin_of(text_attr(attrs, "units"), what);
  t.long_name = text_attr(attrs, "long_name");
  const auto shape = shape_of(dset, what);
  if (shape.size() != 1) throw ReadFailure{what + ": not one-dimensional"};
  t.days = read_numbers<int32_t>(dset, H5T_NATIVE_INT, count_of(shape), what);
  const std::string bname = text_attr(attrs, "bounds");
  if (bname.empty()) return t;
  const std::string bwhat = "bounds '" + bname + "' of " + what;
  Handle b(check_id(H5Dopen2(file, bname.c_str(), H5P_DEFAULT), "open " + bwhat), H5Dclose);
  const auto bshape = shape_of(b.get(), bwhat);
  if (bshape.size() != 2 || bshape[0] != shape[0] || bshape[1] != 2)
    throw ReadFailure{bwhat + ": shape is not (" + std::to_string(shape[0]) + ", 2)"};
  const auto flat = read_numbers<int32_t>(b.get(), H5T_NATIVE_INT, count_of(bshape), bwhat);
  for (size_t i = 0; i < t.days.size(); ++i) t.bounds.push_back({flat[2 * i], flat[2 * i + 1]});
  return t;
}

LabelAxis read_label_axis(hid_t dset, const std::string& name) {
  const std::string what = "label coordinate '" + name + "'";
  LabelAxis l;
  l.name = name;
  l.long_name = text_attr(read_attrs(dset, what), "long_name");
  const auto shape = shape_of(dset, what);
  if (shape.size() != 1) throw ReadFailure{what + ": not one-dimensional"};
  Handle type(check_id(H5Dget_type(dset), "type of " + what), H5Tclose);
  Handle space(check_id(H5Dget_space(dset), "dataspace of " + what), H5Sclose);
  auto rd = [&](hid_t mt, void* buf) { return H5Dread(dset, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf); };
  l.labels = read_strings(type.get(), space.get(), count_of(shape), rd, what);
  return l;
}

Variable read_variable(hid_t dset, const std::string& name, H5T_class_t cls) {
  const std::string what = "variable '" + name + "'";
  Variable v;
  v.name = name;
  bool has_fill = false;
  v.attrs = read_attrs(dset, what, &has_fill);
  const auto shape = shape_of(dset, what);
  for (unsigned i = 0; i < shape.size(); ++i) {
    std::string dim;
    if (H5DSiterate_scales(dset, i, nullptr, scale_name_visitor, &dim) < 0 || dim.empty())
      throw ReadFailure{what + ": dimension " + std::to_string(i) + " has no dimension scale"};
    v.dims.push_back(dim);
  }
  v.is_int = cls == H5T_INTEGER;
  v.int_fill = v.is_int && has_fill;
  if (v.is_int)
    v.idata = read_numbers<int32_t>(dset, H5T_NATIVE_INT, count_of(shape), what);
  else
    v.data = read_numbers<double>(dset, H5T_NATIVE_DOUBLE, count_of(shape), what);
  return v;
}

/// Reads every coordinate and variable of the root group into `ds` (root attributes already read).
void read_objects(hid_t file, Dataset& ds) {
  std::set<std::string> bounds_names;
  for (const auto& name : link_names(file)) {
    Handle obj(check_id(H5Oopen(file, name.c_str(), H5P_DEFAULT), "open '" + name + "'"), H5Oclose);
    if (H5Iget_type(obj.get()) != H5I_DATASET) continue;
    const hid_t d = obj.get();
    Handle type(check_id(H5Dget_type(d), "type of '" + name + "'"), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.get());
    const htri_t scale = H5DSis_scale(d);
    if (scale > 0) {
      if (name == "nv") continue;  // the bounds dimension (libnetcdf's "dimension without variable")
      if (cls == H5T_STRING) {
        ds.label_axes.push_back(read_label_axis(d, name));
      } else if (cls == H5T_INTEGER) {
        ds.time_axes.push_back(read_time_axis(file, d, name));
        if (!ds.time_axes.back().bounds.empty()) bounds_names.insert(text_attr(read_attrs(d, name), "bounds"));
      } else {
        throw ReadFailure{"coordinate '" + name + "' is neither a time axis (int32 days) nor labels (strings)"};
      }
      continue;
    }
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
      throw ReadFailure{"variable '" + name + "' is neither float64 nor int32"};
    ds.variables.push_back(read_variable(d, name, cls));
  }
  // Bounds datasets were read with their time axis; drop them from the variables (they may come first).
  std::erase_if(ds.variables, [&](const Variable& v) { return bounds_names.count(v.name) != 0; });
  // Every dimension of every variable must be a coordinate we read, with a matching length.
  for (const auto& v : ds.variables) {
    size_t n = 1;
    for (const auto& dim : v.dims) {
      const TimeAxis* t = find_time_axis(ds, dim);
      const LabelAxis* l = find_label_axis(ds, dim);
      if (t == nullptr && l == nullptr) throw ReadFailure{"variable '" + v.name + "': unknown dimension '" + dim + "'"};
      n *= t != nullptr ? t->days.size() : l->labels.size();
    }
    if ((v.is_int ? v.idata.size() : v.data.size()) != n)
      throw ReadFailure{"variable '" + v.name + "': its shape does not match its dimensions"};
  }
}

[[noreturn]] void not_a_run_file(const std::string& path, const std::string& why) {
  throw InputError(SourceLoc{path, 0, 0}, "", "not a caspflow run file (" + why + "); expected the output of `caspflow run`");
}

/// Opens `path` read-only, after telling a missing or unreadable file (IoError) from one that is not HDF5
/// (InputError).
Handle open_file(const std::string& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st))
    throw IoError("cannot read '" + path + "': " + (ec ? ec.message() : std::string("no such file")));
  if (std::filesystem::is_directory(st)) throw IoError("cannot read '" + path + "': it is a directory");
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
  } else {
    throw IoError("cannot read '" + path + "': " + std::strerror(errno));
  }
  const htri_t is = H5Fis_hdf5(path.c_str());
  if (is == 0) not_a_run_file(path, "not an HDF5 file");
  if (is < 0) throw IoError("cannot read '" + path + "': " + hdf5_reason());
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw IoError("cannot read '" + path + "': " + hdf5_reason());
  return {f, H5Fclose};
}

}  // namespace

int format_major(const std::string& version) {
  const auto dot = version.find('.');
  const std::string major = version.substr(0, dot);
  if (major.empty() || major.size() > 6 || major.find_first_not_of("0123456789") != std::string::npos) return -1;
  if (dot != std::string::npos) {
    const std::string minor = version.substr(dot + 1);
    if (minor.empty() || minor.find_first_not_of("0123456789") != std::string::npos) return -1;
  }
  return std::stoi(major);
}

std::string FormatVersion::text() const {
  return major < 0 ? std::string("?") : std::to_string(major) + "." + std::to_string(minor < 0 ? 0 : minor);
}

FormatVersion format_version(const std::vector<Attr>& attrs) {
  FormatVersion v;
  const Attr* fv = find_attr(attrs, "format_version");
  if (fv == nullptr) return v;
  if (const auto* arr = std::get_if<std::vector<int32_t>>(&fv->value)) {
    if (arr->size() == 2 && (*arr)[0] >= 0 && (*arr)[1] >= 0) v = FormatVersion{(*arr)[0], (*arr)[1]};
  } else if (const auto* t = std::get_if<std::string>(&fv->value)) {
    v.major = format_major(*t);
    const auto dot = t->find('.');
    v.minor = v.major < 0 ? -1 : dot == std::string::npos ? 0 : std::stoi(t->substr(dot + 1).substr(0, 6));
  }
  return v;
}

Dataset read_dataset(const std::string& path) {
  ErrorPrintingOff quiet;
  Handle file = open_file(path);
  Dataset ds;
  try {
    ds.attrs = read_attrs(file.get(), "the root group");
  } catch (const ReadFailure& e) {
    throw IoError("cannot read '" + path + "': " + e.what);
  }
  const Attr* src = find_attr(ds.attrs, "source");
  const auto* srcv = src != nullptr ? std::get_if<std::string>(&src->value) : nullptr;
  if (srcv == nullptr || *srcv != "caspflow")
    not_a_run_file(path, srcv == nullptr ? "no root attribute 'source'" : "root attribute source = '" + *srcv + "', not 'caspflow'");
  const std::string filetype = text_attr(ds.attrs, "filetype", "caspflow run");  // 1.0-1.2 files have none
  if (filetype != "caspflow run")
    not_a_run_file(path, "root attribute filetype = '" + filetype + "', not 'caspflow run'");
  if (find_attr(ds.attrs, "format_version") == nullptr) not_a_run_file(path, "no root attribute 'format_version'");
  const FormatVersion version = format_version(ds.attrs);
  if (version.major != 1)
    throw InputError(SourceLoc{path, 0, 0}, "format_version",
                     "found " + version.text() + ", expected 1.x (this caspflow reads format 1; see docs/output-format.md)");
  try {
    read_objects(file.get(), ds);
  } catch (const ReadFailure& e) {
    throw IoError("cannot read '" + path + "': " + e.what);
  }
  return ds;
}

const Attr* find_attr(const std::vector<Attr>& attrs, const std::string& name) {
  for (const auto& a : attrs)
    if (a.name == name) return &a;
  return nullptr;
}

std::string text_attr(const std::vector<Attr>& attrs, const std::string& name, const std::string& fallback) {
  const Attr* a = find_attr(attrs, name);
  if (a == nullptr) return fallback;
  const auto* s = std::get_if<std::string>(&a->value);
  return s != nullptr ? *s : fallback;
}

const Variable* find_variable(const Dataset& ds, const std::string& name) {
  for (const auto& v : ds.variables)
    if (v.name == name) return &v;
  return nullptr;
}

const LabelAxis* find_label_axis(const Dataset& ds, const std::string& name) {
  for (const auto& l : ds.label_axes)
    if (l.name == name) return &l;
  return nullptr;
}

const TimeAxis* find_time_axis(const Dataset& ds, const std::string& name) {
  for (const auto& t : ds.time_axes)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace caspflow::outputs
