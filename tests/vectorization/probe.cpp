// Instantiates the forward and backward kernels of one model (NORN_PROBE_MODEL) in float,
// for tests/vectorization/check.cmake to read the compiler's vectorization report.
#include <codegen/adjoint.hpp>
#include <models/all.hpp>

namespace {
using M = norn::models::NORN_PROBE_MODEL;
using Policy = norn::codegen::spike_policy<norn::dsl::default_surrogate_t<M>>;
}  // namespace

template void norn::codegen::forward_sequence<M, float>(const population_arrays<M, float>&, std::size_t, const float*,
                                                        float*, const std::array<float*, slots<M>::state_count>&);
template void norn::codegen::backward_sequence<M, float, Policy>(const population_arrays<M, float>&, const Policy&,
                                                                 std::size_t, const adjoint_arrays<M, float>&);
