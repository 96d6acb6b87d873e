// The array kernels against the one-neuron step, across tile boundaries, batches, thread
// counts and precisions.
#include <catch2/catch.hpp>

#include <codegen/adjoint.hpp>
#include <codegen/kernel.hpp>
#include <models/lif.hpp>
#include <models/lif_refrac.hpp>
#include <support.hpp>

#include <omp.h>

#include <random>

using namespace norn;

namespace {
std::vector<float> random_input(std::size_t size, unsigned seed, float p = 0.1f, float w = 3.0f) {
  std::mt19937 gen(seed);
  std::bernoulli_distribution spike(p);
  std::vector<float> x(size);
  for (auto& v : x) v = spike(gen) ? w : 0.0f;
  return x;
}
}  // namespace

TEMPLATE_TEST_CASE("kernel: every lane equals the one-neuron step", "", models::lif, models::lif_refrac) {
  using M = TestType;
  using S = codegen::slots<M>;
  const std::size_t T = 50;
  for (std::size_t N : {1u, 63u, 64u, 65u, 130u}) {
    const std::size_t B = 3;
    const auto x = random_input(T * B * N, unsigned(N));
    auto r = test::run<M>(N, T, x, {{"tau_mem_inv", 150.0}}, B);
    for (std::size_t lane = 0; lane < B * N; lane += 7) {
      codegen::env<M, float> e;
      for (std::size_t q = 0; q < S::parameter_count; ++q) e.values[S::state_count + q] = float(info_of<M>().parameters[q].value);
      e.values[S::state_count + 1] = 150.0f;  // tau_mem_inv
      e.values[S::dt_slot] = 0.001f;
      for (std::size_t t = 0; t < T; ++t) {
        e.values[S::input_slot] = x[t * B * N + lane];
        codegen::forward_step(e);
        for (std::size_t s = 0; s < S::state_count; ++s) REQUIRE(r.states[s][t * B * N + lane] == e.values[s]);
        REQUIRE(r.out[t * B * N + lane] == e.values[codegen::output_slot<M>()]);
      }
    }
  }
}

TEST_CASE("kernel: batch entries are independent") {
  const std::size_t N = 70, T = 40;
  const auto x0 = random_input(T * N, 1);
  const auto x1 = random_input(T * N, 2);
  std::vector<float> both(T * 2 * N);
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t n = 0; n < N; ++n) {
      both[t * 2 * N + n] = x0[t * N + n];
      both[t * 2 * N + N + n] = x1[t * N + n];
    }
  auto alone = test::run<models::lif>(N, T, x0);
  auto batched = test::run<models::lif>(N, T, both, {}, 2);
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t n = 0; n < N; ++n) {
      REQUIRE(batched.states[0][t * 2 * N + n] == alone.states[0][t * N + n]);
      REQUIRE(batched.out[t * 2 * N + n] == alone.out[t * N + n]);
    }
}

TEST_CASE("kernel: 1 and 2 threads give bit-identical results") {
  const std::size_t N = 1000, T = 200, B = 2;
  const auto x = random_input(T * B * N, 5);
  omp_set_num_threads(1);
  auto one = test::run<models::lif_refrac>(N, T, x, {}, B);
  omp_set_num_threads(2);
  auto two = test::run<models::lif_refrac>(N, T, x, {}, B);
  REQUIRE(one.out == two.out);
  for (std::size_t s = 0; s < one.states.size(); ++s) REQUIRE(one.states[s] == two.states[s]);
}

