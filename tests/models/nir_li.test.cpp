// nir_li against forward-Euler steps of NIR's LI equation, computed here by hand.
#include <catch2/catch.hpp>

#include <models/nir_li.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("nir_li: Euler steps of tau dv/dt = (v_leak - v) + r I, output v, never reset") {
  // tau = 0.02 (dt / tau = 0.05), r = 3, v_leak = 0.5, x = 10, 10, 0:
  // v1 = 0.05 (0.5 + 30) = 1.525, v2 = 1.525 + 0.05 (0.5 - 1.525 + 30) = 2.97375,
  // v3 = 2.97375 + 0.05 (0.5 - 2.97375)
  auto r = test::run<models::nir_li, double>(1, 3, {10, 10, 0}, {{"tau", 0.02}, {"r", 3.0}, {"v_leak", 0.5}});
  CHECK_THAT(r.out[0], WithinRel(1.525, 1e-12));
  CHECK_THAT(r.out[1], WithinRel(2.97375, 1e-12));
  CHECK_THAT(r.out[2], WithinRel(2.97375 + 0.05 * (0.5 - 2.97375), 1e-12));
  for (std::size_t t = 0; t < 3; ++t) CHECK(r.out[t] == r.states[0][t]);
}
