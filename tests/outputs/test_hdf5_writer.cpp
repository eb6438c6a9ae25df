// Tests of outputs/hdf5_writer: a small synthetic Dataset is written and read back with the HDF5 C API.
// Expected values are the inputs themselves (a writer must round-trip them exactly) and the layout rules of the
// netCDF-4 format spec as summarised in /work/shared/reference/hdf5-netcdf-recipe.md (creation order tracked,
// a dimension scale on every dimension, vlen UTF-8 strings, CF time attributes, the libnetcdf "pure dimension"
// NAME for nv). The file "writer_generic.h5" is left in the working directory for tests/python/check_generic.py.
#include <doctest/doctest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <sys/resource.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "caspflow/model/errors.hpp"
#include "caspflow/outputs/hdf5_writer.hpp"

namespace fs = std::filesystem;
using namespace caspflow::outputs;

namespace {

constexpr int kDays = 400;  // 2025-01-01 .. 2026-02-04: crosses a year boundary

Dataset make_generic() {
  Dataset ds;
  ds.attrs = {{"title", std::string("writer test: Türkiye, Azərbaycan, Қазақстан")},
              {"answer", 42LL},
              {"pi", 3.141592653589793},
              {"empty_note", std::string()}};
  TimeAxis time{"time", "2025-01-01", {}, "start of day", {}};
  for (int d = 0; d < kDays; ++d) time.days.push_back(d);
  // Years: Jan 1 2025 (day 0) and Jan 1 2026 (day 365: 2025 is not a leap year); bounds clipped at day 400.
  TimeAxis year{"year", "2025-01-01", {0, 365}, "calendar year", {{{0, 365}}, {{365, kDays}}}};
  ds.time_axes = {time, year};
  ds.label_axes = {{"leg", {"tanker", "btc", "cpc"}, "transport leg"},
                   {"node", {"aktau", "sangachal", "Türkiye/Ceyhan", "novorossiysk"}, "node"}};
  Variable flow{"flow", {"time", "leg"}, {}, {}, false, {{"units", std::string("t/d")},
                                                         {"long_name", std::string("mass flow into leg")}}};
  for (int d = 0; d < kDays; ++d)
    for (int l = 0; l < 3; ++l) flow.data.push_back(1000.0 * l + d + 0.25);
  flow.data[5] = std::nan("");  // a missing value must survive as NaN (the fill value)
  Variable inv{"inventory", {"time", "node"}, {}, {}, false, {{"units", std::string("m3")},
                                                               {"long_name", std::string("stock at end of day")}}};
  for (int d = 0; d < kDays; ++d)
    for (int n = 0; n < 4; ++n) inv.data.push_back(-1.5 * n + 1e6 + d);
  Variable limit{"limit", {"time", "leg"}, {}, {}, true, {{"units", std::string("1")},
                                                          {"long_name", std::string("binding constraint index")},
                                                          {"flag_values", std::vector<int32_t>{-1, 0, 1, 2, 3}},
                                                          {"flag_meanings", std::string("none a b c d")}}};
  for (int d = 0; d < kDays; ++d)
    for (int l = 0; l < 3; ++l) limit.idata.push_back((d + l) % 5 - 1);
  // An int32 variable that can have missing values: `_FillValue` = kIntFill only on request (int_fill).
  Variable code{"code", {"leg"}, {}, {7, kIntFill, 9}, true, {{"units", std::string("1")},
                                                             {"long_name", std::string("code, one missing")}}, true};
  Variable annual{"annual_flow", {"year", "leg"}, {}, {}, false, {{"units", std::string("t")},
                                                                  {"long_name", std::string("annual flow")},
                                                                  {"cell_methods", std::string("year: sum")}}};
  for (int y = 0; y < 2; ++y)
    for (int l = 0; l < 3; ++l) annual.data.push_back(1e9 * y + l);
  Variable scalar{"residual", {}, {1.25e-12}, {}, false, {{"units", std::string("1")},
                                                          {"long_name", std::string("a scalar")},
                                                          {"count", 7LL}}};
  ds.variables = {flow, inv, limit, code, annual, scalar};
  return ds;
}

// --- small readers (they return plain values; failures show up as CHECK failures) ---------------------------
// Text attributes are fixed-length char (netCDF NC_CHAR, CF): NULLTERM, UTF-8, scalar of exactly the text's length
// (an empty text: a null dataspace, as libnetcdf writes a zero-length NC_CHAR).
std::string read_str_attr(hid_t obj, const char* name) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  REQUIRE(a >= 0);
  hid_t t = H5Aget_type(a);
  CHECK(H5Tget_class(t) == H5T_STRING);
  CHECK(H5Tis_variable_str(t) == 0);
  CHECK(H5Tget_cset(t) == H5T_CSET_UTF8);
  CHECK(H5Tget_strpad(t) == H5T_STR_NULLTERM);
  hid_t s = H5Aget_space(a);
  std::string out;
  if (H5Sget_simple_extent_type(s) == H5S_NULL) {
    CHECK(H5Tget_size(t) == 1);
  } else {
    CHECK(H5Sget_simple_extent_type(s) == H5S_SCALAR);
    std::vector<char> buf(H5Tget_size(t) + 1, '\0');
    REQUIRE(H5Aread(a, t, buf.data()) >= 0);
    out.assign(buf.data(), H5Tget_size(t));
    CHECK(out.find('\0') == std::string::npos);  // exactly the text, no padding
  }
  H5Sclose(s);
  H5Tclose(t);
  H5Aclose(a);
  return out;
}
template <class T>
T read_num_attr(hid_t obj, const char* name, hid_t mem_type, H5T_class_t cls) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  REQUIRE(a >= 0);
  hid_t t = H5Aget_type(a);
  CHECK(H5Tget_class(t) == cls);
  T v{};
  REQUIRE(H5Aread(a, mem_type, &v) >= 0);
  H5Tclose(t);
  H5Aclose(a);
  return v;
}
std::vector<hsize_t> shape_of(hid_t d) {
  hid_t s = H5Dget_space(d);
  int n = H5Sget_simple_extent_ndims(s);
  std::vector<hsize_t> dims(static_cast<size_t>(n));
  if (n > 0) H5Sget_simple_extent_dims(s, dims.data(), nullptr);
  H5Sclose(s);
  return dims;
}
bool leftover_tmp(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos ||
        e.path().filename().string().find(".caspflow-tmp.") != std::string::npos)
      return true;
  return false;
}

}  // namespace

