// nir_if against forward-Euler steps of NIR's IF equation, computed here by hand.
#include <catch2/catch.hpp>

#include <models/nir_if.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("nir_if: integrates r·x·dt without leak, resets to v_reset above threshold") {
  // r = 400, dt = 0.001: each x = 1 adds 0.4: 0.4, 0.8, 1.2 → spike → v_reset = 0.1, then 0.5
  auto r = test::run<models::nir_if, double>(1, 4, {1, 1, 1, 1}, {{"r", 400.0}, {"v_reset", 0.1}});
  CHECK_THAT(r.states[0][0], WithinRel(0.4, 1e-12));
  CHECK_THAT(r.states[0][1], WithinRel(0.8, 1e-12));
  CHECK(r.out[1] == 0.0);
  CHECK(r.out[2] == 1.0);
  CHECK(r.states[0][2] == 0.1);
  CHECK_THAT(r.states[0][3], WithinRel(0.5, 1e-12));
}
