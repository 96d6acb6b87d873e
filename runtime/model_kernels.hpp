#pragma once
/// Explicit instantiation of a model's backward kernels, one surrogate at a time, so that a
/// model's kernels compile as several translation units in parallel: the registry entry
/// declares them (`NORN_BACKWARD_KERNEL(extern, M, arctan)`), and translation units of their
/// own define them (`NORN_BACKWARD_KERNEL(, M, arctan)`). Used by cmake/NornModels.cmake.

#include <codegen/adjoint.hpp>
#include <dsl/surrogates.hpp>

#include <cstddef>
#include <type_traits>

#define NORN_SURROGATE_POLICY(SURROGATE) \
  ::norn::codegen::spike_policy<std::remove_cvref_t<decltype(::norn::dsl::surrogates::SURROGATE)>>

#define NORN_BACKWARD_KERNEL(EXTERN, M, SURROGATE)                                                        \
  EXTERN template void ::norn::codegen::backward_sequence<M, float, NORN_SURROGATE_POLICY(SURROGATE)>(   \
      const ::norn::codegen::population_arrays<M, float>&, const NORN_SURROGATE_POLICY(SURROGATE)&, std::size_t, \
      const ::norn::codegen::adjoint_arrays<M, float>&);

/// The surrogates `with_policy` names (the model's default may be one of them or its own).
#define NORN_BACKWARD_KERNELS_FIRST(EXTERN, M) \
  NORN_BACKWARD_KERNEL(EXTERN, M, superspike)  \
  NORN_BACKWARD_KERNEL(EXTERN, M, fast_sigmoid) \
  NORN_BACKWARD_KERNEL(EXTERN, M, arctan)
#define NORN_BACKWARD_KERNELS_SECOND(EXTERN, M) \
  NORN_BACKWARD_KERNEL(EXTERN, M, triangle)     \
  NORN_BACKWARD_KERNEL(EXTERN, M, straight_through) \
  NORN_BACKWARD_KERNEL(EXTERN, M, heaviside)
