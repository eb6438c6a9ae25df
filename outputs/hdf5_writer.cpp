#include "caspflow/outputs/hdf5_writer.hpp"

#include <hdf5.h>
#include <fcntl.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "caspflow/model/errors.hpp"
#include "caspflow/model/series.hpp"
#include "caspflow/outputs/hdf5_util.hpp"
#include "caspflow/outputs/output_file.hpp"

namespace caspflow::outputs {
namespace {

static_assert(sizeof(int) == sizeof(int32_t), "H5T_NATIVE_INT is used for int32 data");
static_assert(sizeof(std::array<int32_t, 2>) == 2 * sizeof(int32_t), "bounds are written as a flat int32 array");

// ---------------------------------------------------------------------------------------------------------------
using h5::ErrorPrintingOff;
using h5::Handle;
using h5::hdf5_reason;

/// Thrown inside the writer; write_dataset() adds the path.
struct WriteFailure {
  std::string what;
};

hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) throw WriteFailure{what + ": " + hdf5_reason()};
  return id;
}
void check_rc(herr_t rc, const std::string& what) {
  if (rc < 0) throw WriteFailure{what + ": " + hdf5_reason()};
}

Handle plist(hid_t cls, const std::string& what) { return {check_id(H5Pcreate(cls), what), H5Pclose}; }
Handle scalar_space() { return {check_id(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose}; }
Handle simple_space(const std::vector<hsize_t>& shape) {
  if (shape.empty()) return scalar_space();
  return {check_id(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), "H5Screate_simple"),
          H5Sclose};
}
/// Variable-length UTF-8 string type (netCDF NC_STRING).
Handle vlen_utf8() {
  Handle t(check_id(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
  check_rc(H5Tset_size(t.get(), H5T_VARIABLE), "H5Tset_size");
  check_rc(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset");
  return t;
}
/// Dataset-creation property list with attribute creation order tracked (as libnetcdf does).
Handle ordered_dcpl() {
  Handle p = plist(H5P_DATASET_CREATE, "H5Pcreate(dataset)");
  check_rc(H5Pset_attr_creation_order(p.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
           "H5Pset_attr_creation_order");
  return p;
}

/// Fixed-length UTF-8 char type of `n` bytes (netCDF NC_CHAR; libnetcdf writes NC_CHAR attributes this way).
Handle fixed_utf8(size_t n) {
  Handle t(check_id(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
  check_rc(H5Tset_size(t.get(), std::max<size_t>(n, 1)), "H5Tset_size");
  check_rc(H5Tset_strpad(t.get(), H5T_STR_NULLTERM), "H5Tset_strpad");
  check_rc(H5Tset_cset(t.get(), H5T_CSET_UTF8), "H5Tset_cset");
  return t;
}

void write_attr(hid_t loc, const std::string& obj, const Attr& a) {
  const std::string what = "attribute '" + a.name + "' of '" + obj + "'";
  auto create = [&](hid_t type, hid_t space) {
    return Handle(check_id(H5Acreate2(loc, a.name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), "create " + what),
                  H5Aclose);
  };
  if (const auto* s = std::get_if<std::string>(&a.value)) {
    // Text: fixed-length char (NC_CHAR), as CF and NCO expect; not vlen strings (NC_STRING). An empty text is a
    // null dataspace of a 1-byte char type, which libnetcdf reads as a zero-length NC_CHAR attribute.
    Handle t = fixed_utf8(s->size());
    if (s->empty()) {
      Handle space(check_id(H5Screate(H5S_NULL), "H5Screate(null)"), H5Sclose);
      (void)create(t.get(), space.get());
      return;
    }
    Handle space = scalar_space();
    Handle at = create(t.get(), space.get());
    check_rc(H5Awrite(at.get(), t.get(), s->data()), "write " + what);
  } else if (const auto* d = std::get_if<double>(&a.value)) {
    Handle space = scalar_space();
    Handle at = create(H5T_IEEE_F64LE, space.get());
    check_rc(H5Awrite(at.get(), H5T_NATIVE_DOUBLE, d), "write " + what);
  } else if (const auto* iv = std::get_if<std::vector<int32_t>>(&a.value)) {
    Handle space = simple_space({iv->size()});
    Handle at = create(H5T_STD_I32LE, space.get());
    check_rc(H5Awrite(at.get(), H5T_NATIVE_INT, iv->data()), "write " + what);
  } else {
    const long long v = std::get<long long>(a.value);
    Handle space = scalar_space();
    Handle at = create(H5T_STD_I64LE, space.get());
    check_rc(H5Awrite(at.get(), H5T_NATIVE_LLONG, &v), "write " + what);
  }
}
void write_text_attr(hid_t loc, const std::string& obj, const std::string& name, const std::string& value) {
  write_attr(loc, obj, Attr{name, value});
}

// ---------------------------------------------------------------------------------------------------------------
// Validation (before anything is created).

bool valid_utf8(const std::string& s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;  // an embedded NUL would silently truncate the HDF5 string
    int len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(len) > n) return false;
    for (int k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values beyond U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += static_cast<size_t>(len);
  }
  return true;
}

bool valid_origin(const std::string& s) { return model::parse_iso_date(s).has_value(); }  // a real date

bool valid_name(const std::string& n) {
  return !n.empty() && n.find('/') == std::string::npos && n.find('\0') == std::string::npos && n != "." &&
         valid_utf8(n);
}

// Attributes the writer (or the dimension-scale API, or libnetcdf) owns.
const std::set<std::string>& reserved_attrs() {
  static const std::set<std::string> r{"_FillValue", "_nc3_strict",  "_Netcdf4Dimid", "_Netcdf4Coordinates",
                                       "_NCProperties", "CLASS",     "NAME",          "REFERENCE_LIST",
                                       "DIMENSION_LIST"};
  return r;
}

void check_attrs(const std::vector<Attr>& attrs, const std::string& obj, const std::set<std::string>& also_taken) {
  std::set<std::string> seen;
  for (const auto& a : attrs) {
    if (!valid_name(a.name)) throw WriteFailure{obj + ": invalid attribute name '" + a.name + "'"};
    if (reserved_attrs().count(a.name) != 0 || also_taken.count(a.name) != 0)
      throw WriteFailure{obj + ": attribute '" + a.name + "' is reserved (written by the writer)"};
    if (!seen.insert(a.name).second) throw WriteFailure{obj + ": duplicate attribute '" + a.name + "'"};
    if (const auto* s = std::get_if<std::string>(&a.value); s != nullptr && !valid_utf8(*s))
      throw WriteFailure{obj + ": attribute '" + a.name + "' is not valid UTF-8 text"};
    if (const auto* iv = std::get_if<std::vector<int32_t>>(&a.value); iv != nullptr && iv->empty())
      throw WriteFailure{obj + ": attribute '" + a.name + "' is an empty array"};
  }
}

struct DimInfo {
  hsize_t size = 0;
  const TimeAxis* time = nullptr;  // non-null for time axes
};

std::map<std::string, DimInfo> validate(const Dataset& ds) {
  std::map<std::string, DimInfo> dims;
  std::set<std::string> names;  // every HDF5 object name in the root group
  auto claim = [&](const std::string& n, const std::string& what) {
    if (!valid_name(n)) throw WriteFailure{"invalid " + what + " name '" + n + "'"};
    if (!names.insert(n).second) throw WriteFailure{"name '" + n + "' is used twice (" + what + ")"};
  };
  check_attrs(ds.attrs, "root", {});
  bool any_bounds = false;
  for (const auto& t : ds.time_axes) {
    claim(t.name, "time axis");
    if (!valid_origin(t.origin))
      throw WriteFailure{"time axis '" + t.name + "': origin '" + t.origin + "' is not YYYY-MM-DD"};
    if (!t.bounds.empty()) {
      if (t.bounds.size() != t.days.size())
        throw WriteFailure{"time axis '" + t.name + "': " + std::to_string(t.bounds.size()) + " bounds for " +
                           std::to_string(t.days.size()) + " values"};
      claim(t.name + "_bnds", "time bounds");
      any_bounds = true;
    }
    if (!valid_utf8(t.long_name)) throw WriteFailure{"time axis '" + t.name + "': long_name is not UTF-8"};
    dims[t.name] = DimInfo{t.days.size(), &t};
  }
  for (const auto& l : ds.label_axes) {
    claim(l.name, "label axis");
    std::set<std::string> seen;
    for (const auto& s : l.labels) {
      if (!valid_utf8(s)) throw WriteFailure{"label axis '" + l.name + "': a label is not valid UTF-8"};
      if (!seen.insert(s).second) throw WriteFailure{"label axis '" + l.name + "': duplicate label '" + s + "'"};
    }
    if (!valid_utf8(l.long_name)) throw WriteFailure{"label axis '" + l.name + "': long_name is not UTF-8"};
    dims[l.name] = DimInfo{l.labels.size(), nullptr};
  }
  if (any_bounds) claim("nv", "bounds dimension");
  for (const auto& v : ds.variables) {
    claim(v.name, "variable");
    const std::string obj = "variable '" + v.name + "'";
    size_t expected = 1;
    std::string shape;
    for (const auto& d : v.dims) {
      auto it = dims.find(d);
      if (it == dims.end()) throw WriteFailure{obj + ": unknown dimension '" + d + "'"};
      expected *= it->second.size;
      shape += (shape.empty() ? "" : " x ") + d + "=" + std::to_string(it->second.size);
    }
    const size_t got = v.is_int ? v.idata.size() : v.data.size();
    const size_t other = v.is_int ? v.data.size() : v.idata.size();
    if (got != expected)
      throw WriteFailure{obj + ": bad shape: " + std::to_string(got) + " values for (" +
                         (shape.empty() ? std::string("scalar") : shape) + ") = " + std::to_string(expected)};
    if (other != 0)
      throw WriteFailure{obj + ": " + (v.is_int ? "is_int but float data given" : "float but int data given")};
    if (v.int_fill && !v.is_int) throw WriteFailure{obj + ": int_fill on a float variable (float64 always has NaN fill)"};
    check_attrs(v.attrs, obj, {});
    for (const char* required : {"units", "long_name"}) {
      auto it = std::find_if(v.attrs.begin(), v.attrs.end(), [&](const Attr& a) { return a.name == required; });
      if (it == v.attrs.end()) throw WriteFailure{obj + ": missing attribute '" + required + "'"};
      if (!std::holds_alternative<std::string>(it->value))
        throw WriteFailure{obj + ": attribute '" + required + "' must be text"};
    }
  }
  return dims;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing.

constexpr hsize_t kMaxChunkBytes = 1024 * 1024;

/// Chunk shape: ~1 year along time axes, whole extent elsewhere, then halved (largest non-time dimension
/// first) until one chunk is <= 1 MiB.
std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& shape, const std::vector<const TimeAxis*>& time_of,
                                 size_t elem_bytes) {
  std::vector<hsize_t> c(shape);
  for (size_t i = 0; i < shape.size(); ++i) {
    const TimeAxis* t = time_of[i];
    if (t == nullptr) continue;
    double step = 1.0;
    if (t->days.size() >= 2)
      step = std::max(1.0, static_cast<double>(static_cast<int64_t>(t->days.back()) - t->days.front()) /
                               static_cast<double>(t->days.size() - 1));
    const auto per_year = static_cast<hsize_t>(std::max(1L, std::lround(366.0 / step)));
    c[i] = std::min(c[i], per_year);
  }
  auto bytes = [&] {
    hsize_t b = elem_bytes;
    for (hsize_t x : c) b *= x;
    return b;
  };
  while (bytes() > kMaxChunkBytes) {
    size_t pick = c.size();
    for (size_t i = 0; i < c.size(); ++i)
      if (time_of[i] == nullptr && c[i] > 1 && (pick == c.size() || c[i] > c[pick])) pick = i;
    if (pick == c.size())
      for (size_t i = 0; i < c.size(); ++i)
        if (c[i] > 1 && (pick == c.size() || c[i] > c[pick])) pick = i;
    if (pick == c.size()) break;
    c[pick] = (c[pick] + 1) / 2;
  }
  return c;
}

Handle create_dataset(hid_t file, const std::string& name, hid_t ftype, const std::vector<hsize_t>& shape,
                      hid_t dcpl) {
  Handle space = simple_space(shape);
  return {check_id(H5Dcreate2(file, name.c_str(), ftype, space.get(), H5P_DEFAULT, dcpl, H5P_DEFAULT),
                   "create dataset '" + name + "'"),
          H5Dclose};
}

void write_all(hid_t dset, hid_t mtype, const void* buf, size_t n, const std::string& name) {
  if (n == 0) return;
  // A 64 KiB type-conversion buffer instead of HDF5's default 1 MiB, allocated and cleared for every write.
  Handle dxpl = plist(H5P_DATASET_XFER, "H5Pcreate(dataset transfer)");
  check_rc(H5Pset_buffer(dxpl.get(), size_t{64} << 10, nullptr, nullptr), "H5Pset_buffer");
  check_rc(H5Dwrite(dset, mtype, H5S_ALL, H5S_ALL, dxpl.get(), buf), "write dataset '" + name + "'");
}

std::string time_units(const TimeAxis& t) { return "days since " + t.origin + " 00:00:00"; }

/// Builds the whole file in memory (HDF5 "core" driver without backing store) and returns its image. No disk I/O
/// happens inside HDF5: with HDF5 1.10 a failed H5Fclose (e.g. disk full while flushing) leaves a dangling file ID
/// that crashes the library's atexit clean-up, so the bytes are written to disk by write_image() instead.
std::vector<unsigned char> build_image(const Dataset& ds, const std::map<std::string, DimInfo>& dims,
                                       const std::string& name) {
  Handle fcpl = plist(H5P_FILE_CREATE, "H5Pcreate(file create)");
  check_rc(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
           "H5Pset_link_creation_order");
  check_rc(H5Pset_attr_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
           "H5Pset_attr_creation_order");
  Handle fapl = plist(H5P_FILE_ACCESS, "H5Pcreate(file access)");
  check_rc(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), "H5Pset_libver_bounds");
  // SEMI: H5Fclose fails (instead of silently deferring) if an object were still open.
  check_rc(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI), "H5Pset_fclose_degree");
  // The image grows by `increment`: about a quarter of the raw data, 64 KiB .. 16 MiB, so a small file does not
  // allocate and zero 4 MiB (start-up of small `caspflow hydraulics` runs, bench/README.md) and a large one is not
  // reallocated thousands of times.
  size_t raw = 0;
  for (const auto& v : ds.variables) raw += v.data.size() * sizeof(double) + v.idata.size() * sizeof(int32_t);
  const size_t increment = std::clamp<size_t>(raw / 4, size_t{64} << 10, size_t{16} << 20);
  check_rc(H5Pset_fapl_core(fapl.get(), increment, /*backing_store=*/false), "H5Pset_fapl_core");
  Handle file(check_id(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), "create file in memory"),
              H5Fclose);
  {
    const hid_t f = file.get();
    // Root attributes: Conventions first (unless the caller gives its own).
    const bool has_conv = std::any_of(ds.attrs.begin(), ds.attrs.end(),
                                      [](const Attr& a) { return a.name == "Conventions"; });
    if (!has_conv) write_text_attr(f, "/", "Conventions", "CF-1.8");
    for (const auto& a : ds.attrs) write_attr(f, "/", a);

    std::map<std::string, Handle> scales;
    // Time coordinates: int32 days since origin, CF attributes.
    for (const auto& t : ds.time_axes) {
      Handle dcpl = ordered_dcpl();
      Handle d = create_dataset(f, t.name, H5T_STD_I32LE, {t.days.size()}, dcpl.get());
      write_all(d.get(), H5T_NATIVE_INT, t.days.data(), t.days.size(), t.name);
      check_rc(H5DSset_scale(d.get(), t.name.c_str()), "H5DSset_scale '" + t.name + "'");
      write_text_attr(d.get(), t.name, "standard_name", "time");
      write_text_attr(d.get(), t.name, "long_name", t.long_name);
      write_text_attr(d.get(), t.name, "units", time_units(t));
      write_text_attr(d.get(), t.name, "calendar", "proleptic_gregorian");
      write_text_attr(d.get(), t.name, "axis", "T");
      if (!t.bounds.empty()) write_text_attr(d.get(), t.name, "bounds", t.name + "_bnds");
      scales.emplace(t.name, std::move(d));
    }
    // Label coordinates: vlen UTF-8, not compressed (netCDF-C refuses filters on vlen types).
    for (const auto& l : ds.label_axes) {
      Handle dcpl = ordered_dcpl();
      Handle st = vlen_utf8();
      Handle d = create_dataset(f, l.name, st.get(), {l.labels.size()}, dcpl.get());
      std::vector<const char*> ptrs;
      ptrs.reserve(l.labels.size());
      for (const auto& s : l.labels) ptrs.push_back(s.c_str());
      write_all(d.get(), st.get(), ptrs.data(), ptrs.size(), l.name);
      check_rc(H5DSset_scale(d.get(), l.name.c_str()), "H5DSset_scale '" + l.name + "'");
      write_text_attr(d.get(), l.name, "long_name", l.long_name);
      scales.emplace(l.name, std::move(d));
    }
    // Bounds: a pure dimension nv = 2 stored as libnetcdf does, then NAME_bnds(NAME, nv).
    const bool any_bounds = std::any_of(ds.time_axes.begin(), ds.time_axes.end(),
                                        [](const TimeAxis& t) { return !t.bounds.empty(); });
    if (any_bounds) {
      Handle dcpl = ordered_dcpl();
      Handle nv = create_dataset(f, "nv", H5T_IEEE_F32LE, {2}, dcpl.get());
      char scale_name[128];
      std::snprintf(scale_name, sizeof scale_name, "%s%10d", "This is a netCDF dimension but not a netCDF variable.",
                    2);
      check_rc(H5DSset_scale(nv.get(), scale_name), "H5DSset_scale 'nv'");
      for (const auto& t : ds.time_axes) {
        if (t.bounds.empty()) continue;
        const std::string bn = t.name + "_bnds";
        Handle bdcpl = ordered_dcpl();
        Handle b = create_dataset(f, bn, H5T_STD_I32LE, {t.bounds.size(), 2}, bdcpl.get());
        write_all(b.get(), H5T_NATIVE_INT, t.bounds.data(), 2 * t.bounds.size(), bn);
        check_rc(H5DSattach_scale(b.get(), scales.at(t.name).get(), 0), "H5DSattach_scale '" + bn + "' dim 0");
        check_rc(H5DSattach_scale(b.get(), nv.get(), 1), "H5DSattach_scale '" + bn + "' dim 1");
        write_text_attr(b.get(), bn, "long_name", "bounds of " + t.long_name);
        write_text_attr(b.get(), bn, "units", time_units(t));
        write_text_attr(b.get(), bn, "calendar", "proleptic_gregorian");
      }
    }
    // Data variables.
    for (const auto& v : ds.variables) {
      std::vector<hsize_t> shape;
      std::vector<const TimeAxis*> time_of;
      bool empty = false;
      for (const auto& d : v.dims) {
        const DimInfo& di = dims.at(d);
        shape.push_back(di.size);
        time_of.push_back(di.time);
        empty = empty || di.size == 0;
      }
      const hid_t ftype = v.is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE;
      const hid_t mtype = v.is_int ? H5T_NATIVE_INT : H5T_NATIVE_DOUBLE;
      const double nan = std::numeric_limits<double>::quiet_NaN();
      const int32_t ifill = kIntFill;
      // float64: NaN fill; int32: a fill value only when a value can be missing (otherwise no `_FillValue`, so
      // xarray keeps the integers as int32 instead of masking them into float64).
      const bool has_fill = !v.is_int || v.int_fill;
      const void* fill = v.is_int ? static_cast<const void*>(&ifill) : static_cast<const void*>(&nan);
      Handle dcpl = ordered_dcpl();
      if (has_fill) check_rc(H5Pset_fill_value(dcpl.get(), mtype, fill), "H5Pset_fill_value '" + v.name + "'");
      if (!shape.empty() && !empty) {
        const auto chunk = chunk_shape(shape, time_of, v.is_int ? 4 : 8);
        check_rc(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk");
        check_rc(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle");
        check_rc(H5Pset_deflate(dcpl.get(), 4), "H5Pset_deflate");
      }
      Handle d = create_dataset(f, v.name, ftype, shape, dcpl.get());
      if (v.is_int)
        write_all(d.get(), mtype, v.idata.data(), v.idata.size(), v.name);
      else
        write_all(d.get(), mtype, v.data.data(), v.data.size(), v.name);
      for (size_t i = 0; i < v.dims.size(); ++i)
        check_rc(H5DSattach_scale(d.get(), scales.at(v.dims[i]).get(), static_cast<unsigned>(i)),
                 "H5DSattach_scale '" + v.name + "' dim " + std::to_string(i));
      if (has_fill) {
        Handle space = scalar_space();
        Handle at(check_id(H5Acreate2(d.get(), "_FillValue", ftype, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                           "create _FillValue of '" + v.name + "'"),
                  H5Aclose);
        check_rc(H5Awrite(at.get(), mtype, fill), "write _FillValue of '" + v.name + "'");
      }
      for (const auto& a : v.attrs) write_attr(d.get(), v.name, a);
    }
  }  // every object handle is closed here, before the file
  check_rc(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "H5Fflush");
  const ssize_t size = H5Fget_file_image(file.get(), nullptr, 0);
  if (size <= 0) throw WriteFailure{"H5Fget_file_image: " + hdf5_reason()};
  std::vector<unsigned char> image(static_cast<size_t>(size));
  if (H5Fget_file_image(file.get(), image.data(), image.size()) != size)
    throw WriteFailure{"H5Fget_file_image: " + hdf5_reason()};
  check_rc(file.close(), "close file");
  return image;
}

}  // namespace

std::vector<Attr> index_flag_attrs(const std::vector<std::string>& labels) {
  if (labels.empty()) return {};
  std::vector<int32_t> values;
  std::vector<std::string> words;
  std::string meanings;
  for (size_t i = 0; i < labels.size(); ++i) {
    std::string base;
    for (const char ch : labels[i]) {
      const auto c = static_cast<unsigned char>(ch);
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '-' || c == '.' || c == '+' || c == '@';
      base += ok ? ch : '_';
    }
    if (base.empty()) base = "_";
    std::string w = base;
    for (int k = 2; std::find(words.begin(), words.end(), w) != words.end(); ++k) w = base + "_" + std::to_string(k);
    words.push_back(w);
    values.push_back(static_cast<int32_t>(i));
    meanings += (i ? " " : "") + w;
  }
  return {Attr{"flag_values", std::move(values)}, Attr{"flag_meanings", std::move(meanings)}};
}

void write_dataset(const Dataset& ds, const std::string& path) {
  ErrorPrintingOff quiet;
  std::map<std::string, DimInfo> dims;
  try {
    dims = validate(ds);
  } catch (const WriteFailure& e) {
    throw IoError("cannot write '" + path + "': " + e.what);
  }
  // Never touches the disk (core driver without backing store): the name only labels the in-memory file.
  const std::string mem_name = path + kTempInfix + "in-memory";
  std::vector<unsigned char> image;
  try {
    image = build_image(ds, dims, mem_name);
  } catch (const WriteFailure& e) {
    throw IoError("cannot write '" + path + "': " + e.what);
  }
  // Temporary with O_EXCL and a random name beside `path`, fsync, rename; removed on error and on signals.
  write_file_atomically(path, image.data(), image.size());
}

}  // namespace caspflow::outputs
