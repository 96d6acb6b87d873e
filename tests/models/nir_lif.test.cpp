// nir_lif against forward-Euler steps of NIR's LIF equations, computed here by hand.
#include <catch2/catch.hpp>

#include <models/nir_lif.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("nir_lif: Euler steps of tau dv/dt = (v_leak - v) + r I, reset to v_reset above threshold") {
  // tau = 0.01, dt = 0.001 (dt / tau = 0.1), r = 2, v_leak = 0.2, v_reset = -0.1, x = 2.5:
  // v1 = 0.1 (0.2 + 5) = 0.52, v2 = 0.52 + 0.1 (0.2 - 0.52 + 5) = 0.988,
  // v3 = 0.988 + 0.1 (0.2 - 0.988 + 5) = 1.4092 > 1 → spike, v3 = -0.1
  auto r = test::run<models::nir_lif, double>(1, 4, {2.5, 2.5, 2.5, 0.0},
                                              {{"r", 2.0}, {"v_leak", 0.2}, {"v_reset", -0.1}});
  CHECK_THAT(r.states[0][0], WithinRel(0.52, 1e-12));
  CHECK_THAT(r.states[0][1], WithinRel(0.988, 1e-12));
  CHECK(r.out[0] == 0.0);
  CHECK(r.out[1] == 0.0);
  CHECK(r.out[2] == 1.0);
  CHECK(r.states[0][2] == -0.1);
  CHECK_THAT(r.states[0][3], WithinRel(-0.1 + 0.1 * (0.2 + 0.1), 1e-12));
}

TEST_CASE("nir_lif: exactly at threshold is no spike (v > v_threshold)") {
  // r = 10 and x = 1 from v = 0: v1 = 0.1 · 10 = 1 = v_threshold
  auto r = test::run<models::nir_lif, double>(1, 1, {1.0}, {{"r", 10.0}});
  CHECK(r.states[0][0] == 1.0);
  CHECK(r.out[0] == 0.0);
}
