// nir_i against forward-Euler steps of NIR's I equation, computed here by hand.
#include <catch2/catch.hpp>

#include <models/nir_i.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("nir_i: v accumulates r·x·dt and is the output") {
  // r = 50, dt = 0.002: 0.1 · x per step; x = 3, -1, 0 → 0.3, 0.2, 0.2
  auto r = test::run<models::nir_i, double>(1, 3, {3, -1, 0}, {{"r", 50.0}}, 1, 0.002);
  CHECK_THAT(r.out[0], WithinRel(0.3, 1e-12));
  CHECK_THAT(r.out[1], WithinRel(0.2, 1e-12));
  CHECK_THAT(r.out[2], WithinRel(0.2, 1e-12));
  CHECK(r.out[2] == r.states[0][2]);
}
