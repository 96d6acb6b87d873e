// The `norn._norn` extension: the models Norn knows (built-in, and those norn.compile()
// loads from a model module), their generated source, and the bindings of populations and
// networks. A user's mistake (bad_input) is a ValueError with the command line's one-line
// message; a value of the wrong kind a TypeError.

#include <runtime/python/arrays.hpp>
#include <runtime/python/module.hpp>

#include <codegen/emit.hpp>
#include <runtime/core/errors.hpp>

#include <pybind11/stl.h>

#include <dlfcn.h>
#include <omp.h>

#include <deque>
#include <string>

namespace norn::python {

namespace {

std::vector<model_entry>& models_in_use() {
  static std::vector<model_entry> models(builtin_models().begin(), builtin_models().end());
  return models;
}

py::list variables(const std::vector<variable_info>& vs, const char* value_name) {
  py::list l;
  for (const auto& v : vs) {
    py::dict d;
    d["name"] = v.name;
    d[value_name] = v.value;
    d["unit"] = v.unit;
    d["doc"] = v.doc;
    l.append(d);
  }
  return l;
}

py::dict describe(const model_info& m) {
  py::dict d;
  d["name"] = m.name;
  d["doc"] = m.doc;
  d["spiking"] = m.spiking;
  d["output"] = m.output;
  d["states"] = variables(m.states, "initial");
  d["parameters"] = variables(m.parameters, "default");
  d["membrane"] = m.membrane ? py::object(py::str(m.states[*m.membrane].name)) : py::object(py::none());
  d["threshold"] = m.threshold ? py::object(py::str(m.parameters[*m.threshold].name)) : py::object(py::none());
  py::list surrogates;
  for (const auto& s : m.surrogates) surrogates.append(py::dict(py::arg("name") = s.name, py::arg("alpha") = s.default_alpha));
  d["surrogates"] = surrogates;
  d["default_surrogate"] = m.surrogates.empty() ? py::object(py::none()) : py::object(py::str(m.surrogates[m.default_surrogate].name));
  return d;
}

/// Loads the model module at `path` (made by norn_add_model_module) and adds its model; a
/// model of the same name loaded before is replaced (a header compiled again after an edit).
std::string load_model(const std::string& path) {
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) fail("norn: cannot load model module {}: {}", path, ::dlerror());
  using entry_fn = const model_entry* (*)();
  auto entry = reinterpret_cast<entry_fn>(::dlsym(handle, "norn_model_entry"));
  if (!entry) fail("norn: {} is not a Norn model module (no norn_model_entry)", path);
  const model_entry& e = *entry();  // the module stays loaded: its populations run its code
  auto& models = models_in_use();
  for (const auto& b : builtin_models())
    if (b.info.name == e.info.name) fail("norn: the compiled model '{}' has the name of a built-in model; rename it", e.info.name);
  for (auto& m : models)
    if (m.info.name == e.info.name) {
      m = e;
      return e.info.name;
    }
  models.push_back(e);
  return e.info.name;
}

std::string emit(const std::string& model, bool backward, const std::optional<std::string>& surrogate) {
  const model_entry& m = find_model(known_models(), model);
  spike_gradient rule;
  rule.surrogate = surrogate.value_or("");
  return fmt::format("{}\nnamespace norn_emitted {{\n\n{}\n}}  // namespace norn_emitted\n", codegen::emit_prelude(),
                     m.emit(backward, rule));
}

}  // namespace

const std::vector<model_entry>& known_models() { return models_in_use(); }

}  // namespace norn::python

PYBIND11_MODULE(_norn, m) {
  using namespace norn::python;
  using namespace pybind11::literals;
  m.doc() = "Norn's kernels from Python: the generated forward and adjoint steps of its neuron models.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const norn::bad_input& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const type_error& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    }
  });
  m.def("models", [] {
    py::list l;
    for (const auto& e : known_models()) l.append(describe(e.info));
    return l;
  }, "Every model Norn knows: name, doc, states, parameters (defaults, units), output, surrogates.");
  m.def("emit", &emit, "model"_a, "backward"_a = false, "surrogate"_a = py::none(),
        "The model's generated forward step (or adjoint, with the surrogate's derivative) as C++ source.");
  m.def("threads", [] { return omp_get_max_threads(); },
        "The threads Norn's kernels run on (OpenMP's; importing torch may have set it to torch.get_num_threads()).");
  m.def("set_threads", [](int n) {
    if (n < 1) norn::fail("norn: threads must be at least 1, got {}", n);
    omp_set_num_threads(n);
  }, "n"_a, "Sets the threads Norn's kernels run on (torch.set_num_threads sets the same OpenMP setting).");
  m.def("load_model", &load_model, "path"_a, "Adds the model of a compiled model module; returns its name.");
  bind_population(m);
  bind_network(m);
}