TEST_CASE("write_dataset: generic file round-trips through the HDF5 C API") {
  const std::string path = "writer_generic.h5";
  fs::remove(path);
  const Dataset ds = make_generic();
  REQUIRE_NOTHROW(write_dataset(ds, path));
  REQUIRE(fs::exists(path));
  CHECK_FALSE(leftover_tmp(fs::current_path()));

  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);

  // Creation order tracked on the root group (netCDF-4 needs it to open the file for writing).
  hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);
  hid_t gcpl = H5Gget_create_plist(root);
  unsigned crt = 0;
  H5Pget_link_creation_order(gcpl, &crt);
  CHECK((crt & H5P_CRT_ORDER_TRACKED) != 0);
  H5Pget_attr_creation_order(gcpl, &crt);
  CHECK((crt & H5P_CRT_ORDER_TRACKED) != 0);
  H5Pclose(gcpl);
  H5Gclose(root);

  // Root attributes: Conventions added by the writer, the caller's text/number attributes unchanged.
  CHECK(read_str_attr(f, "Conventions") == "CF-1.8");
  CHECK(read_str_attr(f, "title") == "writer test: Türkiye, Azərbaycan, Қазақстан");
  CHECK(read_num_attr<long long>(f, "answer", H5T_NATIVE_LLONG, H5T_INTEGER) == 42);
  CHECK(read_num_attr<double>(f, "pi", H5T_NATIVE_DOUBLE, H5T_FLOAT) == 3.141592653589793);
  CHECK(read_str_attr(f, "empty_note").empty());

  // time: int32, 400 days, CF attributes (recipe §1 "Store time as CF").
  hid_t time = H5Dopen2(f, "time", H5P_DEFAULT);
  REQUIRE(time >= 0);
  CHECK(H5DSis_scale(time) > 0);
  CHECK(shape_of(time) == std::vector<hsize_t>{kDays});
  {
    hid_t t = H5Dget_type(time);
    CHECK(H5Tget_class(t) == H5T_INTEGER);
    CHECK(H5Tget_size(t) == 4);
    H5Tclose(t);
    std::vector<int> days(kDays);
    H5Dread(time, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, days.data());
    CHECK(days.front() == 0);
    CHECK(days.back() == kDays - 1);
  }
  CHECK(read_str_attr(time, "units") == "days since 2025-01-01 00:00:00");
  CHECK(read_str_attr(time, "calendar") == "proleptic_gregorian");
  CHECK(read_str_attr(time, "standard_name") == "time");
  CHECK(read_str_attr(time, "axis") == "T");
  CHECK(H5Aexists(time, "bounds") == 0);

  // year + year_bnds(year, nv) and the pure dimension nv (libnetcdf's NAME, recipe §1 item 3).
  hid_t year = H5Dopen2(f, "year", H5P_DEFAULT);
  REQUIRE(year >= 0);
  CHECK(read_str_attr(year, "bounds") == "year_bnds");
  hid_t bnds = H5Dopen2(f, "year_bnds", H5P_DEFAULT);
  REQUIRE(bnds >= 0);
  CHECK(shape_of(bnds) == std::vector<hsize_t>{2, 2});
  {
    int b[4] = {};
    H5Dread(bnds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, b);
    CHECK(b[0] == 0);
    CHECK(b[1] == 365);
    CHECK(b[2] == 365);
    CHECK(b[3] == kDays);
  }
  hid_t nv = H5Dopen2(f, "nv", H5P_DEFAULT);
  REQUIRE(nv >= 0);
  {
    char name[128] = {};
    H5DSget_scale_name(nv, name, sizeof name);
    CHECK(std::string(name) == "This is a netCDF dimension but not a netCDF variable.         2");
  }
  CHECK(H5DSis_attached(bnds, year, 0) > 0);
  CHECK(H5DSis_attached(bnds, nv, 1) > 0);

  // Labels: vlen UTF-8, non-ASCII intact.
  hid_t node = H5Dopen2(f, "node", H5P_DEFAULT);
  REQUIRE(node >= 0);
  {
    hid_t t = H5Dget_type(node);
    CHECK(H5Tis_variable_str(t) > 0);
    CHECK(H5Tget_cset(t) == H5T_CSET_UTF8);
    std::vector<char*> labels(4, nullptr);
    REQUIRE(H5Dread(node, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels.data()) >= 0);
    CHECK(std::string(labels[2]) == "Türkiye/Ceyhan");
    CHECK(std::string(labels[3]) == "novorossiysk");
    hid_t s = H5Dget_space(node);
    H5Dvlen_reclaim(t, s, H5P_DEFAULT, labels.data());
    H5Sclose(s);
    H5Tclose(t);
  }
  CHECK(read_str_attr(node, "long_name") == "node");

  // flow(time, leg): float64 values, NaN fill, scales on both dimensions, chunk ~1 year, shuffle + deflate.
  hid_t flow = H5Dopen2(f, "flow", H5P_DEFAULT);
  hid_t leg = H5Dopen2(f, "leg", H5P_DEFAULT);
  REQUIRE(flow >= 0);
  CHECK(shape_of(flow) == std::vector<hsize_t>{kDays, 3});
  {
    std::vector<double> v(kDays * 3);
    H5Dread(flow, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    CHECK(v[0] == 0.25);
    CHECK(std::isnan(v[5]));
    CHECK(v[3 * 399 + 2] == 2000.0 + 399 + 0.25);
    CHECK(std::isnan(read_num_attr<double>(flow, "_FillValue", H5T_NATIVE_DOUBLE, H5T_FLOAT)));
    hid_t dcpl = H5Dget_create_plist(flow);
    CHECK(H5Pget_layout(dcpl) == H5D_CHUNKED);
    hsize_t chunk[2] = {};
    H5Pget_chunk(dcpl, 2, chunk);
    CHECK(chunk[0] == 366);  // ~1 year of days (writer contract)
    CHECK(chunk[1] == 3);
    int nfilt = H5Pget_nfilters(dcpl);
    std::vector<H5Z_filter_t> ids;
    for (int i = 0; i < nfilt; ++i) {
      unsigned flags = 0;
      size_t nel = 0;
      unsigned cd = 0;
      ids.push_back(H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nel, &cd, 0, nullptr, nullptr));
    }
    CHECK(ids == std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE});
    H5Pclose(dcpl);
  }
  CHECK(H5DSget_num_scales(flow, 0) == 1);
  CHECK(H5DSget_num_scales(flow, 1) == 1);
  CHECK(H5DSis_attached(flow, time, 0) > 0);
  CHECK(H5DSis_attached(flow, leg, 1) > 0);
  CHECK(read_str_attr(flow, "units") == "t/d");
  CHECK(read_str_attr(flow, "long_name") == "mass flow into leg");

  // limit: int32 without _FillValue (no value can be missing: xarray keeps int32); flag_values an int32 array.
  hid_t limit = H5Dopen2(f, "limit", H5P_DEFAULT);
  REQUIRE(limit >= 0);
  {
    hid_t t = H5Dget_type(limit);
    CHECK(H5Tget_class(t) == H5T_INTEGER);
    CHECK(H5Tget_size(t) == 4);
    H5Tclose(t);
    CHECK(H5Aexists(limit, "_FillValue") == 0);
    hid_t a = H5Aopen(limit, "flag_values", H5P_DEFAULT);
    REQUIRE(a >= 0);
    hid_t at = H5Aget_type(a);
    CHECK(H5Tget_class(at) == H5T_INTEGER);
    CHECK(H5Tget_size(at) == 4);
    hid_t as = H5Aget_space(a);
    CHECK(H5Sget_simple_extent_npoints(as) == 5);
    int fv[5] = {};
    H5Aread(a, H5T_NATIVE_INT, fv);
    CHECK(fv[0] == -1);
    CHECK(fv[4] == 3);
    H5Sclose(as);
    H5Tclose(at);
    H5Aclose(a);
    CHECK(read_str_attr(limit, "flag_meanings") == "none a b c d");
    std::vector<int> v(kDays * 3);
    H5Dread(limit, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    CHECK(v[0] == -1);
    CHECK(v[3 * 10 + 2] == 1);  // (10 + 2) % 5 - 1
  }

  // code: int32 with int_fill: `_FillValue` = NC_FILL_INT.
  hid_t code = H5Dopen2(f, "code", H5P_DEFAULT);
  REQUIRE(code >= 0);
  CHECK(read_num_attr<int>(code, "_FillValue", H5T_NATIVE_INT, H5T_INTEGER) == kIntFill);

  // annual_flow(year, leg): chunk of one year along the yearly axis; scalar variable has a scalar space.
  hid_t annual = H5Dopen2(f, "annual_flow", H5P_DEFAULT);
  REQUIRE(annual >= 0);
  CHECK(H5DSis_attached(annual, year, 0) > 0);
  CHECK(read_str_attr(annual, "cell_methods") == "year: sum");
  hid_t scalar = H5Dopen2(f, "residual", H5P_DEFAULT);
  REQUIRE(scalar >= 0);
  {
    hid_t s = H5Dget_space(scalar);
    CHECK(H5Sget_simple_extent_type(s) == H5S_SCALAR);
    H5Sclose(s);
    double v = 0;
    H5Dread(scalar, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v);
    CHECK(v == 1.25e-12);
    CHECK(read_num_attr<long long>(scalar, "count", H5T_NATIVE_LLONG, H5T_INTEGER) == 7);
  }

  for (hid_t d : {time, year, bnds, nv, node, flow, leg, limit, code, annual, scalar}) H5Dclose(d);
  CHECK(H5Fclose(f) >= 0);
}

