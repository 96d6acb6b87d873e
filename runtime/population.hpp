#pragma once
/// A population of N neurons of one model, over B batch entries: the state arrays, the
/// parameters (shared or per neuron, stored per neuron) and the generated kernels.

#include <codegen/adjoint.hpp>
#include <runtime/errors.hpp>
#include <runtime/model_info.hpp>
#include <runtime/spike_gradient.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace norn {

/// What a population's forward keeps for its backward: the state before every step, or
/// with a checkpoint interval K > 1 only before every K-th step (the backward then
/// recomputes each segment). Each row is [B·N].
template <class T, std::size_t S>
struct tape {
  std::size_t steps = 0;
  std::size_t interval = 1;
  std::array<std::vector<T>, S> states;

  /// Bytes held, for reports.
  std::size_t bytes() const {
    std::size_t n = 0;
    for (const auto& s : states) n += s.size() * sizeof(T);
    return n;
  }
};

/// Gradients a population's backward returns or accepts; spans may be empty for "none".
template <class T, std::size_t S, std::size_t P>
struct gradient_io {
  std::span<const T> grad_out;                      ///< [steps × B·N] dL/d(output of step t)
  std::array<std::span<const T>, S> grad_state{};   ///< [steps × B·N] dL/d(state after step t)
  std::span<T> grad_x;                              ///< out: [steps × B·N] dL/dx_t
  std::array<std::span<T>, P> grad_param{};         ///< out: [N] dL/dθ per neuron (summed over batch and time)
  std::array<std::span<T>, S> lambda{};             ///< [B·N] in: λ after the last step (empty: zero); out: λ before the first
  std::array<std::span<T>, S> record_lambda{};      ///< out: [steps × B·N] λ of each state after step t
};

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
    for (std::size_t s = 0; s < state_count; ++s) initial_[s] = info_.states[s].value;
    for (auto& s : states_) s.resize(neurons * batch);
    reset();
  }

  /// Changes the batch size; states go back to their initial values.
  void resize_batch(std::size_t batch) {
    batch_ = batch;
    for (auto& s : states_) s.resize(neurons_ * batch);
    reset();
  }

  /// The value reset() gives a state (its declared initial value unless changed here).
  void set_initial(std::string_view name, double value) {
    if (!std::isfinite(value)) fail("norn: the initial value of '{}' must be finite", name);
    initial_[state_index(name)] = value;
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
  std::span<T> parameter(std::size_t q) { return parameters_[q]; }

  /// Puts every state back to its declared initial value.
  void reset() {
    for (std::size_t s = 0; s < state_count; ++s)
      std::fill(states_[s].begin(), states_[s].end(), T(initial_[s]));
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

  /// How spikes pass gradient in backward().
  spike_gradient& gradient_rule() { return gradient_; }
  const spike_gradient& gradient_rule() const { return gradient_; }

  /// Forward as run(), keeping what backward() needs in `kept` (every step, or every
  /// `interval` steps to trade compute for memory).
  void forward(std::size_t steps, std::span<const T> x, std::span<T> out, tape<T, state_count>& kept,
               std::size_t interval = 1, const std::array<std::span<T>, state_count>& record = {}) {
    if (interval == 0) fail("norn: the checkpoint interval must be at least 1");
    const std::size_t row = batch_ * neurons_;
    kept.steps = steps;
    kept.interval = interval;
    if (interval == 1) {
      // the state before step t + 1 is the state after step t: record into rows 1..steps
      std::array<std::span<T>, state_count> rows;
      for (std::size_t s = 0; s < state_count; ++s) {
        kept.states[s].resize((steps + 1) * row);
        std::copy(states_[s].begin(), states_[s].end(), kept.states[s].begin());
        rows[s] = std::span<T>(kept.states[s]).subspan(row, steps * row);
      }
      run(steps, x, out, rows);
      for (std::size_t s = 0; s < state_count; ++s)
        if (!record[s].empty()) std::copy(rows[s].begin(), rows[s].end(), record[s].begin());
      return;
    }
    const std::size_t chunks = (steps + interval - 1) / interval;
    for (auto& k : kept.states) k.resize(chunks * row);
    for (std::size_t c = 0; c < chunks; ++c) {
      const std::size_t t0 = c * interval, len = std::min(interval, steps - t0);
      for (std::size_t s = 0; s < state_count; ++s) std::copy(states_[s].begin(), states_[s].end(), kept.states[s].begin() + c * row);
      std::array<std::span<T>, state_count> rec;
      for (std::size_t s = 0; s < state_count; ++s)
        if (!record[s].empty()) rec[s] = record[s].subspan(t0 * row, len * row);
      run(len, x.empty() ? x : x.subspan(t0 * row, len * row), out.empty() ? out : out.subspan(t0 * row, len * row), rec);
    }
  }

  /// The backward of a forward() over the same input x: λ, input and parameter gradients.
  void backward(const tape<T, state_count>& kept, std::span<const T> x, gradient_io<T, state_count, parameter_count> io) {
    const std::size_t row = batch_ * neurons_, steps = kept.steps, size = steps * row;
    auto check = [&](std::size_t got, std::size_t want, const char* what) {
      if (got != 0 && got != want) fail("norn: backward: {} has {} values, expected {}", what, got, want);
    };
    check(x.size(), size, "the input");
    check(io.grad_out.size(), size, "the output gradient");
    check(io.grad_x.size(), size, "the input gradient");
    for (std::size_t s = 0; s < state_count; ++s) {
      check(io.grad_state[s].size(), size, "a state gradient");
      check(io.lambda[s].size(), row, "an adjoint state");
      check(io.record_lambda[s].size(), size, "an adjoint recording");
    }
    for (std::size_t q = 0; q < parameter_count; ++q) check(io.grad_param[q].size(), neurons_, "a parameter gradient");
    std::array<std::vector<T>, state_count> lambda;
    std::array<std::vector<T>, parameter_count> partial;  // per batch entry, reduced in order below
    codegen::adjoint_arrays<M, T> a;
    for (std::size_t s = 0; s < state_count; ++s) {
      lambda[s].assign(row, T(0));
      if (!io.lambda[s].empty()) std::copy(io.lambda[s].begin(), io.lambda[s].end(), lambda[s].begin());
      a.lambda[s] = lambda[s].data();
    }
    for (std::size_t q = 0; q < parameter_count; ++q)
      if (!io.grad_param[q].empty()) partial[q].assign(row, T(0)), a.grad_param[q] = partial[q].data();
    auto segment = [&](std::size_t t0, std::size_t len, const std::array<const T*, state_count>& before, auto& policy) {
      auto at = [&](auto* p) { return p ? p + t0 * row : p; };
      a.x = x.empty() ? nullptr : x.data() + t0 * row;
      a.grad_out = io.grad_out.empty() ? nullptr : io.grad_out.data() + t0 * row;
      a.grad_x = io.grad_x.empty() ? nullptr : io.grad_x.data() + t0 * row;
      for (std::size_t s = 0; s < state_count; ++s) {
        a.states_before[s] = before[s];
        a.grad_state[s] = io.grad_state[s].empty() ? nullptr : at(io.grad_state[s].data());
        a.record_lambda[s] = io.record_lambda[s].empty() ? nullptr : at(io.record_lambda[s].data());
      }
      codegen::backward_sequence(arrays(), policy, len, a);
    };
    with_policy<M>(gradient_, [&](const auto& policy) {
      if (kept.interval == 1) {
        std::array<const T*, state_count> before;
        for (std::size_t s = 0; s < state_count; ++s) before[s] = kept.states[s].data();
        segment(0, steps, before, policy);
        return;
      }
      // recompute each segment from its checkpoint, last segment first
      const std::size_t K = kept.interval, chunks = (steps + K - 1) / K;
      std::array<std::vector<T>, state_count> rows, state;
      for (std::size_t c = chunks; c-- > 0;) {
        const std::size_t t0 = c * K, len = std::min(K, steps - t0);
        auto arr = arrays();
        std::array<T*, state_count> record;
        std::array<const T*, state_count> before;
        for (std::size_t s = 0; s < state_count; ++s) {
          state[s].assign(kept.states[s].begin() + c * row, kept.states[s].begin() + (c + 1) * row);
          rows[s].resize((len + 1) * row);
          std::copy(state[s].begin(), state[s].end(), rows[s].begin());
          arr.state[s] = state[s].data();
          record[s] = rows[s].data() + row;
          before[s] = rows[s].data();
        }
        codegen::forward_sequence(arr, len, x.empty() ? nullptr : x.data() + t0 * row, static_cast<T*>(nullptr), record);
        segment(t0, len, before, policy);
      }
    });
    for (std::size_t s = 0; s < state_count; ++s)
      if (!io.lambda[s].empty()) std::copy(lambda[s].begin(), lambda[s].end(), io.lambda[s].begin());
    for (std::size_t q = 0; q < parameter_count; ++q) {
      if (io.grad_param[q].empty()) continue;
      std::fill(io.grad_param[q].begin(), io.grad_param[q].end(), T(0));
      for (std::size_t b = 0; b < batch_; ++b)
        for (std::size_t n = 0; n < neurons_; ++n) io.grad_param[q][n] += partial[q][b * neurons_ + n];
    }
  }

  /// The raw arrays the kernels work on.
  codegen::population_arrays<M, T> arrays() {
    codegen::population_arrays<M, T> a;
    a.batch = batch_;
    a.neurons = neurons_;
    a.dt = T(dt_);
    for (std::size_t s = 0; s < state_count; ++s) a.state[s] = states_[s].data();
    a.uniform_parameters = true;
    for (std::size_t q = 0; q < parameter_count; ++q) {
      a.parameter[q] = parameters_[q].data();
      const auto& v = parameters_[q];
      a.uniform_parameters = a.uniform_parameters && std::all_of(v.begin(), v.end(), [&](T x) { return x == v.front(); });
    }
    return a;
  }

 private:

 public:
  std::size_t parameter_index(std::string_view name) const {
    if (auto k = info_.parameter_index(name)) return *k;
    fail("norn: model '{}' has no parameter '{}' (parameters: {})", info_.name, name, info_.parameter_names());
  }
  std::size_t state_index(std::string_view name) const {
    if (auto k = info_.state_index(name)) return *k;
    fail("norn: model '{}' has no state '{}' (states: {})", info_.name, name, info_.state_names());
  }

 private:
  model_info info_;
  std::size_t neurons_;
  std::size_t batch_;
  double dt_;
  std::array<std::vector<T>, state_count> states_;
  std::array<std::vector<T>, parameter_count> parameters_;
  std::array<double, state_count> initial_{};
  spike_gradient gradient_;
};

}  // namespace norn
