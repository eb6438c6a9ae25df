#pragma once
// HDF5 C API helpers shared by the writer and the reader (outputs/ only, not installed for other stages' use):
// an RAII owner of one hid_t, a guard that silences HDF5's automatic error printing, and the error stack as
// one line for messages.
#include <hdf5.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace caspflow::outputs::h5 {

// RAII for hid_t: one handle owns one identifier and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), closer_(o.closer_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      (void)close();
      id_ = std::exchange(o.id_, -1);
      closer_ = o.closer_;
    }
    return *this;
  }
  ~Handle() { (void)close(); }
  [[nodiscard]] hid_t get() const { return id_; }
  /// Closes now; returns the H5*close status (0 if the handle was empty).
  herr_t close() {
    herr_t rc = 0;
    if (id_ >= 0 && closer_ != nullptr) rc = closer_(id_);
    id_ = -1;
    return rc;
  }

 private:
  hid_t id_ = -1;
  Closer closer_ = nullptr;
};

/// Silences HDF5's automatic error printing for the lifetime of the guard and restores the previous handler.
class ErrorPrintingOff {
 public:
  ErrorPrintingOff() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~ErrorPrintingOff() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  ErrorPrintingOff(const ErrorPrintingOff&) = delete;
  ErrorPrintingOff& operator=(const ErrorPrintingOff&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

inline herr_t collect_error(unsigned /*n*/, const H5E_error2_t* err, void* out) {
  auto* msgs = static_cast<std::vector<std::string>*>(out);
  std::string m = err->func_name != nullptr ? err->func_name : "?";
  m += "(): ";
  m += err->desc != nullptr ? err->desc : "";
  std::replace(m.begin(), m.end(), '\n', ' ');  // the sec2 driver embeds ctime() output, which ends in '\n'
  msgs->push_back(std::move(m));
  return 0;
}

/// The HDF5 error stack as one line: the outermost call and the innermost cause (which names errno etc.).
inline std::string hdf5_reason() {
  std::vector<std::string> msgs;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_error, &msgs);
  H5Eclear2(H5E_DEFAULT);
  if (msgs.empty()) return "HDF5 call failed (no error stack)";
  if (msgs.size() == 1) return msgs.front();
  return msgs.front() + " <- " + msgs.back();
}

}  // namespace caspflow::outputs::h5
