// A population's forward/backward: checkpoints, batches, shared and per-neuron parameters,
// adjoint traces, the choice of surrogate and reset, and thread counts.
#include <catch2/catch.hpp>

#include <codegen/dual.hpp>
#include <models/lif.hpp>
#include <models/lif_refrac.hpp>
#include <runtime/core/builtin_kernels.hpp>
#include <runtime/core/population.hpp>

#include <omp.h>

#include <random>

using namespace norn;

namespace {
template <class T>
std::vector<T> random_input(std::size_t size, unsigned seed) {
  std::mt19937 gen(seed);
  std::bernoulli_distribution spike(0.3);
  std::normal_distribution<double> normal(2.5, 0.5);
  std::vector<T> x(size);
  for (auto& v : x) v = spike(gen) ? T(normal(gen)) : T(0);
  return x;
}
template <class T>
std::vector<T> random_weights(std::size_t size, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> w(size);
  for (auto& v : w) v = T(u(gen));
  return w;
}
/// [T][N] rows of two runs interleaved into [T][2N] rows of a batch of two.
template <class T>
std::vector<T> interleave(const std::vector<T>& a, const std::vector<T>& b, std::size_t steps, std::size_t n) {
  std::vector<T> r(steps * 2 * n);
  for (std::size_t t = 0; t < steps; ++t)
    for (std::size_t k = 0; k < n; ++k) r[t * 2 * n + k] = a[t * n + k], r[t * 2 * n + n + k] = b[t * n + k];
  return r;
}

/// Everything one backward produces, for comparisons.
template <class M, class T>
struct grads {
  std::vector<T> out, grad_x;
  std::array<std::vector<T>, codegen::slots<M>::parameter_count> param;
  std::array<std::vector<T>, codegen::slots<M>::state_count> lambda, traces;
};

/// Forward with a tape, then the backward of L = Σ w · out + Σ c · v.
template <class M, class T>
grads<M, T> run_grads(population<M, T>& pop, const std::vector<T>& x, std::size_t steps, std::size_t interval,
                      const std::vector<T>& w, const std::vector<T>& c) {
  constexpr std::size_t S = codegen::slots<M>::state_count, P = codegen::slots<M>::parameter_count;
  const std::size_t size = steps * pop.batch() * pop.neurons();
  grads<M, T> g;
  g.out.resize(size);
  tape<T> kept(interval);
  pop.forward(steps, x, g.out, kept);
  auto io = pop.gradients();
  io.grad_out = w;
  io.grad_state[0] = c;
  g.grad_x.resize(size);
  io.grad_x = g.grad_x;
  for (std::size_t q = 0; q < P; ++q) g.param[q].resize(pop.neurons()), io.grad_param[q] = g.param[q];
  for (std::size_t s = 0; s < S; ++s) {
    g.lambda[s].resize(pop.batch() * pop.neurons());
    io.lambda[s] = g.lambda[s];
    g.traces[s].resize(size);
    io.record_lambda[s] = g.traces[s];
  }
  pop.backward(kept, x, io);
  return g;
}
template <class M, class T>
grads<M, T> run_grads(population<M, T>& pop, const std::vector<T>& x, std::size_t steps, std::size_t interval = 1) {
  const std::size_t size = steps * pop.batch() * pop.neurons();
  return run_grads(pop, x, steps, interval, random_weights<T>(size, 11), random_weights<T>(size, 12));
}
}  // namespace

TEST_CASE("population gradients: recomputing from checkpoints gives the same bits as keeping every step") {
  const std::size_t N = 70, B = 2, T = 100;
  const auto x = random_input<float>(T * B * N, 3);
  population<models::lif_refrac> a(N, B), b(N, B);
  const auto full = run_grads(a, x, T, 1);
  const auto checkpointed = run_grads(b, x, T, 7);
  CHECK(full.out == checkpointed.out);
  CHECK(full.grad_x == checkpointed.grad_x);
  CHECK(full.param == checkpointed.param);
  CHECK(full.lambda == checkpointed.lambda);
  CHECK(full.traces == checkpointed.traces);
  double spikes = 0;
  for (float z : full.out) spikes += z;
  CHECK(spikes > 50);
}

