#pragma once
/// A population of N neurons of one model, over B batch entries: the state arrays, the
/// parameters (shared or per neuron, stored per neuron) and the generated kernels.

#include <codegen/kernel.hpp>
#include <runtime/errors.hpp>
#include <runtime/model_info.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace norn {

/// N neurons × B batch entries of model M, in precision T.
template <dsl::model M, class T = float>
class population {
 public:
  using model_type = M;
  using value_type = T;
  using slot_table = codegen::slots<M>;
  static constexpr std::size_t state_count = slot_table::state_count;
  static constexpr std::size_t parameter_count = slot_table::parameter_count;

  explicit population(std::size_t neurons, std::size_t batch = 1, double dt = 0.001)
      : info_(info_of<M>()), neurons_(neurons), batch_(batch), dt_(dt) {
    for (std::size_t q = 0; q < parameter_count; ++q)
      parameters_[q].assign(neurons, T(info_.parameters[q].value));
    for (auto& s : states_) s.resize(neurons * batch);
    reset();
  }

  const model_info& info() const { return info_; }
  std::size_t neurons() const { return neurons_; }
  std::size_t batch() const { return batch_; }
  double dt() const { return dt_; }

  /// Sets a parameter for every neuron.
  void set_parameter(std::string_view name, double value) {
    auto& p = parameters_[parameter_index(name)];
    if (!std::isfinite(value)) fail("norn: parameter '{}' of model '{}' must be finite", name, info_.name);
    std::fill(p.begin(), p.end(), T(value));
  }
  /// Sets a parameter neuron by neuron.
  void set_parameter(std::string_view name, std::span<const T> per_neuron) {
    auto& p = parameters_[parameter_index(name)];
    if (per_neuron.size() != neurons_)
      fail("norn: parameter '{}' needs {} values (one per neuron), got {}", name, neurons_, per_neuron.size());
    for (T v : per_neuron)
      if (!std::isfinite(double(v))) fail("norn: parameter '{}' of model '{}' must be finite", name, info_.name);
    std::copy(per_neuron.begin(), per_neuron.end(), p.begin());
  }
  std::span<const T> parameter(std::string_view name) const { return parameters_[parameter_index(name)]; }

  /// Puts every state back to its declared initial value.
  void reset() {
    for (std::size_t s = 0; s < state_count; ++s)
      std::fill(states_[s].begin(), states_[s].end(), T(info_.states[s].value));
  }
  std::span<T> state(std::string_view name) { return states_[state_index(name)]; }
  std::span<const T> state(std::string_view name) const { return states_[state_index(name)]; }
  std::span<T> state(std::size_t s) { return states_[s]; }

  /// One step: x and out are [B·N] (x may be empty for no input).
  void step(std::span<const T> x, std::span<T> out) { run(1, x, out); }

  /// `steps` steps: x is [steps][B·N] (or empty), out receives the output [steps][B·N]
  /// (or empty), record[s] (if not empty) receives state s after every step.
  void run(std::size_t steps, std::span<const T> x, std::span<T> out,
           const std::array<std::span<T>, state_count>& record = {}) {
    const std::size_t size = steps * batch_ * neurons_;
    if (!x.empty() && x.size() != size) fail("norn: input has {} values, expected {}", x.size(), size);
    if (!out.empty() && out.size() != size) fail("norn: output has {} values, expected {}", out.size(), size);
    std::array<T*, state_count> rec{};
    for (std::size_t s = 0; s < state_count; ++s) {
      if (!record[s].empty() && record[s].size() != size)
        fail("norn: recording of '{}' has {} values, expected {}", info_.states[s].name, record[s].size(), size);
      rec[s] = record[s].empty() ? nullptr : record[s].data();
    }
    codegen::forward_sequence(arrays(), steps, x.empty() ? nullptr : x.data(),
                              out.empty() ? nullptr : out.data(), rec);
  }

  /// The raw arrays the kernels work on.
  codegen::population_arrays<M, T> arrays() {
    codegen::population_arrays<M, T> a;
    a.batch = batch_;
    a.neurons = neurons_;
    a.dt = T(dt_);
    for (std::size_t s = 0; s < state_count; ++s) a.state[s] = states_[s].data();
    for (std::size_t q = 0; q < parameter_count; ++q) a.parameter[q] = parameters_[q].data();
    return a;
  }

 private:
  std::size_t parameter_index(std::string_view name) const {
    if (auto k = info_.parameter_index(name)) return *k;
    fail("norn: model '{}' has no parameter '{}' (parameters: {})", info_.name, name, info_.parameter_names());
  }
  std::size_t state_index(std::string_view name) const {
    if (auto k = info_.state_index(name)) return *k;
    fail("norn: model '{}' has no state '{}' (states: {})", info_.name, name, info_.state_names());
  }

  model_info info_;
  std::size_t neurons_;
  std::size_t batch_;
  double dt_;
  std::array<std::vector<T>, state_count> states_;
  std::array<std::vector<T>, parameter_count> parameters_;
};

}  // namespace norn
