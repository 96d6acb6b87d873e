#pragma once
/// The arrays a population's backward reads and writes.

#include <cstddef>
#include <span>
#include <vector>

namespace norn {

/// Gradients a population's backward returns or accepts, one span per state or parameter
/// (sized by population::gradients()); an empty span means "none" (zeros for inputs).
template <class T>
struct gradient_io {
  std::span<const T> grad_out;                    ///< [steps × B·N] dL/d(output of step t)
  std::vector<std::span<const T>> grad_state;     ///< [steps × B·N] dL/d(state after step t)
  std::span<T> grad_x;                            ///< out: [steps × B·N] dL/dx_t
  std::vector<std::span<T>> grad_param;           ///< out: [N] dL/dθ per neuron, summed over batch and the steps
  std::vector<std::span<T>> lambda;               ///< [B·N] in: λ after the last step (empty: zero); out: λ before the first
  std::vector<std::span<T>> record_lambda;        ///< out: [steps × B·N] λ of each state after step t

  /// One empty span per state and parameter.
  static gradient_io sized(std::size_t states, std::size_t parameters) {
    gradient_io io;
    io.grad_state.resize(states);
    io.grad_param.resize(parameters);
    io.lambda.resize(states);
    io.record_lambda.resize(states);
    return io;
  }
};

}  // namespace norn
