#pragma once
/// `norn emit` for one model: its forward step, or its adjoint through the surrogate a
/// spike_gradient names, as C++ source (codegen/emit.hpp). A header of its own, light
/// enough for the translation unit that cmake/NornModels.cmake generates per model.

#include <codegen/emit.hpp>
#include <runtime/core/info_of.hpp>
#include <runtime/core/spike_gradient.hpp>

#include <string>
#include <type_traits>

namespace norn {

template <dsl::model M>
std::string emit_of(bool backward, const spike_gradient& rule) {
  if (!backward) return codegen::emit_forward<M>();
  return dsl::with_surrogate<M>(resolve(rule, info_of<M>()).surrogate, [](auto surrogate) -> std::string {
    return codegen::emit_backward<M, decltype(surrogate)>();
  });
}

}  // namespace norn
