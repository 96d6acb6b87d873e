// leaky against snnTorch's Leaky: subtractive reset taken from the previous membrane.
#include <catch2/catch.hpp>

#include <models/leaky.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("leaky: hand-computed trace, the reset lands one step after the spike") {
  // beta 0.5, x = 0.75 each step (all exact in binary): mem 0.75, 1.125 (spike),
  // then 0.5625 + 0.75 - 1 = 0.3125, then 0.15625 + 0.75 = 0.90625
  auto r = test::run<models::leaky, double>(1, 4, {0.75, 0.75, 0.75, 0.75}, {{"beta", 0.5}});
  CHECK(r.states[0][0] == 0.75);
  CHECK(r.out[0] == 0.0);
  CHECK(r.states[0][1] == 1.125);
  CHECK(r.out[1] == 1.0);
  CHECK(r.states[0][2] == 0.3125);
  CHECK(r.out[2] == 0.0);
  CHECK(r.states[0][3] == 0.90625);
}

TEST_CASE("leaky: a membrane exactly at threshold does not spike") {
  auto r = test::run<models::leaky, double>(1, 2, {0.5, 0.75}, {{"beta", 0.5}});
  CHECK(r.states[0][1] == 1.0);
  CHECK(r.out[1] == 0.0);
}

TEST_CASE("leaky: beta is clamped to 0..1 as snnTorch does") {
  auto r = test::run<models::leaky, double>(1, 2, {0.3, 0.0}, {{"beta", 1.7}});
  CHECK_THAT(r.states[0][1], WithinRel(0.3, 1e-12));  // clamped to 1: no growth
  auto s = test::run<models::leaky, double>(1, 2, {0.3, 0.0}, {{"beta", -2.0}});
  CHECK(s.states[0][1] == 0.0);  // clamped to 0
}