TEST_CASE("write_dataset: failures throw IoError and leave neither the file nor a temporary") {
  const fs::path dir = fs::current_path() / "writer_fail_dir";
  fs::remove_all(dir);
  fs::create_directories(dir);

  SUBCASE("directory does not exist: HDF5's reason is in the message") {
    const std::string path = (dir / "missing" / "out.h5").string();
    try {
      write_dataset(make_generic(), path);
      FAIL("no exception");
    } catch (const caspflow::IoError& e) {
      const std::string msg = e.what();
      CHECK(msg.find(path) != std::string::npos);
      CHECK(msg.find("No such file or directory") != std::string::npos);  // errno text from the sec2 driver
    }
    CHECK_FALSE(fs::exists(path));
  }
  SUBCASE("bad shape is caught before anything is created") {
    Dataset ds = make_generic();
    ds.variables[1].data.pop_back();
    const std::string path = (dir / "bad_shape.h5").string();
    try {
      write_dataset(ds, path);
      FAIL("no exception");
    } catch (const caspflow::IoError& e) {
      const std::string msg = e.what();
      CHECK(msg.find("inventory") != std::string::npos);
      CHECK(msg.find("bad shape: 1599 values for (time=400 x node=4) = 1600") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(path));
  }
  SUBCASE("missing units, unknown dimension, duplicate label, non-UTF-8 text, int/float mix-up, bad fill/array") {
    Dataset a = make_generic();
    a.variables[0].attrs.erase(a.variables[0].attrs.begin());  // drop "units"
    CHECK_THROWS_WITH_AS(write_dataset(a, (dir / "a.h5").string()), doctest::Contains("missing attribute 'units'"),
                         caspflow::IoError);
    Dataset b = make_generic();
    b.variables[0].dims[1] = "route";
    CHECK_THROWS_WITH_AS(write_dataset(b, (dir / "b.h5").string()), doctest::Contains("unknown dimension 'route'"),
                         caspflow::IoError);
    Dataset c = make_generic();
    c.label_axes[0].labels[2] = "btc";
    CHECK_THROWS_WITH_AS(write_dataset(c, (dir / "c.h5").string()), doctest::Contains("duplicate label 'btc'"),
                         caspflow::IoError);
    Dataset d = make_generic();
    d.label_axes[1].labels[0] = "T\xfc" "rkiye";  // Latin-1 ü, not UTF-8
    CHECK_THROWS_AS(write_dataset(d, (dir / "d.h5").string()), caspflow::IoError);
    Dataset e = make_generic();
    e.variables[2].data.push_back(1.0);  // an int variable with float data too
    CHECK_THROWS_AS(write_dataset(e, (dir / "e.h5").string()), caspflow::IoError);
    Dataset g = make_generic();
    g.time_axes[1].bounds.pop_back();
    CHECK_THROWS_WITH_AS(write_dataset(g, (dir / "g.h5").string()), doctest::Contains("1 bounds for 2 values"),
                         caspflow::IoError);
    Dataset h = make_generic();
    h.variables[0].int_fill = true;  // float64 always has its NaN fill
    CHECK_THROWS_WITH_AS(write_dataset(h, (dir / "h.h5").string()), doctest::Contains("int_fill on a float variable"),
                         caspflow::IoError);
    Dataset i = make_generic();
    i.variables[2].attrs.push_back({"flag_masks", std::vector<int32_t>{}});
    CHECK_THROWS_WITH_AS(write_dataset(i, (dir / "i.h5").string()), doctest::Contains("empty array"),
                         caspflow::IoError);
    for (const char* n : {"a.h5", "b.h5", "c.h5", "d.h5", "e.h5", "g.h5", "h.h5", "i.h5"}) CHECK_FALSE(fs::exists(dir / n));
  }
  SUBCASE("a directory at the target: refused (never renamed onto), no temporary, the directory untouched") {
    // Before issue 10 this reached rename(2), which failed; now the writer refuses any target that exists and is
    // not a regular file (FIFO, device, directory) before creating a temporary.
    const fs::path target = dir / "is_a_directory.h5";
    fs::create_directories(target);
    std::ofstream(target / "keep.txt") << "keep";
    CHECK_THROWS_WITH_AS(write_dataset(make_generic(), target.string()), doctest::Contains("not a regular file"),
                         caspflow::IoError);
    CHECK(fs::is_directory(target));
    CHECK(fs::exists(target / "keep.txt"));
  }
  SUBCASE("a failed write leaves an existing output at the path unchanged") {
    const fs::path path = dir / "existing.h5";
    write_dataset(make_generic(), path.string());
    const auto size_before = fs::file_size(path);
    Dataset bad = make_generic();
    bad.variables[0].data.push_back(0.0);
    CHECK_THROWS_AS(write_dataset(bad, path.string()), caspflow::IoError);
    CHECK(fs::file_size(path) == size_before);
    hid_t f = H5Fopen(path.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(f >= 0);
    if (f >= 0) H5Fclose(f);
  }
  SUBCASE("the disk write fails half-way (file size limit): IoError, the temporary is removed, no crash at exit") {
    // RLIMIT_FSIZE makes write(2) fail with EFBIG once the temporary reaches 64 KiB (the image is ~1 MB). Before the
    // in-memory build, HDF5 itself hit this error and its failed H5Fclose crashed the process at exit.
    Dataset big = make_generic();
    LabelAxis many{"many", {}, "250 labels"};
    for (int i = 0; i < 250; ++i) {
      char label[16];
      std::snprintf(label, sizeof label, "M%d", i);
      many.labels.emplace_back(label);
    }
    big.label_axes.push_back(many);
    Variable noise{"noise", {"time", "many"}, {}, {}, false,
                   {{"units", std::string("1")}, {"long_name", std::string("800 kB of random doubles")}}};
    uint64_t x = 88172645463325252ULL;  // xorshift64: incompressible data, so deflate cannot keep it small
    for (int i = 0; i < kDays * 250; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      noise.data.push_back(static_cast<double>(x));
    }
    big.variables.push_back(noise);
    const std::string path = (dir / "too_big.h5").string();
    auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit old_limit{};
    REQUIRE(getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
    rlimit small = old_limit;
    small.rlim_cur = 64 * 1024;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
    std::string msg;
    try {
      write_dataset(big, path);
    } catch (const caspflow::IoError& e) {
      msg = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old_limit);
    std::signal(SIGXFSZ, old_handler);
    CHECK(msg.find("cannot write '" + path + "'") != std::string::npos);
    CHECK(msg.find("File too large") != std::string::npos);  // strerror(EFBIG)
    MESSAGE("write failure reported as: " << msg);
    CHECK_FALSE(fs::exists(path));
  }
  CHECK_FALSE(leftover_tmp(dir));
  fs::remove_all(dir);
}

TEST_CASE("write_dataset: chunks stay <= 1 MiB; zero-length and one-day axes are written") {
  // Writer contract (hdf5_writer.hpp): chunks <= ~1 MiB, about one year of days along time.
  // Layout expectations for empty dimensions: netCDF-C reads a 0-length dimension (tested with ncdump).
  Dataset ds;
  ds.time_axes = {{"time", "2025-01-01", {}, "day", {}}};
  for (int d = 0; d < 800; ++d) ds.time_axes[0].days.push_back(d);
  ds.time_axes.push_back({"day1", "2030-06-15", {0}, "a single day", {}});
  ds.label_axes = {{"empty", {}, "no labels"}, {"big", {}, "600 labels"}};
  for (int i = 0; i < 600; ++i) {
    char label[16];
    std::snprintf(label, sizeof label, "L%d", i);  // (std::string operator+ trips a GCC 12 -Wrestrict false positive)
    ds.label_axes[1].labels.emplace_back(label);
  }
  ds.variables = {
      {"wide", {"time", "big"}, std::vector<double>(800 * 600, 2.5), {}, false,
       {{"units", std::string("1")}, {"long_name", std::string("800 x 600 float64 = 3.7 MB")}}},
      {"none", {"time", "empty"}, {}, {}, false,
       {{"units", std::string("1")}, {"long_name", std::string("zero-size variable")}}},
      {"one", {"day1"}, {7.0}, {}, false, {{"units", std::string("1")}, {"long_name", std::string("one day")}}}};
  const std::string path = "writer_edge.h5";
  REQUIRE_NOTHROW(write_dataset(ds, path));
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  hid_t wide = H5Dopen2(f, "wide", H5P_DEFAULT);
  hid_t dcpl = H5Dget_create_plist(wide);
  hsize_t chunk[2] = {};
  REQUIRE(H5Pget_chunk(dcpl, 2, chunk) == 2);
  // 366 days x 600 x 8 B = 1.76 MB is too big: the label dimension is halved once (366 x 300 x 8 B = 0.88 MB).
  CHECK(chunk[0] == 366);
  CHECK(chunk[1] == 300);
  CHECK(chunk[0] * chunk[1] * 8 <= 1024 * 1024);
  H5Pclose(dcpl);
  hid_t none = H5Dopen2(f, "none", H5P_DEFAULT);
  CHECK(shape_of(none) == std::vector<hsize_t>{800, 0});
  hid_t one = H5Dopen2(f, "one", H5P_DEFAULT);
  double v = 0;
  H5Dread(one, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v);
  CHECK(v == 7.0);
  for (hid_t d : {wide, none, one}) H5Dclose(d);
  H5Fclose(f);
}

TEST_CASE("index_flag_attrs: CF flag_values 0..n-1 and flag_meanings from labels (CF characters only, unique)") {
  const auto a = index_flag_attrs({"supply", "capacity:btc", "capacity_btc", "", "Türkiye/Ceyhan", "a+b@c.d-e"});
  REQUIRE(a.size() == 2);
  CHECK(a[0].name == "flag_values");
  CHECK(std::get<std::vector<int32_t>>(a[0].value) == std::vector<int32_t>{0, 1, 2, 3, 4, 5});
  CHECK(a[1].name == "flag_meanings");
  // ':' '/' and the two bytes of 'ü' become '_'; the second "capacity_btc" gets a suffix; empty -> "_".
  CHECK(std::get<std::string>(a[1].value) == "supply capacity_btc capacity_btc_2 _ T__rkiye_Ceyhan a+b@c.d-e");
  CHECK(index_flag_attrs({}).empty());
}
