// lif_adex against Norse's lif_adex_feed_forward_step.
#include <catch2/catch.hpp>

#include <models/lif_adex.hpp>
#include <support.hpp>

#include <cmath>

using namespace norn;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
struct adex_reference {
  double adaptation_current = 4, adaptation_spike = 0.02, delta_T = 0.5, tau_ada_inv = 2, tau_syn_inv = 200,
         tau_mem_inv = 100, v_leak = 0, v_th = 1, v_reset = 0, dt = 0.001;
  double v = 0, i = 0, a = 0;
  double step(double x) {
    const double ij = i + x;
    const double v1 =
        v + dt * tau_mem_inv * ((v_leak - v) + delta_T * std::exp((v - v_th) / delta_T) + ij - a);
    i = ij - dt * tau_syn_inv * ij;
    const double a1 = a + dt * tau_ada_inv * (adaptation_current * (v - v_leak) - a);
    const double z = v1 - v_th > 0 ? 1 : 0;
    v = (1 - z) * v1 + z * v_reset;
    a = a1 + z * adaptation_spike;
    return z;
  }
};
}  // namespace

TEST_CASE("lif_adex: first step by hand") {
  // v = i = a = 0, x = 2: v' = 0.1 * (0.5 * exp(-2) + 2), i' = 1.6, a' = 0
  auto r = test::run<models::lif_adex, double>(1, 1, {2});
  CHECK_THAT(r.states[0][0], WithinRel(0.1 * (0.5 * std::exp(-2.0) + 2.0), 1e-12));
  CHECK_THAT(r.states[1][0], WithinRel(1.6, 1e-12));
  CHECK(r.states[2][0] == 0.0);
}

TEST_CASE("lif_adex: spikes raise the adaptation current and match the reference") {
  const std::size_t T = 600;
  std::vector<double> x(T, 1.5);
  auto r = test::run<models::lif_adex, double>(1, T, x);
  adex_reference ref;
  int spikes = 0;
  for (std::size_t t = 0; t < T; ++t) {
    const double a_before = ref.a;
    const double z = ref.step(x[t]);
    spikes += int(z);
    REQUIRE(r.out[t] == z);
    REQUIRE_THAT(r.states[0][t], WithinAbs(ref.v, 1e-12));
    REQUIRE_THAT(r.states[2][t], WithinAbs(ref.a, 1e-12));
    if (z == 1.0) REQUIRE(ref.a > a_before);
  }
  CHECK(spikes > 5);
}
