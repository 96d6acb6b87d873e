#pragma once
/// A population of N neurons of one model, over B batch entries: the state arrays, the
/// parameters (stored per neuron) and the generated kernels. It is the runtime's only door
/// to codegen/: whatever runs neurons (simulate, the layers of train/, the examples) goes
/// through it, typed here or behind the run-time interface of dynamic_population.hpp.

#include <codegen/adjoint.hpp>
#include <runtime/core/current_source.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/core/gradient_io.hpp>
#include <runtime/core/info_of.hpp>
#include <runtime/core/spike_gradient.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace norn {

/// What a population's forward keeps for its backward: the state before every step, or,
/// with a checkpoint interval K > 1, only before every K-th step (the backward then
/// recomputes one segment of K steps at a time, and keeps it while it walks through it).
template <class T>
struct tape {
  std::size_t interval = 1;
  std::size_t steps = 0;  ///< steps forwarded since start()
  /// Per state, rows of [B·N]: interval 1: the state before every step and after the last
  /// (steps + 1 rows); interval K: the state before steps 0, K, 2K, ...
  std::vector<std::vector<T>> states;
  std::size_t segment = std::numeric_limits<std::size_t>::max();  ///< the segment recomputed below
  std::vector<std::vector<T>> segment_states;                     ///< its states before each step

  explicit tape(std::size_t checkpoint_interval = 1) { start(checkpoint_interval); }