TEST_CASE("population gradients: the checkpointed tape is smaller by the interval") {
  population<models::lif> p(100, 1);
  std::vector<float> x(1000 * 100, 0.5f), out(1000 * 100);
  tape<float> every(1), sparse(50);
  p.forward(1000, x, out, every);
  p.reset();
  p.forward(1000, x, out, sparse);
  CHECK(every.bytes() == (1000 + 1) * 100 * 2 * sizeof(float));
  CHECK(sparse.bytes() == 20 * 100 * 2 * sizeof(float));
  CHECK(codegen::tape_bytes_per_neuron_step<models::lif, float> == 8);
}

TEST_CASE("population gradients: parameter gradients sum over the batch, other gradients stay per entry") {
  const std::size_t N = 10, T = 60;
  const auto x0 = random_input<double>(T * N, 1), x1 = random_input<double>(T * N, 2);
  const auto w0 = random_weights<double>(T * N, 3), w1 = random_weights<double>(T * N, 4);
  const auto c0 = random_weights<double>(T * N, 5), c1 = random_weights<double>(T * N, 6);
  population<models::lif, double> p0(N), p1(N), p2(N, 2);
  const auto g0 = run_grads(p0, x0, T, 1, w0, c0);
  const auto g1 = run_grads(p1, x1, T, 1, w1, c1);
  const auto g2 = run_grads(p2, interleave(x0, x1, T, N), T, 1, interleave(w0, w1, T, N), interleave(c0, c1, T, N));
  for (std::size_t q = 0; q < 5; ++q)
    for (std::size_t n = 0; n < N; ++n) REQUIRE(g2.param[q][n] == g0.param[q][n] + g1.param[q][n]);
  CHECK(g2.grad_x == interleave(g0.grad_x, g1.grad_x, T, N));
}

TEST_CASE("population gradients: per-neuron and shared parameters against dual numbers") {
  // Three neurons with their own tau_mem_inv; L = Σ_t Σ_n w · z + c · v. Per neuron: seed
  // neuron k's parameter. Shared: seed every neuron's copy at once; the derivative is the sum.
  using D = codegen::dual<double, 4>;
  using M = models::lif;
  using S = codegen::slots<M>;
  const std::size_t N = 3, T = 80;
  const auto x = random_input<double>(T * N, 9);
  const auto w = random_weights<double>(T * N, 10), c = random_weights<double>(T * N, 11);
  population<M, double> p(N);
  const std::vector<double> taus{90.0, 100.0, 120.0};
  p.set_parameter("tau_mem_inv", taus);
  const auto g = run_grads(p, x, T, 1, w, c);
  std::array<D, 1> unused{};
  (void)unused;
  std::array<double, 4> loss_d{};
  for (std::size_t n = 0; n < N; ++n) {
    codegen::env<M, D, codegen::spike_policy<dsl::default_surrogate_t<M>>> e;
    for (std::size_t q = 0; q < S::parameter_count; ++q) e.values[S::state_count + q] = D(info_of<M>().parameters[q].value);
    std::array<double, 4> tangent{};
    tangent[n] = 1.0;  // direction n: neuron n's own parameter
    tangent[3] = 1.0;  // direction 3: the shared parameter (every neuron's copy)
    e.values[S::state_count + 1] = D::with_tangent(taus[n], tangent);
    e.values[S::dt_slot] = D(0.001);
    for (std::size_t t = 0; t < T; ++t) {
      e.values[S::input_slot] = D(x[t * N + n]);
      codegen::forward_step(e);
      const D l = D(w[t * N + n]) * e.values[codegen::output_slot<M>()] + D(c[t * N + n]) * e.values[0];
      for (std::size_t k = 0; k < 4; ++k) loss_d[k] += l.d[k];
    }
  }
  double shared = 0;
  for (std::size_t n = 0; n < N; ++n) {
    CHECK_THAT(g.param[1][n], Catch::Matchers::WithinRel(loss_d[n], 1e-9));
    shared += g.param[1][n];
  }
  CHECK_THAT(shared, Catch::Matchers::WithinRel(loss_d[3], 1e-9));
}

