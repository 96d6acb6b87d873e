// nir_cubali against forward-Euler steps of NIR's CubaLI equations, computed here by hand.
#include <catch2/catch.hpp>

#include <models/nir_cubali.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("nir_cubali: current into a leaky integrator, output v") {
  // dt / tau_syn = 0.2, dt / tau_mem = 0.1, r = 1, w_in = 2, v_leak = 0, x = 5, 0, 0:
  // i1 = 2, v1 = 0; i2 = 1.6, v2 = 0.2; i3 = 1.28, v3 = 0.2 + 0.1 (-0.2 + 1.6) = 0.34
  auto r = test::run<models::nir_cubali, double>(1, 3, {5, 0, 0}, {{"w_in", 2.0}});
  CHECK_THAT(r.states[1][0], WithinRel(2.0, 1e-12));
  CHECK(r.out[0] == 0.0);
  CHECK_THAT(r.states[1][1], WithinRel(1.6, 1e-12));
  CHECK_THAT(r.out[1], WithinRel(0.2, 1e-12));
  CHECK_THAT(r.states[1][2], WithinRel(1.28, 1e-12));
  CHECK_THAT(r.out[2], WithinRel(0.34, 1e-12));
  for (std::size_t t = 0; t < 3; ++t) CHECK(r.out[t] == r.states[0][t]);
}
