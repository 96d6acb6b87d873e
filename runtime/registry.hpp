#pragma once
/// The models a `norn` binary knows, by name: each entry carries the model's declaration as
/// data and makes type-erased simulators of it (float or double). The built-in models
/// come from `builtin_models()`; a model binary adds its own (see cmake/NornModel.cmake).

#include <runtime/layers/population_layer.hpp>
#include <runtime/model_info.hpp>
#include <runtime/population.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace norn {

/// A population of some model behind a run-time interface; values cross it as float32.
class simulator {
 public:
  virtual ~simulator() = default;
  virtual const model_info& info() const = 0;
  virtual void set_parameter(std::string_view name, double value) = 0;
  virtual void set_parameter(std::string_view name, std::span<const float> per_neuron) = 0;
  /// Runs `steps` steps on input x [steps × B·N] (empty for none); writes the output and,
  /// for each state with a non-empty span, that state after every step.
  virtual void run(std::size_t steps, std::span<const float> x, std::span<float> out,
                   const std::vector<std::span<float>>& record) = 0;

  /// As run(), keeping what backward() needs (checkpoints every `interval` steps).
  virtual void run_for_gradients(std::size_t steps, std::span<const float> x, std::span<float> out,
                                 const std::vector<std::span<float>>& record, std::size_t interval = 1) = 0;
  /// The backward of the last run_for_gradients(): given dL/d(output) and dL/d(states)
  /// (spans may be empty), writes λ traces per state, dL/dx and dL/dθ per neuron.
  virtual void backward(const spike_gradient& rule, std::span<const float> grad_out,
                        const std::vector<std::span<const float>>& grad_state,
                        const std::vector<std::span<float>>& record_lambda, std::span<float> grad_x,
                        const std::vector<std::span<float>>& grad_param) = 0;
  /// Bytes the last run_for_gradients() kept.
  virtual std::size_t kept_bytes() const = 0;
};

/// A model as a `norn` binary knows it.
struct model_entry {
  model_info info;
  std::unique_ptr<simulator> (*make)(std::size_t neurons, std::size_t batch, double dt,
                                     bool double_precision);
  /// A population of the model as a network layer (recurrent if the options say so).
  std::unique_ptr<layer> (*make_layer)(const population_options& options);
  /// The model's forward step, or its adjoint through `rule`'s surrogate, as C++ source.
  std::string (*emit)(bool backward, const spike_gradient& rule);
};

namespace detail {
template <class M, class T>
class simulator_of final : public simulator {
 public:
  simulator_of(std::size_t neurons, std::size_t batch, double dt) : pop_(neurons, batch, dt) {}
  const model_info& info() const override { return pop_.info(); }
  void set_parameter(std::string_view name, double value) override { pop_.set_parameter(name, value); }
  void set_parameter(std::string_view name, std::span<const float> v) override {
    std::vector<T> values(v.begin(), v.end());
    pop_.set_parameter(name, std::span<const T>(values));
  }
  void run(std::size_t steps, std::span<const float> x, std::span<float> out,
           const std::vector<std::span<float>>& record) override {
    constexpr std::size_t S = population<M, T>::state_count;
    if (record.size() > S) fail("norn: {} recordings for {} states", record.size(), S);
    if constexpr (std::is_same_v<T, float>) {
      std::array<std::span<float>, S> rec{};
      std::copy(record.begin(), record.end(), rec.begin());
      pop_.run(steps, x, out, rec);
    } else {
      std::vector<T> xd(x.begin(), x.end()), outd(out.size());
      std::array<std::vector<T>, S> recd;
      std::array<std::span<T>, S> rec{};
      for (std::size_t s = 0; s < record.size(); ++s) {
        recd[s].resize(record[s].size());
        rec[s] = recd[s];
      }
      pop_.run(steps, xd, outd, rec);
      std::copy(outd.begin(), outd.end(), out.begin());
      for (std::size_t s = 0; s < record.size(); ++s)
        std::copy(recd[s].begin(), recd[s].end(), record[s].begin());
    }
  }

 void run_for_gradients(std::size_t steps, std::span<const float> x, std::span<float> out,
                         const std::vector<std::span<float>>& record, std::size_t interval) override {
    if constexpr (std::is_same_v<T, float>) {
      constexpr std::size_t S = population<M, T>::state_count;
      std::array<std::span<float>, S> rec{};
      std::copy(record.begin(), record.end(), rec.begin());
      x_.assign(x.begin(), x.end());
      pop_.forward(steps, x_, out, tape_, interval, rec);
    } else {
      fail("norn: gradients are computed in float precision; drop --double");
    }
  }
  void backward(const spike_gradient& rule, std::span<const float> grad_out,
                const std::vector<std::span<const float>>& grad_state, const std::vector<std::span<float>>& record_lambda,
                std::span<float> grad_x, const std::vector<std::span<float>>& grad_param) override {
    if constexpr (std::is_same_v<T, float>) {
      constexpr std::size_t S = population<M, T>::state_count, P = population<M, T>::parameter_count;
      gradient_io<float, S, P> io;
      io.grad_out = grad_out;
      for (std::size_t s = 0; s < S && s < grad_state.size(); ++s) io.grad_state[s] = grad_state[s];
      for (std::size_t s = 0; s < S && s < record_lambda.size(); ++s) io.record_lambda[s] = record_lambda[s];
      for (std::size_t q = 0; q < P && q < grad_param.size(); ++q) io.grad_param[q] = grad_param[q];
      io.grad_x = grad_x;
      pop_.gradient_rule() = rule;
      pop_.backward(tape_, x_, io);
    }
  }
  std::size_t kept_bytes() const override { return tape_.bytes(); }

 private:
  population<M, T> pop_;
  tape<T, population<M, T>::state_count> tape_;
  std::vector<T> x_;
};
}  // namespace detail

/// The registry entry of model M; `emit` is emit_of<M> (runtime/model_emit.hpp), which
/// generated entries compile in a translation unit of their own, at -O0: string building
/// gains nothing from -O3, and compiling it with the kernels took 11 of a model's 38 s
/// (measured).
template <dsl::model M>
model_entry entry_of(std::string (*emit)(bool, const spike_gradient&)) {
  return {info_of<M>(), [](std::size_t neurons, std::size_t batch, double dt,
                           bool double_precision) -> std::unique_ptr<simulator> {
            if (double_precision) return std::make_unique<detail::simulator_of<M, double>>(neurons, batch, dt);
            return std::make_unique<detail::simulator_of<M, float>>(neurons, batch, dt);
          },
          [](const population_options& o) -> std::unique_ptr<layer> {
            if (o.recurrent) return std::make_unique<recurrent_population_layer<M>>(o);
            return std::make_unique<population_layer<M>>(o);
          },
          emit};
}

/// Every built-in model, in the order `norn models` lists them.
const std::vector<model_entry>& builtin_models();

/// Looks a model up by name; throws bad_input naming the known models when absent.
const model_entry& find_model(std::span<const model_entry> models, std::string_view name);

}  // namespace norn
