#pragma once
// The gradient-check law, run for every model and surrogate: the generated adjoint of a
// multi-step run against an independent forward-mode (dual-number) evaluation of the same
// declaration, and against central finite differences where the step is smooth.

#include <codegen/adjoint.hpp>
#include <codegen/dual.hpp>
#include <runtime/core/builtin_kernels.hpp>
#include <runtime/core/info_of.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace norn::test {

/// How to drive a model in a gradient check: the input is mean + spread · N(0, 1) each step.
struct drive {
  double mean;
  double spread;
  double bernoulli = 1.0;  ///< the input is non-zero with this probability
  double jitter = 0.05;    ///< relative random perturbation of the default parameters
};

/// One neuron's run: initial state, parameters and inputs, and the loss coefficients.
template <class M>
struct problem {
  static constexpr std::size_t S = codegen::slots<M>::state_count;
  static constexpr std::size_t P = codegen::slots<M>::parameter_count;
  std::array<double, S> state0{};
  std::array<double, P> param{};
  std::vector<double> x;
  std::vector<double> w_out;                   ///< L = Σ_t w_out[t] out_t + Σ_t Σ_s c[t][s] state_s(t)
  std::vector<std::array<double, S>> c_state;
  double dt = 0.001;
};

template <class M>
problem<M> make_problem(std::size_t steps, const drive& d, unsigned seed, bool loss_on_output = true) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::bernoulli_distribution on(d.bernoulli);
  const auto info = info_of<M>();
  problem<M> p;
  for (std::size_t s = 0; s < p.S; ++s) p.state0[s] = info.states[s].value + 0.02 * (std::abs(info.states[s].value) + 0.5) * uniform(gen);
  for (std::size_t q = 0; q < p.P; ++q) p.param[q] = info.parameters[q].value * (1.0 + d.jitter * uniform(gen)) + (info.parameters[q].value == 0 ? 0.01 * uniform(gen) : 0.0);
  p.x.resize(steps);
  for (auto& v : p.x) v = on(gen) ? d.mean + d.spread * normal(gen) : 0.0;
  p.w_out.resize(steps);
  p.c_state.resize(steps);
  for (std::size_t t = 0; t < steps; ++t) {
    p.w_out[t] = loss_on_output ? uniform(gen) : 0.0;
    for (std::size_t s = 0; s < p.S; ++s) p.c_state[t][s] = uniform(gen) / (1.0 + std::abs(info.states[s].value));
  }
  return p;
}

/// The gradient of L from the generated adjoint: [initial states, parameters, inputs].
template <class M, class Policy>
std::vector<double> adjoint_gradient(const problem<M>& pb, const Policy& policy, std::size_t* spikes = nullptr) {
  constexpr std::size_t S = problem<M>::S, P = problem<M>::P;
  const std::size_t T = pb.x.size();
  std::array<std::vector<double>, S> state, tape;
  std::array<std::vector<double>, P> param;
  codegen::population_arrays<M, double> arr;
  arr.neurons = 1;
  arr.dt = pb.dt;
  for (std::size_t q = 0; q < P; ++q) {
    param[q] = {pb.param[q]};
    arr.parameter[q] = param[q].data();
  }
  std::array<double*, S> record{};
  for (std::size_t s = 0; s < S; ++s) {
    state[s] = {pb.state0[s]};
    arr.state[s] = state[s].data();
    tape[s].assign(T + 1, 0.0);
    tape[s][0] = pb.state0[s];
    record[s] = tape[s].data() + 1;  // state after step t = state before step t + 1
  }
  std::vector<double> out(T);
  codegen::forward_sequence(arr, T, pb.x.data(), out.data(), record);
  if (spikes) {
    *spikes = 0;
    if constexpr (dsl::is_spiking_v<M>)
      for (double z : out) *spikes += z != 0.0;
  }
  codegen::adjoint_arrays<M, double> a;
  std::array<std::vector<double>, S> grad_state, lambda;
  std::array<std::vector<double>, P> grad_param;
  std::vector<double> grad_x(T);
  for (std::size_t s = 0; s < S; ++s) {
    a.states_before[s] = tape[s].data();
    grad_state[s].resize(T);
    for (std::size_t t = 0; t < T; ++t) grad_state[s][t] = pb.c_state[t][s];
    a.grad_state[s] = grad_state[s].data();
    lambda[s] = {0.0};
    a.lambda[s] = lambda[s].data();
  }
  for (std::size_t q = 0; q < P; ++q) {
    grad_param[q] = {0.0};
    a.grad_param[q] = grad_param[q].data();
  }
  a.x = pb.x.data();
  a.grad_out = pb.w_out.data();
  a.grad_x = grad_x.data();
  codegen::backward_sequence(arr, policy, T, a);
  std::vector<double> g;
  for (std::size_t s = 0; s < S; ++s) g.push_back(lambda[s][0]);
  for (std::size_t q = 0; q < P; ++q) g.push_back(grad_param[q][0]);
  g.insert(g.end(), grad_x.begin(), grad_x.end());
  return g;
}

