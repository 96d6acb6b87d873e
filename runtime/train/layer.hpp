#pragma once
/// A layer of a network: forward over a whole sequence, backward through it, and the
/// parameters it trains, computing in float (the default) or double, as the run's
/// "precision" says. Parameters are named `<layer index>.<name>` by the network. Kinds
/// of layers, and how a configuration describes them, are in layer_kind.hpp.

#include <runtime/core/model_info.hpp>
#include <runtime/core/tensor.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace norn {

template <class Real>
class basic_current_source;

/// Which optimizer group a parameter belongs to (they may get different learning rates).
enum class parameter_group { weights, neuron };

/// A parameter as a layer exposes it: its values and its gradient, same shape. One that is
/// not `trained` is read (--init), saved and checkpointed like the others, but the optimizer
/// leaves it as it is (a NIR file's fixed per-neuron values, an untrained scale).
template <class Real>
struct basic_parameter_ref {
  std::string name;
  std::vector<std::size_t> shape;
  std::span<Real> value;
  std::span<Real> grad;
  parameter_group group = parameter_group::weights;
  bool trained = true;
};

using parameter_ref = basic_parameter_ref<float>;

template <class Real>
class basic_layer {
 public:
  using real = Real;
  using sequence = basic_sequence<Real>;
  using matrix = matrix_of<Real>;
  using vector = vector_of<Real>;
  using parameter_ref = basic_parameter_ref<Real>;
  using current_source = basic_current_source<Real>;

  virtual ~basic_layer() = default;

  /// Its configuration type: its kind's name, or its model's.
  virtual std::string type() const = 0;
  virtual std::size_t in_features() const = 0;
  virtual std::size_t out_features() const = 0;

  /// y ← layer(x) over the whole sequence. With `keep`, the layer keeps what backward needs;
  /// it may refer to x, which must then stay alive and unchanged until backward().
  virtual void forward(const sequence& x, sequence& y, bool keep) = 0;
  /// Whether forward() takes a repeated x (a static value, stored once; sequence in
  /// tensor.hpp), giving a repeated y when its output is static too; the network copies a
  /// repeated x to every step for a layer that does not. A layer that took a repeated x
  /// returns a repeated dx: the sum over steps.
  virtual bool takes_repeated() const { return false; }
  /// Given dL/dy of the last kept forward: adds the parameter gradients and, if dx is not
  /// null, writes dL/dx.
  virtual void backward(const sequence& dy, sequence* dx) = 0;

  /// The noise of a training batch (dropout's masks) drawn from `seed`, or none: evaluation.
  virtual void set_noise(std::optional<std::uint64_t> /*seed*/) {}

  /// The parameters (views into the layer), trained or not.
  virtual std::vector<parameter_ref> parameters() { return {}; }
  /// Sets every parameter gradient to zero.
  void zero_grad() {
    for (auto& p : parameters()) std::fill(p.grad.begin(), p.grad.end(), Real(0));
  }

  /// For a forward without backward: this layer's output for x as a source that computes
  /// it a tile at a time (an event-driven linear layer), so that the next layer can consume
  /// it without its being stored; null when the layer cannot.
  virtual const current_source* output_source(const sequence& /*x*/) { return nullptr; }
  /// Forward whose input comes from `source` (steps × batch rows), keeping nothing for a
  /// backward; false when the layer cannot take such an input.
  virtual bool forward_from(const current_source&, std::size_t /*steps*/, std::size_t /*batch*/, sequence&) {
    return false;
  }

  /// The neuron model of a population layer; null for other layers.
  virtual const model_info* model() const { return nullptr; }
  /// A population layer's current value of parameter q, per neuron.
  virtual std::vector<Real> neuron_parameter(std::size_t /*q*/) const { return {}; }
  /// Records states during forward (population layers; others ignore it).
  virtual void record_states(const std::vector<std::string>&) {}
  /// A recorded state of the last forward, [T·B, N]; null if not recorded.
  virtual const sequence* recorded(const std::string&) const { return nullptr; }
  /// Adds dL/d(state after step t) for a recorded state, used by the next backward.
  virtual void add_state_gradient(const std::string&, const sequence&) {}
};

using layer = basic_layer<float>;

}  // namespace norn
