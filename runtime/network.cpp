#include <runtime/network.hpp>

#include <runtime/errors.hpp>
#include <runtime/layers/linear.hpp>

namespace norn {

const sequence& network::forward(const sequence& x, bool keep) {
  if (layers_.empty()) fail("norn: the network has no layers");
  activations_.resize(layers_.size());
  const sequence* in = &x;
  for (std::size_t k = 0; k < layers_.size(); ++k) {
    // Without a backward to prepare, an event-driven linear layer feeds the population
    // after it directly: currents are computed a tile at a time, never stored.
    auto* linear = keep || k + 1 == layers_.size() ? nullptr : dynamic_cast<linear_layer*>(layers_[k].get());
    if (linear && linear->prepare_currents(*in) &&
        layers_[k + 1]->forward_from(*linear, in->steps, in->batch, activations_[k + 1])) {
      in = &activations_[++k];
      continue;
    }
    layers_[k]->forward(*in, activations_[k], keep);
    in = &activations_[k];
  }
  return activations_.back();
}

void network::backward(const sequence& dy, sequence* dx) {
  sequence grad = dy, next;
  for (std::size_t k = layers_.size(); k-- > 0;) {
    const bool need_input_grad = k > 0 || dx;
    layers_[k]->backward(grad, need_input_grad ? &next : nullptr);
    if (need_input_grad) std::swap(grad, next);
  }
  if (dx) *dx = std::move(grad);
}

std::vector<parameter_ref> network::parameters() {
  std::vector<parameter_ref> all;
  for (std::size_t k = 0; k < layers_.size(); ++k)
    for (auto p : layers_[k]->parameters()) {
      p.name = std::to_string(k) + "." + p.name;
      all.push_back(std::move(p));
    }
  return all;
}

void network::zero_grad() {
  for (auto& l : layers_) l->zero_grad();
}

}  // namespace norn