TEST_CASE("population gradients: the adjoint trace of v at step t is dL/dv_t") {
  // Perturb v after step t by h in a dual-number run: the tangent of L is λ_v(t).
  using D = codegen::dual<double, 1>;
  using M = models::lif;
  using S = codegen::slots<M>;
  const std::size_t T = 120;
  const auto x = random_input<double>(T, 21);
  const auto w = random_weights<double>(T, 22), c = random_weights<double>(T, 23);
  population<M, double> p(1);
  const auto g = run_grads(p, x, T, 1, w, c);
  for (std::size_t t0 : {0u, 37u, 90u, 119u}) {
    codegen::env<M, D, codegen::spike_policy<dsl::default_surrogate_t<M>>> e;
    for (std::size_t q = 0; q < S::parameter_count; ++q) e.values[S::state_count + q] = D(info_of<M>().parameters[q].value);
    e.values[S::dt_slot] = D(0.001);
    D loss(0.0);
    for (std::size_t t = 0; t < T; ++t) {
      e.values[S::input_slot] = D(x[t]);
      codegen::forward_step(e);
      if (t == t0) e.values[0] = D::seed(e.values[0].v, 0);
      loss = loss + D(w[t]) * e.values[codegen::output_slot<M>()] + D(c[t]) * e.values[0];
    }
    INFO("step " << t0);
    CHECK_THAT(g.traces[0][t0], Catch::Matchers::WithinRel(loss.d[0], 1e-9));
  }
}

TEST_CASE("population gradients: the surrogate, its width and the reset rule change the gradients") {
  const std::size_t N = 20, T = 80;
  const auto x = random_input<float>(T * N, 31);
  auto with_rule = [&](spike_gradient rule) {
    population<models::lif> p(N);
    p.gradient_rule() = rule;
    return run_grads(p, x, T, 1, random_weights<float>(T * N, 1), std::vector<float>(T * N, 0.0f));
  };
  const auto base = with_rule({});
  CHECK(base.grad_x != with_rule({"arctan"}).grad_x);
  CHECK(base.grad_x != with_rule({"superspike", 10.0}).grad_x);
  CHECK(base.grad_x != with_rule({"superspike", std::nullopt, true}).grad_x);
  CHECK(base.grad_x == with_rule({"superspike", 100.0}).grad_x);  // lif's default
  CHECK_THROWS_WITH(with_rule({"sigmoidal"}), Catch::Contains("unknown surrogate 'sigmoidal'") && Catch::Contains("arctan"));
  // without a surrogate, a loss on spikes alone passes no gradient to the input
  const auto none = with_rule({"heaviside"});
  for (float g : none.grad_x) REQUIRE(g == 0.0f);
}

TEST_CASE("population gradients: 1 and 2 threads give bit-identical gradients") {
  const std::size_t N = 500, B = 3, T = 50;
  const auto x = random_input<float>(T * B * N, 41);
  omp_set_num_threads(1);
  population<models::lif_refrac> a(N, B);
  const auto one = run_grads(a, x, T);
  omp_set_num_threads(2);
  population<models::lif_refrac> b(N, B);
  const auto two = run_grads(b, x, T);
  CHECK(one.grad_x == two.grad_x);
  CHECK(one.param == two.param);
  CHECK(one.traces == two.traces);
}