/// L and its directional derivatives along `directions` (each over [states, params, inputs])
/// by forward-mode dual numbers through the same declaration.
template <std::size_t D, class M, class Policy>
std::array<double, D> dual_directional(const problem<M>& pb, const Policy& policy,
                                       const std::array<std::vector<double>, D>& directions) {
  using V = codegen::dual<double, D>;
  using S = codegen::slots<M>;
  const std::size_t T = pb.x.size();
  auto tangent = [&](std::size_t k) {
    std::array<double, D> t{};
    for (std::size_t d = 0; d < D; ++d) t[d] = directions[d][k];
    return t;
  };
  codegen::env<M, V, Policy> e;
  e.rules = policy;
  for (std::size_t s = 0; s < S::state_count; ++s) e.values[s] = V::with_tangent(pb.state0[s], tangent(s));
  V loss(0.0);
  for (std::size_t t = 0; t < T; ++t) {
    for (std::size_t q = 0; q < S::parameter_count; ++q)
      e.values[S::state_count + q] = V::with_tangent(pb.param[q], tangent(S::state_count + q));
    e.values[S::input_slot] = V::with_tangent(pb.x[t], tangent(S::state_count + S::parameter_count + t));
    e.values[S::dt_slot] = V(pb.dt);
    codegen::forward_step(e);
    loss = loss + V(pb.w_out[t]) * e.values[codegen::output_slot<M>()];
    for (std::size_t s = 0; s < S::state_count; ++s) loss = loss + V(pb.c_state[t][s]) * e.values[s];
  }
  return loss.d;
}

/// L in double (for finite differences), with the inputs perturbed by `delta` (same layout).
template <class M>
double loss_value(const problem<M>& pb, const std::vector<double>& delta) {
  using S = codegen::slots<M>;
  codegen::env<M, double> e;
  for (std::size_t s = 0; s < S::state_count; ++s) e.values[s] = pb.state0[s] + delta[s];
  double loss = 0;
  for (std::size_t t = 0; t < pb.x.size(); ++t) {
    for (std::size_t q = 0; q < S::parameter_count; ++q)
      e.values[S::state_count + q] = pb.param[q] + delta[S::state_count + q];
    e.values[S::input_slot] = pb.x[t] + delta[S::state_count + S::parameter_count + t];
    e.values[S::dt_slot] = pb.dt;
    codegen::forward_step(e);
    loss += pb.w_out[t] * e.values[codegen::output_slot<M>()];
    for (std::size_t s = 0; s < S::state_count; ++s) loss += pb.c_state[t][s] * e.values[s];
  }
  return loss;
}

inline bool close(double a, double b, double rel) {
  return std::abs(a - b) <= rel * std::max({std::abs(a), std::abs(b), 1e-8});
}

/// The generated adjoint against dual numbers: every parameter and initial state by its
/// own seed, the inputs along two random directions. Returns the number of spikes seen.
template <class M, class Sg>
std::size_t check_adjoint_against_duals(const drive& d, std::size_t steps, unsigned seed, bool detach_reset = false) {
  constexpr std::size_t S = problem<M>::S, P = problem<M>::P, D = S + P + 2;
  const auto pb = make_problem<M>(steps, d, seed);
  codegen::spike_policy<Sg> policy;
  policy.reset_grad = detach_reset ? 0.0 : 1.0;
  std::size_t spikes = 0;
  const auto g = adjoint_gradient(pb, policy, &spikes);
  const std::size_t n = g.size();
  std::array<std::vector<double>, D> dirs;
  std::mt19937_64 gen(seed + 17);
  std::normal_distribution<double> normal;
  for (std::size_t k = 0; k < D; ++k) {
    dirs[k].assign(n, 0.0);
    if (k < S + P) dirs[k][k] = 1.0;
    else
      for (std::size_t i = S + P; i < n; ++i) dirs[k][i] = normal(gen);
  }
  const auto dual = dual_directional<D>(pb, policy, dirs);
  const auto info = info_of<M>();
  for (std::size_t k = 0; k < D; ++k) {
    double projected = 0;
    for (std::size_t i = 0; i < n; ++i) projected += g[i] * dirs[k][i];
    const std::string what = k < S ? "initial " + info.states[k].name
                             : k < S + P ? "parameter " + info.parameters[k - S].name
                                         : "inputs along a random direction";
    INFO(info.name << " / " << Sg::name.view() << (detach_reset ? " / detached reset" : "") << ": d loss / d " << what
                   << ": adjoint " << projected << ", dual numbers " << dual[k]);
    CHECK(close(projected, dual[k], 1e-5));
  }
  return spikes;
}

/// The generated adjoint against central finite differences on a run without spikes, where
/// the step is smooth. The spike is then piecewise constant, so its true derivative is zero:
/// the check uses the zero ("heaviside") surrogate, with which the adjoint is the true
/// derivative of the run.
template <class M>
void check_adjoint_against_finite_differences(const drive& quiet, std::size_t steps, unsigned seed) {
  constexpr std::size_t S = problem<M>::S, P = problem<M>::P;
  const auto pb = make_problem<M>(steps, quiet, seed);
  codegen::spike_policy<std::remove_cvref_t<decltype(dsl::surrogates::heaviside)>> policy;
  std::size_t spikes = 0;
  const auto g = adjoint_gradient(pb, policy, &spikes);
  REQUIRE(spikes == 0);
  const auto info = info_of<M>();
  std::vector<std::size_t> probe;
  for (std::size_t k = 0; k < S + P; ++k) probe.push_back(k);
  probe.push_back(S + P);              // first input
  probe.push_back(S + P + steps / 2);  // a middle input
  for (std::size_t k : probe) {
    const double h = 1e-6 * std::max(1.0, std::abs(k < S ? pb.state0[k] : k < S + P ? pb.param[k - S] : pb.x[k - S - P]));
    std::vector<double> plus(g.size(), 0.0), minus(g.size(), 0.0);
    plus[k] = h;
    minus[k] = -h;
    const double fd = (loss_value(pb, plus) - loss_value(pb, minus)) / (2 * h);
    INFO(info.name << ": finite difference for component " << k << ": adjoint " << g[k] << ", finite difference " << fd);
    CHECK(std::abs(g[k] - fd) <= 1e-5 * std::max(1.0, std::abs(fd)));
  }
}

}  // namespace norn::test
