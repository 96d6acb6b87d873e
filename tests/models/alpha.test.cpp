// alpha against snnTorch's Alpha: excitatory minus inhibitory traces, reset to zero.
#include <catch2/catch.hpp>

#include <models/alpha.hpp>
#include <support.hpp>

#include <cmath>

using namespace norn;
using Catch::Matchers::WithinRel;
using Catch::Matchers::WithinAbs;

TEST_CASE("alpha: hand-computed response to one input pulse") {
  const double a = 0.9, b = 0.8;
  const double tau = std::log(a) / (std::log(b) - std::log(a)) + 1;
  auto r = test::run<models::alpha, double>(1, 3, {0.5, 0.0, 0.0});
  // step 0: e = 0.5, q = -0.5 → mem 0; step 1: e = 0.45, q = -0.4 → mem = tau * 0.05
  CHECK_THAT(r.states[0][0], WithinRel(0.5, 1e-12));
  CHECK_THAT(r.states[1][0], WithinRel(-0.5, 1e-12));
  CHECK_THAT(r.states[2][0], WithinAbs(0.0, 1e-15));
  CHECK_THAT(r.states[2][1], WithinRel(tau * 0.05, 1e-12));
  CHECK_THAT(r.states[2][2], WithinRel(tau * (0.405 - 0.32), 1e-12));
}

TEST_CASE("alpha: after a spike every trace is zeroed on the next step") {
  std::vector<double> x{20.0, 0.0, 0.0, 0.0};
  auto r = test::run<models::alpha, double>(1, 4, x);
  std::size_t s = 0;
  while (s < 3 && r.out[s] == 0.0) ++s;
  REQUIRE(r.out[s] == 1.0);
  for (std::size_t k = 0; k < 3; ++k) CHECK(r.states[k][s + 1] == 0.0);
}
