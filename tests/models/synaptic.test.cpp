// synaptic against snnTorch's Synaptic.
#include <catch2/catch.hpp>

#include <models/synaptic.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("synaptic: the new synaptic current enters the membrane in the same step") {
  // alpha 0.5, beta 0.5, x = 0.6 then 0: syn 0.6, mem 0.6; syn 0.3, mem 0.6; ...
  auto r = test::run<models::synaptic, double>(1, 3, {0.6, 0.0, 0.0}, {{"alpha", 0.5}, {"beta", 0.5}});
  CHECK_THAT(r.states[0][0], WithinRel(0.6, 1e-12));
  CHECK_THAT(r.states[1][0], WithinRel(0.6, 1e-12));
  CHECK_THAT(r.states[0][1], WithinRel(0.3, 1e-12));
  CHECK_THAT(r.states[1][1], WithinRel(0.6, 1e-12));
  CHECK_THAT(r.states[1][2], WithinRel(0.45, 1e-12));
}

TEST_CASE("synaptic: spike at mem > threshold, subtraction one step later") {
  auto r = test::run<models::synaptic, double>(1, 3, {1.5, 0.0, 0.0}, {{"alpha", 0.5}, {"beta", 0.5}});
  CHECK(r.out[0] == 1.0);  // mem 1.5
  // next: syn 0.75, mem = 0.75 + 0.75 - 1 = 0.5
  CHECK_THAT(r.states[1][1], WithinRel(0.5, 1e-12));
  CHECK(r.out[1] == 0.0);
}
