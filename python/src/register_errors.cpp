// Maps the C++ error types to Python exceptions: invalid values become
// ValueError subclasses (TypeError for wrong kinds) carrying field, value and
// allowed; file errors OSError; a cancelled run CancelledError.
#include <msmesim/core/error.hpp>

#include "pybind_common.hpp"

namespace msmesim::python {

namespace {
PyObject* make_type(py::module_& m, const char* name, const char* doc, py::tuple bases) {
  const std::string qualified = std::string("msmesim._core.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (!type) throw py::error_already_set();
  m.add_object(name, py::handle(type));
  return type;
}

void raise(PyObject* type, const char* message, const std::vector<std::pair<const char*, py::object>>& attrs) {
  py::object exc = py::reinterpret_borrow<py::object>(type)(message);
  for (const auto& [k, v] : attrs) exc.attr(k) = v;
  PyErr_SetObject(type, exc.ptr());
}
}  // namespace

void register_errors(py::module_& m) {
  static PyObject* error = make_type(m, "Error", "Base of every msmesim error.", py::make_tuple(py::handle(PyExc_Exception)));
  static PyObject* invalid = make_type(m, "InvalidArgumentError",
                                       "A value outside what is allowed; has .field, .value and .allowed.",
                                       py::make_tuple(py::handle(error), py::handle(PyExc_ValueError)));
  static PyObject* type_mismatch = make_type(m, "TypeMismatchError", "A value of the wrong kind.",
                                             py::make_tuple(py::handle(invalid), py::handle(PyExc_TypeError)));
  static PyObject* resource = make_type(
      m, "ResourceLimitError",
      "A request refused before allocating because it would not fit in memory (or in the outputs' limits); has "
      ".field (what to lower), .value and .allowed (the estimate against the limit).",
      py::make_tuple(py::handle(invalid), py::handle(PyExc_MemoryError)));
  static PyObject* parse = make_type(m, "ParseError",
                                     "A malformed file; has .file, .line, .column, .value and .allowed.",
                                     py::make_tuple(py::handle(error), py::handle(PyExc_ValueError)));
  static PyObject* io = make_type(m, "FileError", "A file that cannot be read or written.",
                                  py::make_tuple(py::handle(error), py::handle(PyExc_OSError)));
  static PyObject* cancelled = make_type(m, "CancelledError", "A run stopped by its progress callback.",
                                         py::make_tuple(py::handle(error)));

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const TypeMismatch& e) {
      raise(type_mismatch, e.what(),
            {{"field", py::str(e.field())}, {"value", py::str(e.value())}, {"allowed", py::str(e.allowed())}});
    } catch (const ResourceLimit& e) {
      raise(resource, e.what(),
            {{"field", py::str(e.field())}, {"value", py::str(e.value())}, {"allowed", py::str(e.allowed())}});
    } catch (const InvalidArgument& e) {
      raise(invalid, e.what(),
            {{"field", py::str(e.field())}, {"value", py::str(e.value())}, {"allowed", py::str(e.allowed())}});
    } catch (const ParseError& e) {
      raise(parse, e.what(),
            {{"file", py::str(e.file())}, {"line", py::int_(e.line())}, {"column", py::str(e.column())},
             {"value", py::str(e.value())}, {"allowed", py::str(e.allowed())}});
    } catch (const IoError& e) {
      raise(io, e.what(), {});
    } catch (const Cancelled& e) {
      raise(cancelled, e.what(), {{"months_completed", py::int_(e.months_completed())}});
    } catch (const Error& e) {
      raise(error, e.what(), {});
    }
  });
}

}  // namespace msmesim::python
