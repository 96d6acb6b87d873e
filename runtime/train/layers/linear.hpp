#pragma once
/// A dense layer, y = x Wᵀ + b, as PyTorch's Linear: weight [out, in], bias [out],
/// initialized Kaiming-uniform (bounds ±1/√in for both, PyTorch's default). Forward and
/// backward each run over all T·B rows of the sequence at once: one GEMM when the input is
/// dense, and, when it is sparse (spikes: at most 10 % non-zero by default), event-driven
/// products that add the weight row of each input event instead of multiplying zeros.
/// The choice is made per batch from the measured density; the event-driven products are
/// float32 kernels, so a float64 layer always takes the GEMM.

#include <runtime/core/current_source.hpp>
#include <runtime/train/layer.hpp>

#include <cstdint>
#include <vector>

namespace norn {

/// On cache lines of its own: as a current source, every thread's inner loop reads its
/// members, and a neighbour written meanwhile would make them miss (measured: the
/// event-driven lif-layer at N = 2,000 took 1.4× as long when the object shared a line).
template <class T>
class alignas(64) linear_layer final : public basic_layer<T>, public basic_current_source<T> {
 public:
  using typename basic_layer<T>::sequence;
  using typename basic_layer<T>::matrix;
  using typename basic_layer<T>::vector;
  using typename basic_layer<T>::parameter_ref;
  using current_source = basic_current_source<T>;

  /// A layer with PyTorch's default initialization drawn from `seed`; with init_std > 0
  /// the weights are N(0, init_std²) instead (Norse's recurrent cells use √(2/out)).
  linear_layer(std::size_t in, std::size_t out, bool bias, std::uint64_t seed, double init_std = 0);

  std::string type() const override;
  std::size_t in_features() const override { return std::size_t(weight_.cols()); }
  std::size_t out_features() const override { return std::size_t(weight_.rows()); }

  void forward(const sequence& x, sequence& y, bool keep) override;
  bool takes_repeated() const override { return true; }
  void backward(const sequence& dy, sequence* dx) override;
  std::vector<parameter_ref> parameters() override;

  matrix& weight() { return weight_; }
  vector& bias() { return bias_; }

  /// Event-driven products for inputs at most this dense (0 turns them off).
  void set_event_driven(bool on, double max_density = 0.1) {
    event_driven_ = on;
    sparse_density_ = max_density;
  }
  /// Gathers x's events and packs the weights so that currents() computes this layer's
  /// output a tile at a time (for a population that consumes it without materializing it);
  /// null when x is too dense for events.
  const current_source* output_source(const sequence& x) override;
  const T* currents(std::size_t row, std::size_t n0, std::size_t width, T* scratch) const override;

  /// Whether the last forward took the event-driven path.
  bool last_forward_event_driven() const { return last_event_driven_; }

 private:
  void forward_events(const sequence& x, sequence& y);
  /// dW from the events the forward gathered.
  void weight_gradient_events(const sequence& dy);
  void pack_weights();

  /// The non-zero entries of each row of an input (its events), in column order.
  struct events {
    std::vector<std::uint32_t> row_start, column;
    std::vector<float> value;
    bool binary = false;  ///< every event is 1 (spikes)
    /// One thread's events, on cache lines of its own (threads append to them at once).
    struct alignas(64) part {
      std::vector<std::uint32_t> column;
      std::vector<float> value;
    };
    std::vector<part> per_thread;  // reused
    /// Gathers x's events; false (and nothing usable) when x is denser than max_density.
    bool gather(const matrix_of<float>& x, double max_density);
  };
  events events_;

  matrix weight_, weight_grad_;
  std::vector<T> packed_, packed_grad_;  // Wᵀ and its gradient in panels of 32 columns
  bool event_driven_ = true, last_event_driven_ = false;
  double sparse_density_ = 0.1;
  vector bias_, bias_grad_;
  bool has_bias_;
  const sequence* input_ = nullptr;  // the last kept forward's input
};

// the event-driven products, float32 kernels; a float64 layer never takes them
template <>
void linear_layer<float>::forward_events(const sequence& x, sequence& y);
template <>
void linear_layer<float>::weight_gradient_events(const sequence& dy);
template <>
void linear_layer<float>::pack_weights();
template <>
const basic_current_source<float>* linear_layer<float>::output_source(const sequence& x);
template <>
const float* linear_layer<float>::currents(std::size_t row, std::size_t n0, std::size_t width, float* scratch) const;
template <>
void linear_layer<double>::forward_events(const sequence& x, sequence& y);
template <>
void linear_layer<double>::weight_gradient_events(const sequence& dy);
template <>
void linear_layer<double>::pack_weights();
template <>
const basic_current_source<double>* linear_layer<double>::output_source(const sequence& x);
template <>
const double* linear_layer<double>::currents(std::size_t row, std::size_t n0, std::size_t width, double* scratch) const;

extern template class linear_layer<float>;
extern template class linear_layer<double>;

}  // namespace norn
