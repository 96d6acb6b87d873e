#pragma once
/// What the parts of the `norn` Python module share: the models it knows (the built-in ones
/// and those norn.compile() loaded) and its bindings, one function per part.

#include <runtime/core/registry.hpp>

#include <pybind11/pybind11.h>

#include <vector>

namespace norn::python {

/// The built-in models, then every model loaded from a compiled module, in loading order.
const std::vector<model_entry>& known_models();

void bind_population(pybind11::module_& m);
void bind_network(pybind11::module_& m);

}  // namespace norn::python
