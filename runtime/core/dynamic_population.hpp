#pragma once
/// A population of some model behind a run-time interface (values cross it as float32, or as
/// float64 for a population that computes in double precision), so
/// that code which learns the model only at run time (`norn simulate --model`, a layer of
/// a configured network) compiles once instead of once per model. Made by a model's registry
/// entry (runtime/core/registry.hpp) over population<M, T>.

#include <runtime/core/current_source.hpp>
#include <runtime/core/gradient_io.hpp>
#include <runtime/core/model_info.hpp>
#include <runtime/core/spike_gradient.hpp>

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace norn {

class dynamic_population {
 public:
  virtual ~dynamic_population() = default;

  virtual const model_info& info() const = 0;
  virtual std::size_t neurons() const = 0;
  virtual std::size_t batch() const = 0;
  /// Changes the batch size; states go back to their initial values.
  virtual void resize_batch(std::size_t batch) = 0;
  /// Puts every state back to its initial value.
  virtual void reset() = 0;
  virtual void set_initial(std::string_view state, double value) = 0;
  virtual void set_parameter(std::string_view name, double value) = 0;
  virtual void set_parameter(std::string_view name, std::span<const float> per_neuron) = 0;
  /// Parameter q's values, per neuron.
  virtual std::vector<float> parameter(std::size_t q) const = 0;
  /// Whether it computes in double precision: its float64 overloads below then take and give
  /// its values unconverted; a float32 population refuses them.
  virtual bool double_precision() const = 0;
  virtual void set_parameter(std::string_view name, std::span<const double> per_neuron) = 0;
  /// Parameter q's values, per neuron, into `out` [N].
  virtual void read_parameter(std::size_t q, std::span<double> out) const = 0;
  /// State s now, into `out` [B·N] (batch entry major).
  virtual void read_state(std::size_t s, std::span<double> out) const = 0;
  /// Sets state s of every neuron and batch entry from [B·N] finite values (until reset()).
  virtual void set_state(std::size_t s, std::span<const double> values) = 0;
  /// Chooses how spikes pass gradient (checked against the model's surrogates).
  virtual void set_gradient_rule(const spike_gradient& rule) = 0;

  /// `steps` steps on input x [steps × B·N] (empty for none), nothing kept: writes the
  /// output (if not empty) and, for each state with a non-empty span, that state after
  /// every step (`record` is empty or has one span per state).
  virtual void run(std::size_t steps, std::span<const float> x, std::span<float> out,
                   const std::vector<std::span<float>>& record = {}) = 0;
  /// As run(), with the input computed a tile of neurons at a time by `input`.
  virtual void run_from(std::size_t steps, const current_source& input, std::span<float> out,
                        const std::vector<std::span<float>>& record = {}) = 0;

  /// Starts a sequence whose forward keeps what backward() needs: the state before every
  /// step, or every `interval` steps (the backward recomputes the rest).
  virtual void start_tape(std::size_t interval = 1) = 0;
  /// As run(), appending to the tape; a sequence may be forwarded in pieces.
  virtual void forward(std::size_t steps, std::span<const float> x, std::span<float> out,
                       const std::vector<std::span<float>>& record = {}) = 0;
  /// Spans for backward(), one per state and parameter, all empty.
  virtual gradient_io<float> gradients() const = 0;
  /// The backward of steps [t0, t1) of the taped sequence, whose whole input is x (see
  /// population::backward).
  virtual void backward(std::span<const float> x, const gradient_io<float>& io, std::size_t t0, std::size_t t1) = 0;
  /// The float64 forms of run(), forward() and backward(), for a double-precision population.
  virtual void run(std::size_t steps, std::span<const double> x, std::span<double> out,
                   const std::vector<std::span<double>>& record = {}) = 0;
  virtual void forward(std::size_t steps, std::span<const double> x, std::span<double> out,
                       const std::vector<std::span<double>>& record = {}) = 0;
  virtual void backward(std::span<const double> x, const gradient_io<double>& io, std::size_t t0, std::size_t t1) = 0;
  /// Steps on the tape.
  virtual std::size_t taped_steps() const = 0;
  /// Bytes the tape holds.
  virtual std::size_t kept_bytes() const = 0;
};

}  // namespace norn