TEST_CASE("population gradients: asking no parameter gradients (the faster kernel) changes no other gradient") {
  const std::size_t N = 90, B = 2, T = 60;
  const auto x = random_input<float>(T * B * N, 51);
  const auto w = random_weights<float>(T * B * N, 52);
  population<models::lif_refrac> a(N, B), b(N, B);
  const auto with_params = run_grads(a, x, T, 1, w, std::vector<float>(T * B * N, 0.0f));
  // the same backward with no parameter gradient requested
  constexpr std::size_t S = codegen::slots<models::lif_refrac>::state_count;
  std::vector<float> out(T * B * N), grad_x(T * B * N);
  std::array<std::vector<float>, S> lambda;
  tape<float> kept;
  b.forward(T, x, out, kept);
  auto io = b.gradients();
  io.grad_out = w;
  io.grad_x = grad_x;
  for (std::size_t s = 0; s < S; ++s) lambda[s].resize(B * N), io.lambda[s] = lambda[s];
  b.backward(kept, x, io);
  CHECK(grad_x == with_params.grad_x);
  for (std::size_t s = 0; s < S; ++s) CHECK(lambda[s] == with_params.lambda[s]);
  bool any_param_gradient = false;
  for (const auto& g : with_params.param)
    for (float v : g) any_param_gradient = any_param_gradient || v != 0.0f;
  CHECK(any_param_gradient);
}

TEST_CASE("population gradients: a sequence forwarded step by step and walked back in pieces gives the same gradients") {
  // as a recurrent layer drives its population: one step forward at a time, one step back
  // at a time, with and without checkpoints
  using M = models::lif_refrac;
  constexpr std::size_t S = codegen::slots<M>::state_count, P = codegen::slots<M>::parameter_count;
  const std::size_t N = 70, B = 2, T = 45, row = B * N;
  const auto x = random_input<float>(T * row, 61);
  const auto w = random_weights<float>(T * row, 62), c = random_weights<float>(T * row, 63);
  population<M> whole(N, B);
  const auto reference = run_grads(whole, x, T, 1, w, c);
  for (std::size_t interval : {1u, 4u}) {
    INFO("checkpoint interval " << interval);
    population<M> pop(N, B);
    tape<float> kept(interval);
    std::vector<float> out(T * row);
    for (std::size_t t = 0; t < T; ++t)
      pop.forward(1, std::span<const float>(x).subspan(t * row, row), std::span<float>(out).subspan(t * row, row), kept);
    CHECK(out == reference.out);
    std::vector<float> grad_x(T * row);
    std::array<std::vector<float>, S> lambda, traces;
    std::array<std::vector<float>, P> param, sum;
    auto io = pop.gradients();
    io.grad_out = w;
    io.grad_state[0] = c;
    io.grad_x = grad_x;
    for (std::size_t s = 0; s < S; ++s) {
      lambda[s].assign(row, 0.0f), io.lambda[s] = lambda[s];
      traces[s].resize(T * row), io.record_lambda[s] = traces[s];
    }
    for (std::size_t q = 0; q < P; ++q) param[q].resize(N), sum[q].assign(N, 0.0f), io.grad_param[q] = param[q];
    for (std::size_t t = T; t-- > 0;) {
      pop.backward(kept, x, io, t, t + 1);
      for (std::size_t q = 0; q < P; ++q)
        for (std::size_t n = 0; n < N; ++n) sum[q][n] += param[q][n];
    }
    CHECK(grad_x == reference.grad_x);
    for (std::size_t s = 0; s < S; ++s) {
      CHECK(lambda[s] == reference.lambda[s]);
      CHECK(traces[s] == reference.traces[s]);
    }
    // per-step sums add in another order than one pass: equal to rounding
    for (std::size_t q = 0; q < P; ++q)
      for (std::size_t n = 0; n < N; ++n)
        REQUIRE_THAT(sum[q][n], Catch::Matchers::WithinAbs(reference.param[q][n], 1e-4 * (1 + std::abs(reference.param[q][n]))));
  }
}
