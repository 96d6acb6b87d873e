#pragma once
// Helpers shared by the tests: running a population over an input and collecting its
// recorded states and outputs.

#include <runtime/core/builtin_kernels.hpp>
#include <runtime/core/population.hpp>

#include <string>
#include <utility>
#include <vector>

namespace norn::test {

/// Everything a run produced: states[s] and out are [steps × batch × neurons].
template <class T>
struct run_result {
  std::vector<std::vector<T>> states;
  std::vector<T> out;

  T state(std::size_t s, std::size_t t, std::size_t k, std::size_t width) const { return states[s][t * width + k]; }
};

/// Runs model M for `steps` steps on x ([steps × batch × neurons]), recording every state.
template <class M, class T = float>
run_result<T> run(std::size_t neurons, std::size_t steps, const std::vector<T>& x,
                  const std::vector<std::pair<std::string, double>>& params = {}, std::size_t batch = 1,
                  double dt = 0.001) {
  population<M, T> pop(neurons, batch, dt);
  for (const auto& [name, value] : params) pop.set_parameter(name, value);
  constexpr std::size_t S = population<M, T>::state_count;
  const std::size_t size = steps * batch * neurons;
  run_result<T> r;
  r.states.assign(S, std::vector<T>(size));
  r.out.resize(size);
  std::array<std::span<T>, S> rec;
  for (std::size_t s = 0; s < S; ++s) rec[s] = r.states[s];
  pop.run(steps, x, r.out, rec);
  return r;
}

}  // namespace norn::test
