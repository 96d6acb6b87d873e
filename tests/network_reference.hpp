#pragma once
// An independent path through a whole network for gradient checks: the forward of every
// layer and of the loss evaluated on dual numbers (forward mode), with plain loops instead
// of GEMMs and the models' declared steps instead of the generated kernels and adjoints.

#include <codegen/adjoint.hpp>
#include <codegen/dual.hpp>
#include <models/all.hpp>
#include <runtime/core/info_of.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace norn::test {

template <std::size_t D>
using dvalue = codegen::dual<double, D>;

/// Rows of a sequence: [T·B][F], row t·B + b.
template <std::size_t D>
using drows = std::vector<std::vector<dvalue<D>>>;

/// A parameter for the reference: its values and tangent directions (one per dual slot).
template <std::size_t D>
struct dparam {
  std::vector<double> value;
  std::vector<std::array<double, D>> tangent;
  dvalue<D> at(std::size_t k) const { return dvalue<D>::with_tangent(value[k], tangent[k]); }
};

/// y = x Wᵀ + b, by loops.
template <std::size_t D>
drows<D> linear_forward(const drows<D>& x, const dparam<D>& w, const dparam<D>* b, std::size_t in, std::size_t out) {
  drows<D> y(x.size(), std::vector<dvalue<D>>(out));
  for (std::size_t r = 0; r < x.size(); ++r)
    for (std::size_t o = 0; o < out; ++o) {
      dvalue<D> acc = b ? b->at(o) : dvalue<D>(0.0);
      for (std::size_t i = 0; i < in; ++i) acc = acc + x[r][i] * w.at(o * in + i);
      y[r][o] = acc;
    }
  return y;
}

/// A population of model M over the sequence; `params` maps a parameter name to per-neuron
/// values (absent: the default); `recurrent` (if given) is W_rec [N][N].
template <class M, std::size_t D>
drows<D> population_forward(const drows<D>& x, std::size_t steps, std::size_t batch, std::size_t neurons,
                            const std::map<std::string, dparam<D>>& params, const std::map<std::string, double>& fixed,
                            const dparam<D>* recurrent, bool detach_reset) {
  using S = codegen::slots<M>;
  using Policy = codegen::spike_policy<dsl::default_surrogate_t<M>>;
  const auto info = info_of<M>();
  std::vector<codegen::env<M, dvalue<D>, Policy>> lanes(batch * neurons);
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t n = 0; n < neurons; ++n) {
      auto& e = lanes[b * neurons + n];
      e.rules.reset_grad = detach_reset ? 0.0 : 1.0;
      for (std::size_t s = 0; s < S::state_count; ++s) e.values[s] = dvalue<D>(info.states[s].value);
      for (std::size_t q = 0; q < S::parameter_count; ++q) {
        const auto& name = info.parameters[q].name;
        if (auto it = params.find(name); it != params.end()) e.values[S::state_count + q] = it->second.at(it->second.value.size() == 1 ? 0 : n);
        else if (auto f = fixed.find(name); f != fixed.end()) e.values[S::state_count + q] = dvalue<D>(f->second);
        else e.values[S::state_count + q] = dvalue<D>(info.parameters[q].value);
      }
      e.values[S::dt_slot] = dvalue<D>(0.001);
    }
  drows<D> y(x.size(), std::vector<dvalue<D>>(neurons));
  for (std::size_t t = 0; t < steps; ++t)
    for (std::size_t b = 0; b < batch; ++b)
      for (std::size_t n = 0; n < neurons; ++n) {
        auto& e = lanes[b * neurons + n];
        dvalue<D> u = x[t * batch + b][n];
        if (recurrent && t > 0)
          for (std::size_t j = 0; j < neurons; ++j) u = u + recurrent->at(n * neurons + j) * y[(t - 1) * batch + b][j];
        e.values[S::input_slot] = u;
        codegen::forward_step(e);
        y[t * batch + b][n] = e.values[codegen::output_slot<M>()];
      }
  return y;
}

/// population_forward for the built-in model named `name`.
template <std::size_t D>
drows<D> population_forward_by_name(const std::string& name, const drows<D>& x, std::size_t steps, std::size_t batch,
                                    std::size_t neurons, const std::map<std::string, dparam<D>>& params,
                                    const std::map<std::string, double>& fixed, const dparam<D>* recurrent,
                                    bool detach_reset) {
  drows<D> y;
  bool found = false;
  std::apply([&](auto... m) {
    ((std::string(decltype(m)::name.view()) == name
          ? (y = population_forward<decltype(m), D>(x, steps, batch, neurons, params, fixed, recurrent, detach_reset),
             found = true)
          : false),
     ...);
  }, models::all{});
  if (!found) throw std::runtime_error("no built-in model " + name);
  return y;
}

/// Mean squared error over all elements.
template <std::size_t D>
dvalue<D> mse(const drows<D>& y, const std::vector<double>& target /* [T·B·O] */) {
  dvalue<D> acc(0.0);
  std::size_t n = 0;
  for (const auto& row : y)
    for (const auto& v : row) {
      const auto d = v - dvalue<D>(target[n++]);
      acc = acc + d * d;
    }
  return acc / dvalue<D>(double(n));
}

/// Cross entropy of softmax(max over time) against labels, mean over the batch.
template <std::size_t D>
dvalue<D> cross_entropy_max(const drows<D>& y, std::size_t steps, std::size_t batch, const std::vector<int>& labels) {
  dvalue<D> total(0.0);
  const std::size_t O = y[0].size();
  for (std::size_t b = 0; b < batch; ++b) {
    std::vector<dvalue<D>> logits(O);
    for (std::size_t o = 0; o < O; ++o) {
      logits[o] = y[b][o];
      for (std::size_t t = 1; t < steps; ++t)
        if (y[t * batch + b][o].v > logits[o].v) logits[o] = y[t * batch + b][o];
    }
    double top = logits[0].v;
    for (const auto& l : logits) top = std::max(top, l.v);
    dvalue<D> z(0.0);
    for (const auto& l : logits) z = z + exp(l - dvalue<D>(top));
    total = total + (log(z) + dvalue<D>(top) - logits[std::size_t(labels[b])]);
  }
  return total / dvalue<D>(double(batch));
}

}  // namespace norn::test