TEST_CASE("kernel: float and double agree") {
  const std::size_t N = 200, T = 300;
  const auto xf = random_input(T * N, 9, 0.05f, 2.0f);
  std::vector<double> xd(xf.begin(), xf.end());
  auto f = test::run<models::lif, float>(N, T, xf, {{"v_th", 0.7}});
  auto d = test::run<models::lif, double>(N, T, xd, {{"v_th", 0.7}});
  std::size_t spikes = 0, mismatched = 0;
  for (std::size_t k = 0; k < T * N; ++k) {
    spikes += d.out[k] != 0;
    mismatched += (f.out[k] != 0) != (d.out[k] != 0);
  }
  CHECK(spikes > 100);
  CHECK(mismatched == 0);
  for (std::size_t k = 0; k < T * N; ++k) REQUIRE(std::abs(f.states[0][k] - d.states[0][k]) < 1e-5);
}

TEST_CASE("kernel: a step without input is the step with zero input") {
  population<models::lif> a(10), b(10);
  std::vector<float> out_a(10), out_b(10), zeros(10, 0.0f);
  a.state("v")[3] = 0.5f;
  b.state("v")[3] = 0.5f;
  a.step({}, out_a);
  b.step(zeros, out_b);
  CHECK(std::vector<float>(a.state("v").begin(), a.state("v").end()) ==
        std::vector<float>(b.state("v").begin(), b.state("v").end()));
}

TEST_CASE("kernel: the uniform-parameter variant gives the per-neuron variant's bits, forward and backward") {
  using M = models::lif_refrac;
  using S = codegen::slots<M>;
  const std::size_t N = 150, B = 2, T = 60, row = B * N;
  const auto x = random_input(T * row, 9);
  std::vector<std::vector<float>> params;
  for (const auto& p : info_of<M>().parameters) params.emplace_back(N, float(p.value));
  auto run = [&](bool uniform) {
    std::vector<std::vector<float>> states(S::state_count, std::vector<float>(row, 0.0f));
    std::vector<std::vector<float>> tape(S::state_count, std::vector<float>(T * row));
    codegen::population_arrays<M, float> p;
    p.batch = B, p.neurons = N, p.uniform_parameters = uniform;
    std::array<float*, S::state_count> record{};
    for (std::size_t s = 0; s < S::state_count; ++s) p.state[s] = states[s].data(), record[s] = tape[s].data();
    for (std::size_t q = 0; q < S::parameter_count; ++q) p.parameter[q] = params[q].data();
    std::vector<float> out(T * row), grad_x(T * row), gz(T * row);
    for (std::size_t k = 0; k < gz.size(); ++k) gz[k] = float(k % 7) / 7.0f - 0.4f;
    std::vector<std::vector<float>> before(S::state_count, std::vector<float>(T * row, 0.0f));
    codegen::forward_sequence(p, T, x.data(), out.data(), record);
    for (std::size_t s = 0; s < S::state_count; ++s)  // the state before step t is the state after t − 1
      std::copy(tape[s].begin(), tape[s].end() - std::ptrdiff_t(row), before[s].begin() + std::ptrdiff_t(row));
    codegen::adjoint_arrays<M, float> a;
    std::vector<std::vector<float>> grad_param(S::parameter_count, std::vector<float>(row, 0.0f));
    for (std::size_t s = 0; s < S::state_count; ++s) a.states_before[s] = before[s].data();
    for (std::size_t q = 0; q < S::parameter_count; ++q) a.grad_param[q] = grad_param[q].data();
    a.x = x.data(), a.grad_out = gz.data(), a.grad_x = grad_x.data();
    codegen::backward_sequence(p, codegen::spike_policy<dsl::default_surrogate_t<M>>{}, T, a);
    return std::tuple{out, tape, grad_x, grad_param};
  };
  const auto per_neuron = run(false), uniform = run(true);
  CHECK(std::get<0>(per_neuron) == std::get<0>(uniform));
  CHECK(std::get<1>(per_neuron) == std::get<1>(uniform));
  CHECK(std::get<2>(per_neuron) == std::get<2>(uniform));
  CHECK(std::get<3>(per_neuron) == std::get<3>(uniform));
  double spikes = 0;
  for (float z : std::get<0>(uniform)) spikes += z;
  CHECK(spikes > 20);
}
