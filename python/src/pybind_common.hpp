// Shared by every register_*.cpp: the pybind11 alias and helpers that hand
// C++ vectors to NumPy without copying.
#pragma once

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include <msmesim/core/error.hpp>
#include <msmesim/core/params.hpp>
#include <msmesim/io/results.hpp>
#include <msmesim/core/types.hpp>

namespace py = pybind11;

namespace msmesim::python {

/// A month as Python gives it: "YYYY-MM", or anything with integer `year`
/// and `month` (datetime.date and datetime.datetime, pandas.Period and
/// pandas.Timestamp), as "YYYY-MM" text for YearMonth::parse (which names
/// the field in its errors).
struct MonthArg {
  std::string text;   ///< "YYYY-MM", or the repr of what was given
  bool month = true;  ///< false: neither text nor year and month
  /// The month; TypeMismatch (a TypeError) naming `field` when what was
  /// given is no month at all, InvalidArgument when the text is no month.
  YearMonth parse(const std::string& field) const {
    if (!month) throw TypeMismatch(field, text, "a month 'YYYY-MM', a date or a pandas Period");
    return YearMonth::parse(text, field);
  }
};

/// A NumPy view of `v` whose base object is `owner`: no copy, and the owner
/// (which holds the vector) stays alive as long as the array does.
template <class T>
py::array vector_view(std::vector<T>& v, py::handle owner, bool writeable = true) {
  py::array a(py::dtype::of<T>(), {static_cast<py::ssize_t>(v.size())}, {static_cast<py::ssize_t>(sizeof(T))},
              v.data(), owner);
  if (!writeable) py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

/// Rows (dicts: name, default, min, max, unit, integer, description,
/// source) of a parameter table, for pandas.
py::list param_table_rows(std::span<const ParamInfo> table);

/// Size classes as names and back (errors name `field`).
inline std::vector<std::string> class_names(const std::vector<SizeClass>& v) {
  std::vector<std::string> out;
  for (auto c : v) out.emplace_back(to_string(c));
  return out;
}
inline std::vector<SizeClass> classes_from(const std::vector<std::string>& v, const std::string& field) {
  std::vector<SizeClass> out;
  for (const auto& s : v) out.push_back(size_class_from_string(s, field));
  return out;
}

/// The columns of a table as (name, array, categories or None, unit)
/// tuples; numeric columns are read-only NumPy views whose base is `owner`.
py::list table_columns(Table& table, py::handle owner);
/// Wraps a Python progress callable for the engine: called with the GIL held;
/// a pending KeyboardInterrupt (Ctrl-C) propagates as an exception.
std::function<bool(int, int)> progress_adapter(py::object progress);

}  // namespace msmesim::python

namespace pybind11::detail {
template <>
struct type_caster<msmesim::python::MonthArg> {
  PYBIND11_TYPE_CASTER(msmesim::python::MonthArg, const_name("str | datetime.date"));
  bool load(handle src, bool) {
    if (PyUnicode_Check(src.ptr())) {
      value.text = src.cast<std::string>();
      return true;
    }
    // Anything else loads too, so that the error names the field (parse).
    const bool dated = hasattr(src, "year") && hasattr(src, "month") && PyLong_Check(src.attr("year").ptr()) &&
                       PyLong_Check(src.attr("month").ptr());
    if (!dated) {
      value.text = repr(src).cast<std::string>();
      value.month = false;
      return true;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04ld-%02ld", src.attr("year").cast<long>(), src.attr("month").cast<long>());
    value.text = buf;
    value.month = true;
    return true;
  }
  static handle cast(const msmesim::python::MonthArg& v, return_value_policy, handle) {
    return PyUnicode_FromStringAndSize(v.text.data(), static_cast<Py_ssize_t>(v.text.size()));
  }
};
}  // namespace pybind11::detail

namespace msmesim::python {

void register_errors(py::module_& m);
void register_types(py::module_& m);
void register_params(py::module_& m);
void register_cooperatives(py::module_& m);
void register_population(py::module_& m);
void register_programmes(py::module_& m);
void register_scenario(py::module_& m);
void register_scenario_file(py::module_& m);
void register_engine(py::module_& m);
void register_ensemble(py::module_& m);

}  // namespace msmesim::python
