// lapicque against snnTorch's Lapicque (tutorial 2 values R = 5.1, C = 5e-3, time_step = 1e-3).
#include <catch2/catch.hpp>

#include <models/lapicque.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("lapicque: RC decay and input gain dt / C") {
  const double R = 5.1, C = 5e-3, dt = 1e-3;
  auto r = test::run<models::lapicque, double>(1, 3, {1.0, 0.0, 0.0});
  CHECK_THAT(r.states[0][0], WithinRel(dt / C, 1e-12));  // 0.2
  CHECK_THAT(r.states[0][1], WithinRel(0.2 * (1 - dt / (R * C)), 1e-12));
  CHECK(r.out[0] == 0.0);
}

TEST_CASE("lapicque: spikes above threshold and subtracts one step later") {
  auto r = test::run<models::lapicque, double>(1, 2, {6.0, 0.0});
  CHECK(r.out[0] == 1.0);  // mem = 1.2
  const double decay = 1 - 1e-3 / (5.1 * 5e-3);
  CHECK_THAT(r.states[0][1], WithinRel(1.2 * decay - 1.0, 1e-12));
}