  /// Forgets what was kept: the next forward starts a new sequence. The rows' memory stays
  /// allocated for it (fresh pages cost a fault each: 12 µs apiece measured on a 2-core VM,
  /// 150 ms for a 1,000-neuron layer's sequence).
  void start(std::size_t checkpoint_interval) {
    if (checkpoint_interval == 0) fail("norn: the checkpoint interval must be at least 1");
    interval = checkpoint_interval;
    steps = 0;
    for (auto& s : states) s.clear();
    segment = std::numeric_limits<std::size_t>::max();
    for (auto& s : segment_states) s.clear();
  }
  /// Bytes held, for reports.
  std::size_t bytes() const {
    std::size_t n = 0;
    for (const auto& s : states) n += s.size() * sizeof(T);
    for (const auto& s : segment_states) n += s.size() * sizeof(T);
    return n;
  }
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
  /// Recordings per state: empty spans record nothing.
  using recordings = std::array<std::span<T>, state_count>;

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
    const auto q = parameter_index(name);
    if (!std::isfinite(value)) fail("norn: parameter '{}' of model '{}' must be finite", name, info_.name);
    std::fill(parameters_[q].begin(), parameters_[q].end(), T(value));
    uniform_known_ = false;
  }
  /// Sets a parameter neuron by neuron.
  void set_parameter(std::string_view name, std::span<const T> per_neuron) {
    const auto q = parameter_index(name);
    if (per_neuron.size() != neurons_)
      fail("norn: parameter '{}' needs {} values (one per neuron), got {}", name, neurons_, per_neuron.size());
    for (T v : per_neuron)
      if (!std::isfinite(double(v))) fail("norn: parameter '{}' of model '{}' must be finite", name, info_.name);
    std::copy(per_neuron.begin(), per_neuron.end(), parameters_[q].begin());
    uniform_known_ = false;
  }
  std::span<const T> parameter(std::string_view name) const { return parameters_[parameter_index(name)]; }
  std::span<const T> parameter(std::size_t q) const { return parameters_[q]; }
  /// Parameter q's values, to write in place (a layer's trained values).
  std::span<T> parameter(std::size_t q) {
    uniform_known_ = false;
    return parameters_[q];
  }

  /// Puts every state back to its initial value.
  void reset() {
    for (std::size_t s = 0; s < state_count; ++s)
      std::fill(states_[s].begin(), states_[s].end(), T(initial_[s]));
  }
  std::span<T> state(std::string_view name) { return states_[state_index(name)]; }
  std::span<const T> state(std::string_view name) const { return states_[state_index(name)]; }
  std::span<T> state(std::size_t s) { return states_[s]; }
  std::span<const T> state(std::size_t s) const { return states_[s]; }

  /// One step: x and out are [B·N] (x may be empty for no input).
  void step(std::span<const T> x, std::span<T> out) { run(1, x, out); }

  /// `steps` steps: x is [steps][B·N] (or empty), out receives the output [steps][B·N]
  /// (or empty), record[s] (if not empty) receives state s after every step.
  void run(std::size_t steps, std::span<const T> x, std::span<T> out, const recordings& record = {}) {
    check_sizes(steps, x, out, record);
    codegen::forward_sequence(arrays(), steps, x.empty() ? nullptr : x.data(), out.empty() ? nullptr : out.data(),
                              pointers(record, 0));
  }

  /// As run(), with the input of each tile of neurons computed by `input` (T = float).
  void run_from(std::size_t steps, const current_source& input, std::span<T> out, const recordings& record = {}) {
    check_sizes(steps, {}, out, record);
    const std::size_t batch = batch_;
    codegen::forward_sequence_from(
        arrays(), steps,
        [&](std::size_t t, std::size_t b, std::size_t n0, std::size_t width, float* scratch) {
          return input.currents(t * batch + b, n0, width, scratch);
        },
        out.empty() ? nullptr : out.data(), pointers(record, 0));
  }

  /// How spikes pass gradient in backward().
  spike_gradient& gradient_rule() { return gradient_; }
  const spike_gradient& gradient_rule() const { return gradient_; }

  /// Forward as run(), appending to `kept` what backward() needs. A sequence may be
  /// forwarded in pieces (one step at a time for a recurrent layer) as long as the
  /// population is not reset in between; `kept.start(K)` begins a new one.
  void forward(std::size_t steps, std::span<const T> x, std::span<T> out, tape<T>& kept,
               const recordings& record = {}) {
    check_sizes(steps, x, out, record);
    const std::size_t row = batch_ * neurons_, t0 = kept.steps;
    kept.states.resize(state_count);
    kept.segment = std::numeric_limits<std::size_t>::max();
    if (kept.interval == 1) {
      // the state before step t + 1 is the state after step t: record into rows t0+1 ...
      std::array<T*, state_count> rows;
      for (std::size_t s = 0; s < state_count; ++s) {
        if (t0 == 0) kept.states[s].assign(states_[s].begin(), states_[s].end());
        kept.states[s].resize((t0 + steps + 1) * row);
        rows[s] = kept.states[s].data() + (t0 + 1) * row;
      }
      codegen::forward_sequence(arrays(), steps, x.empty() ? nullptr : x.data(), out.empty() ? nullptr : out.data(), rows);
      for (std::size_t s = 0; s < state_count; ++s)
        if (!record[s].empty()) std::copy_n(rows[s], steps * row, record[s].begin());
    } else {
      const std::size_t K = kept.interval;
      for (std::size_t done = 0; done < steps;) {
        const std::size_t t = t0 + done, len = std::min(K - t % K, steps - done);
        if (t % K == 0)
          for (std::size_t s = 0; s < state_count; ++s)
            kept.states[s].insert(kept.states[s].end(), states_[s].begin(), states_[s].end());
        codegen::forward_sequence(arrays(), len, x.empty() ? nullptr : x.data() + done * row,
                                  out.empty() ? nullptr : out.data() + done * row, pointers(record, done * row));
        done += len;
      }
    }
    kept.steps += steps;
  }

  /// Spans for the gradients of this model: one per state and per parameter, all empty.
  gradient_io<T> gradients() const { return gradient_io<T>::sized(state_count, parameter_count); }

  /// The backward of the forward kept in `kept`, over the same input x (all kept steps):
  /// λ, input and parameter gradients.
  void backward(tape<T>& kept, std::span<const T> x, const gradient_io<T>& io) { backward(kept, x, io, 0, kept.steps); }

  /// The backward of steps [t0, t1) alone, from t1 − 1 down to t0: io.lambda carries λ
  /// after step t1 − 1 in and λ before step t0 out, io.grad_param receives the parameter
  /// gradients of these steps; sequence arrays (x and io's) still cover all kept steps. A
  /// recurrent layer walks its sequence back one step at a time this way.
  void backward(tape<T>& kept, std::span<const T> x, const gradient_io<T>& io, std::size_t t0, std::size_t t1) {
    const std::size_t row = batch_ * neurons_, size = kept.steps * row;
    check_gradients(io, x, size, row, t0, t1, kept.steps);
    if (t0 == t1) return;
    const resolved_gradient rule = resolve(gradient_, info_);
    const codegen::surrogate_values values{rule.alpha, rule.reset_grad};
    scratch_lambda_.resize(state_count);
    scratch_partial_.resize(parameter_count);
    codegen::adjoint_arrays<M, T> a;
    for (std::size_t s = 0; s < state_count; ++s) {
      auto& l = scratch_lambda_[s];
      l.assign(row, T(0));
      if (!io.lambda[s].empty()) std::copy(io.lambda[s].begin(), io.lambda[s].end(), l.begin());
      a.lambda[s] = l.data();
    }
    for (std::size_t q = 0; q < parameter_count; ++q)
      if (!io.grad_param[q].empty()) {
        scratch_partial_[q].assign(row, T(0));  // per batch entry, reduced in order below
        a.grad_param[q] = scratch_partial_[q].data();
      }
    const auto arr = arrays();
    auto run_back = [&](std::size_t first, std::size_t len, const std::array<const T*, state_count>& before) {
      auto at = [&](auto p) { return p ? p + first * row : p; };
      a.x = x.empty() ? nullptr : x.data() + first * row;
      a.grad_out = at(io.grad_out.empty() ? nullptr : io.grad_out.data());
      a.grad_x = at(io.grad_x.empty() ? nullptr : io.grad_x.data());
      for (std::size_t s = 0; s < state_count; ++s) {
        a.states_before[s] = before[s];
        a.grad_state[s] = at(io.grad_state[s].empty() ? nullptr : io.grad_state[s].data());
        a.record_lambda[s] = at(io.record_lambda[s].empty() ? nullptr : io.record_lambda[s].data());
      }
      codegen::backward_sequence_with<M, T>(rule.surrogate, values, arr, len, a);
    };
    std::array<const T*, state_count> before;
    if (kept.interval == 1) {
      for (std::size_t s = 0; s < state_count; ++s) before[s] = kept.states[s].data() + t0 * row;
      run_back(t0, t1 - t0, before);
    } else {
      // segment by segment, last first; each recomputed once from its checkpoint
      const std::size_t K = kept.interval;
      for (std::size_t c = (t1 - 1) / K + 1; c-- > t0 / K;) {
        const std::size_t first = std::max(t0, c * K), last = std::min(t1, (c + 1) * K);
        recompute_segment(kept, x, c);
        for (std::size_t s = 0; s < state_count; ++s) before[s] = kept.segment_states[s].data() + (first - c * K) * row;
        run_back(first, last - first, before);
      }
    }
    for (std::size_t s = 0; s < state_count; ++s)
      if (!io.lambda[s].empty()) std::copy(scratch_lambda_[s].begin(), scratch_lambda_[s].end(), io.lambda[s].begin());
    for (std::size_t q = 0; q < parameter_count; ++q) {
      if (io.grad_param[q].empty()) continue;
      std::fill(io.grad_param[q].begin(), io.grad_param[q].end(), T(0));
      for (std::size_t b = 0; b < batch_; ++b)
        for (std::size_t n = 0; n < neurons_; ++n) io.grad_param[q][n] += scratch_partial_[q][b * neurons_ + n];
    }
  }

  /// The raw arrays the kernels work on.
  codegen::population_arrays<M, T> arrays() {
    codegen::population_arrays<M, T> a;
    a.batch = batch_;
    a.neurons = neurons_;
    a.dt = T(dt_);
    for (std::size_t s = 0; s < state_count; ++s) a.state[s] = states_[s].data();
    if (!uniform_known_) {
      uniform_ = true;
      for (const auto& v : parameters_)
        uniform_ = uniform_ && std::all_of(v.begin(), v.end(), [&](T x) { return x == v.front(); });
      uniform_known_ = true;
    }
    a.uniform_parameters = uniform_;
    for (std::size_t q = 0; q < parameter_count; ++q) a.parameter[q] = parameters_[q].data();
    return a;
  }

  std::size_t parameter_index(std::string_view name) const {
    if (auto k = info_.parameter_index(name)) return *k;
    fail("norn: model '{}' has no parameter '{}' (parameters: {})", info_.name, name, info_.parameter_names());
  }
  std::size_t state_index(std::string_view name) const {
    if (auto k = info_.state_index(name)) return *k;
    fail("norn: model '{}' has no state '{}' (states: {})", info_.name, name, info_.state_names());
  }

 private:
  void check_sizes(std::size_t steps, std::span<const T> x, std::span<T> out, const recordings& record) const {
    const std::size_t row = batch_ * neurons_;
    if (row != 0 && steps > std::numeric_limits<std::size_t>::max() / row)
      fail("norn: {} steps of {} neurons do not fit in memory", steps, row);
    const std::size_t size = steps * row;
    if (!x.empty() && x.size() != size) fail("norn: input has {} values, expected {}", x.size(), size);
    if (!out.empty() && out.size() != size) fail("norn: output has {} values, expected {}", out.size(), size);
    for (std::size_t s = 0; s < state_count; ++s)
      if (!record[s].empty() && record[s].size() != size)
        fail("norn: recording of '{}' has {} values, expected {}", info_.states[s].name, record[s].size(), size);
  }

  void check_gradients(const gradient_io<T>& io, std::span<const T> x, std::size_t size, std::size_t row, std::size_t t0,
                       std::size_t t1, std::size_t steps) const {
    if (t0 > t1 || t1 > steps) fail("norn: backward: steps [{}, {}) outside the {} kept steps", t0, t1, steps);
    if (io.grad_state.size() != state_count || io.lambda.size() != state_count || io.record_lambda.size() != state_count ||
        io.grad_param.size() != parameter_count)
      fail("norn: backward: gradient spans for {} states and {} parameters expected (population::gradients())", state_count,
           parameter_count);
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
  }

  /// The state before every step of segment c of a checkpointed tape, into kept.segment_states.
  void recompute_segment(tape<T>& kept, std::span<const T> x, std::size_t c) {
    if (kept.segment == c) return;
    const std::size_t row = batch_ * neurons_, K = kept.interval, len = std::min(K, kept.steps - c * K);
    auto arr = arrays();
    std::array<T*, state_count> record;
    std::array<std::vector<T>, state_count> state;  // the kernels step the state arrays they are given
    kept.segment_states.resize(state_count);
    for (std::size_t s = 0; s < state_count; ++s) {
      auto& rows = kept.segment_states[s];
      rows.resize(len * row);
      const auto checkpoint = kept.states[s].begin() + std::ptrdiff_t(c * row);
      std::copy_n(checkpoint, row, rows.begin());
      state[s].assign(checkpoint, checkpoint + std::ptrdiff_t(row));
      arr.state[s] = state[s].data();
      record[s] = rows.data() + row;
    }
    if (len > 1)
      codegen::forward_sequence(arr, len - 1, x.empty() ? nullptr : x.data() + c * K * row, static_cast<T*>(nullptr),
                                record);
    kept.segment = c;
  }

  std::array<T*, state_count> pointers(const recordings& record, std::size_t offset) const {
    std::array<T*, state_count> p{};
    for (std::size_t s = 0; s < state_count; ++s) p[s] = record[s].empty() ? nullptr : record[s].data() + offset;
    return p;
  }

  model_info info_;
  std::size_t neurons_;
  std::size_t batch_;
  double dt_;
  std::array<std::vector<T>, state_count> states_;
  std::array<std::vector<T>, parameter_count> parameters_;
  std::array<double, state_count> initial_{};
  spike_gradient gradient_;
  bool uniform_known_ = false, uniform_ = false;
  std::vector<std::vector<T>> scratch_lambda_, scratch_partial_;  // reused by backward()
};

}  // namespace norn
