#pragma once
/// Populations of a model as layers, over the run-time population interface (so that they
/// compile once, not once per model). A feed-forward population runs the generated kernel
/// over the whole sequence (spans of tiles stepped through time together; a tile walks time
/// alone when its input is computed per tile, from a feeding layer's events); a recurrent
/// one adds W_rec z_{t−1} to each step's input, as Norse's recurrent cells,
/// stepping in time with the recurrent product only. Chosen parameters are trained, per
/// neuron ([N]), per channel of a [C, H, W] input ([C]) or shared by the population ([1]). Both keep the state every
/// `checkpoint_every` steps for the backward and recompute the rest. A float64 layer's
/// population computes in float64.

#include <runtime/core/dynamic_population.hpp>
#include <runtime/core/registry.hpp>
#include <runtime/train/layer.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace norn {

/// How to build a population layer.
struct population_options {
  const model_entry* model = nullptr;
  std::size_t neurons = 0;
  double dt = 0.001;
  std::vector<std::pair<std::string, double>> set;      ///< parameter values (for every neuron)
  /// Trained parameters, each with how many values it has: 1 (shared by the population),
  /// one per channel (for a [C, H, W] input: neurons in C blocks of H·W), or one per neuron.
  std::vector<std::pair<std::string, std::size_t>> train;
  /// Parameters held per neuron but not trained: named parameters like the trained ones
  /// (--init reads them, checkpoints keep them), left alone by the optimizer.
  std::vector<std::string> per_neuron;
  std::vector<std::pair<std::string, double>> initial;  ///< initial state values
  spike_gradient gradient;
  std::size_t checkpoint_every = 1;  ///< keep the state every K steps only (recompute in backward)
  bool recurrent = false;
  bool autapses = false;                ///< recurrent: keep W_rec's diagonal
  bool recurrent_bias = false;          ///< recurrent: u_t gains a bias b_rec (zero at first), as NIR's Affine
  std::optional<double> recurrent_std;  ///< recurrent: N(0, std²) init, default √(2/N)
  std::uint64_t seed = 0;
};

/// A feed-forward or recurrent population layer, as the options say, computing in T.
template <class T = float>
std::unique_ptr<basic_layer<T>> make_population_layer(const population_options& options);

/// What both population layers share: the population, its trained parameters, and the
/// recorded states and their gradients.
template <class T>
class population_layer_base : public basic_layer<T> {
 public:
  using typename basic_layer<T>::sequence;
  using typename basic_layer<T>::parameter_ref;
  using typename basic_layer<T>::current_source;

  explicit population_layer_base(const population_options& o);

  std::string type() const override { return pop_->info().name; }
  std::size_t in_features() const override { return pop_->neurons(); }
  std::size_t out_features() const override { return pop_->neurons(); }
  std::vector<parameter_ref> parameters() override;
  const model_info* model() const override { return &pop_->info(); }
  std::vector<T> neuron_parameter(std::size_t q) const override;
  void record_states(const std::vector<std::string>& names) override;
  const sequence* recorded(const std::string& name) const override;
  void add_state_gradient(const std::string& name, const sequence& g) override;

  dynamic_population& neurons() { return *pop_; }

 protected:
  /// Checks the input, sizes the population for its batch, applies trained values and
  /// shapes the recordings.
  void prepare(std::size_t steps, std::size_t batch, std::size_t features);
  /// Recordings of steps [t, t + len) (all steps: t = 0, len = T).
  std::vector<std::span<T>> recordings(std::size_t t, std::size_t len);
  /// Parameter q's values in the population, per neuron.
  std::vector<T> population_value(std::size_t q) const;
  /// Spans for the population's backward, all empty.
  gradient_io<T> gradient_spans() const;
  /// Zeroed per-neuron gradient buffers for the trained parameters, in io.grad_param.
  void attach_gradients(gradient_io<T>& io);
  /// Adds the per-neuron gradients of the last backward (summed when shared).
  void accumulate_gradients();
  /// Attaches the recorded states' gradients to io.
  void attach_state_gradients(gradient_io<T>& io) const;

  /// A trained (or per-neuron fixed) parameter: `value` holds its groups (1, C or N values;
  /// neuron n takes value[n·groups / N]).
  struct trained {
    std::size_t index;
    bool learn = true;  ///< false: per_neuron, fixed
    std::vector<T> value, grad, scratch;
    std::vector<T> per_neuron(std::size_t neurons) const;
  };

  population_options options_;
  std::unique_ptr<dynamic_population> pop_;
  std::vector<trained> trained_;
  std::vector<bool> recording_;
  std::vector<sequence> recorded_, state_grads_;
};

/// A feed-forward population: y_t = output of the neurons given input x_t.
template <class T>
class population_layer final : public population_layer_base<T> {
 public:
  using base = population_layer_base<T>;
  using typename base::sequence;
  using typename base::current_source;
  using base::base;
  void forward(const sequence& x, sequence& y, bool keep) override;
  bool forward_from(const current_source& source, std::size_t steps, std::size_t batch, sequence& y) override;
  void backward(const sequence& dy, sequence* dx) override;

 private:
  using base::pop_;
  using base::options_;
  const sequence* input_ = nullptr;  // the last kept forward's input
};

/// A recurrent population: the input of step t is x_t + W_rec z_{t−1} (+ b_rec with a
/// recurrent bias), as in Norse's recurrent cells (z_{−1} = 0). W_rec is [N, N], initialized
/// N(0, 2/N) with a zero diagonal unless autapses are allowed (its diagonal gradient is then
/// zeroed too).
template <class T>
class recurrent_population_layer final : public population_layer_base<T> {
 public:
  using base = population_layer_base<T>;
  using typename base::sequence;
  using typename base::parameter_ref;
  using matrix = matrix_of<T>;
  using vector = vector_of<T>;

  explicit recurrent_population_layer(const population_options& o);
  void forward(const sequence& x, sequence& y, bool keep) override;
  void backward(const sequence& dy, sequence* dx) override;
  std::vector<parameter_ref> parameters() override;

  matrix& recurrent_weight() { return weight_; }

 private:
  using base::pop_;
  using base::options_;
  matrix weight_, weight_grad_;
  vector bias_, bias_grad_;  // empty without a recurrent bias
  sequence input_;         // u_t = x_t + z_{t−1} W_recᵀ of the last forward
  const sequence* output_ = nullptr;  // z_t of the last forward
};

extern template class population_layer_base<float>;
extern template class population_layer_base<double>;
extern template class population_layer<float>;
extern template class population_layer<double>;
extern template class recurrent_population_layer<float>;
extern template class recurrent_population_layer<double>;

}  // namespace norn
