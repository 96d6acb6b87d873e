#pragma once
/// Losses on one population's spikes and voltage, as in the single-neuron experiments of
/// Norse's tutorial (reference tutorial 000). Each returns the loss and writes its gradient
/// with respect to the spikes z and the voltage v (arrays [steps × n]).

#include <cstddef>
#include <span>
#include <vector>

namespace norn::loss {

/// L = Σ_n |Σ_t z[t, n] − target|; dL/dz[t, n] = sign(count_n − target).
double spike_count(std::span<const float> z, std::size_t steps, std::size_t n, double target,
                   std::span<float> grad_z);

/// L = Σ_{t ∈ times} ½ · (1/10) · (v[t, n] − v_target)² + Σ_n |count_n − |times||, summed
/// over neurons: the voltage is pulled to v_target at the target times, the spike count to
/// the number of targets.
double spike_times(std::span<const float> z, std::span<const float> v, std::size_t steps, std::size_t n,
                   const std::vector<std::size_t>& times, double v_target, std::span<float> grad_z,
                   std::span<float> grad_v);

}  // namespace norn::loss
