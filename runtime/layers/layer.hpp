#pragma once
/// A layer of a network: forward over a whole sequence, backward through it, and the
/// parameters it trains. Parameters are named `<layer index>.<name>` by the network.

#include <runtime/tensor.hpp>

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace norn {

/// Which optimizer group a parameter belongs to (they may get different learning rates).
enum class parameter_group { weights, neuron };

/// A trainable parameter as a layer exposes it: its values and its gradient, same shape.
struct parameter_ref {
  std::string name;
  std::vector<std::size_t> shape;
  std::span<float> value;
  std::span<float> grad;
  parameter_group group = parameter_group::weights;
};

/// Something that computes a layer's input currents on demand, a tile of neurons at a time,
/// instead of materializing them (an event-driven linear layer feeding a population).
class current_source {
 public:
  virtual ~current_source() = default;
  /// The currents of inputs [n0, n0 + width) for row `row` (= t·B + b) of the sequence,
  /// written into `scratch` (64 floats) or pointing into the source.
  virtual const float* currents(std::size_t row, std::size_t n0, std::size_t width, float* scratch) const = 0;
};

class layer {
 public:
  virtual ~layer() = default;

  /// "linear", "lif", ...
  virtual std::string kind() const = 0;
  virtual std::size_t in_features() const = 0;
  virtual std::size_t out_features() const = 0;

  /// y ← layer(x) over the whole sequence. With `keep`, the layer keeps what backward needs;
  /// it may refer to x, which must then stay alive and unchanged until backward().
  virtual void forward(const sequence& x, sequence& y, bool keep) = 0;
  /// Given dL/dy of the last kept forward: adds the parameter gradients and, if dx is not
  /// null, writes dL/dx.
  virtual void backward(const sequence& dy, sequence* dx) = 0;

  /// The trainable parameters (views into the layer).
  virtual std::vector<parameter_ref> parameters() { return {}; }
  /// Sets every parameter gradient to zero.
  void zero_grad() {
    for (auto& p : parameters()) std::fill(p.grad.begin(), p.grad.end(), 0.0f);
  }

  /// Forward whose input comes from `source` instead of a sequence (steps × batch rows),
  /// without keeping anything for backward; false when the layer cannot do it.
  virtual bool forward_from(const current_source&, std::size_t /*steps*/, std::size_t /*batch*/, sequence&) {
    return false;
  }

  /// Records states during forward (population layers; others ignore it).
  virtual void record_states(const std::vector<std::string>&) {}
  /// A recorded state of the last forward, [T·B, N]; null if not recorded.
  virtual const sequence* recorded(const std::string&) const { return nullptr; }
  /// Adds dL/d(state after step t) for a recorded state, used by the next backward.
  virtual void add_state_gradient(const std::string&, const sequence&) {}
};

}  // namespace norn
