#include <runtime/train/network.hpp>

#include <runtime/core/errors.hpp>

namespace norn {

template <class Real>
const basic_sequence<Real>& basic_network<Real>::forward(const sequence& x, bool keep) {
  if (layers_.empty()) fail("norn: the network has no layers");
  activations_.resize(layers_.size());
  const sequence* in = &x;
  for (std::size_t k = 0; k < layers_.size(); ++k) {
    if (in->repeated && !layers_[k]->takes_repeated()) {
      expand_steps(*in, expanded_);
      in = &expanded_;
    }
    // Without a backward to prepare, a layer that can compute its output a tile at a time
    // (an event-driven linear layer) feeds the next one directly: that output is never stored.
    const basic_current_source<Real>* source =
        keep || in->repeated || k + 1 == layers_.size() ? nullptr : layers_[k]->output_source(*in);
    if (source && layers_[k + 1]->forward_from(*source, in->steps, in->batch, activations_[k + 1])) {
      in = &activations_[++k];
      continue;
    }
    layers_[k]->forward(*in, activations_[k], keep);
    in = &activations_[k];
  }
  return activations_.back();
}

template <class Real>
void basic_network<Real>::backward(const sequence& dy, sequence* dx) {
  sequence grad = dy, next;
  for (std::size_t k = layers_.size(); k-- > 0;) {
    const bool need_input_grad = k > 0 || dx;
    layers_[k]->backward(grad, need_input_grad ? &next : nullptr);
    if (need_input_grad) std::swap(grad, next);
  }
  if (dx) *dx = std::move(grad);  // for a repeated x, repeated: the sum over steps
}

template <class Real>
std::vector<basic_parameter_ref<Real>> basic_network<Real>::parameters() {
  std::vector<parameter_ref> all;
  for (std::size_t k = 0; k < layers_.size(); ++k)
    for (auto p : layers_[k]->parameters()) {
      p.name = std::to_string(k) + "." + p.name;
      all.push_back(std::move(p));
    }
  return all;
}

template <class Real>
void basic_network<Real>::zero_grad() {
  for (auto& l : layers_) l->zero_grad();
}

template class basic_network<float>;
template class basic_network<double>;

}  // namespace norn
