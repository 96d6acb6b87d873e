// lif against Norse's lif_feed_forward_step: current jump, Euler step, strict threshold, reset to v_reset.
#include <catch2/catch.hpp>

#include <models/lif.hpp>
#include <support.hpp>

#include <cmath>
#include <random>

using namespace norn;
using Catch::Matchers::WithinRel;
using Catch::Matchers::WithinAbs;

namespace {
// Norse's equations (models/lif.hpp), written out for one neuron in double.
struct lif_reference {
  double tau_syn_inv = 200, tau_mem_inv = 100, v_leak = 0, v_th = 1, v_reset = 0, dt = 0.001;
  double v = 0, i = 0;
  double step(double x) {
    const double ij = i + x;
    const double v1 = v + dt * tau_mem_inv * ((v_leak - v) + ij);
    i = ij - dt * tau_syn_inv * ij;
    const double z = v1 - v_th > 0 ? 1 : 0;
    v = (1 - z) * v1 + z * v_reset;
    return z;
  }
};
}  // namespace

TEST_CASE("lif: hand-computed trace with a spike and a reset") {
  // x = 3 each step: i_j = 3, 5.4, 7.32; v' = 0.3, 0.81, 1.461 → spike at step 2, v = 0.
  auto r = test::run<models::lif, double>(1, 4, {3, 3, 3, 3});
  CHECK_THAT(r.states[0][0], WithinRel(0.3, 1e-12));
  CHECK_THAT(r.states[1][0], WithinRel(2.4, 1e-12));
  CHECK_THAT(r.states[0][1], WithinRel(0.81, 1e-12));
  CHECK_THAT(r.states[1][1], WithinRel(4.32, 1e-12));
  CHECK(r.out[0] == 0.0);
  CHECK(r.out[1] == 0.0);
  CHECK(r.out[2] == 1.0);
  CHECK(r.states[0][2] == 0.0);  // reset to v_reset
  CHECK_THAT(r.states[1][2], WithinRel(5.856, 1e-12));
  // step 3: i_j = 8.856, v' = 0 + 0.1 * 8.856
  CHECK_THAT(r.states[0][3], WithinRel(0.8856, 1e-12));
}

TEST_CASE("lif: a neuron exactly at threshold does not spike (H(0) = 0)") {
  // v' = 0.1 * x with v = i = 0: x = 10 puts v' exactly on v_th = 1.
  auto r = test::run<models::lif, double>(1, 1, {10});
  CHECK(r.states[0][0] == 1.0);
  CHECK(r.out[0] == 0.0);
}

TEST_CASE("lif: v_reset and v_leak are honoured") {
  auto r = test::run<models::lif, double>(1, 3, {20, 0, 0}, {{"v_reset", -0.5}, {"v_leak", 0.25}});
  // step 0: v' = 0.1 * (0.25 + 20) = 2.025 → spike, v = -0.5
  CHECK(r.out[0] == 1.0);
  CHECK(r.states[0][0] == -0.5);
  // step 1: i = 16, v' = -0.5 + 0.1 * (0.75 + 16) = 1.175 → spike again
  CHECK(r.out[1] == 1.0);
  CHECK(r.states[0][1] == -0.5);
  // step 2: i = 12.8, v' = -0.5 + 0.1 * (0.75 + 12.8) = 0.855
  CHECK(r.out[2] == 0.0);
  CHECK_THAT(r.states[0][2], WithinRel(0.855, 1e-12));
}

TEST_CASE("lif: matches Norse's equations over a long random run") {
  const std::size_t T = 500;
  std::mt19937 gen(7);
  std::bernoulli_distribution spike(0.05);
  std::vector<double> x(T);
  for (auto& v : x) v = spike(gen) ? 2.5 : 0.0;
  auto r = test::run<models::lif, double>(1, T, x, {{"v_th", 0.4}});
  lif_reference ref;
  ref.v_th = 0.4;
  int spikes = 0;
  for (std::size_t t = 0; t < T; ++t) {
    const double z = ref.step(x[t]);
    spikes += int(z);
    REQUIRE(r.out[t] == z);
    REQUIRE_THAT(r.states[0][t], WithinAbs(ref.v, 1e-12));
    REQUIRE_THAT(r.states[1][t], WithinAbs(ref.i, 1e-12));
  }
  CHECK(spikes > 5);  // the run exercised the reset
}

TEST_CASE("lif: no spike ever while the voltage stays below threshold") {
  const std::size_t N = 100, T = 300;
  std::vector<float> x(T * N, 0.05f);  // steady state v = 0.05 * 5 = 0.25 < 1
  auto r = test::run<models::lif>(N, T, x);
  for (float z : r.out) REQUIRE(z == 0.0f);
  for (float v : r.states[0]) REQUIRE(v < 1.0f);
}
