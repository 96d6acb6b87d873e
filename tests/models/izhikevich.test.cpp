// izhikevich (tonic spiking defaults) against Norse's izhikevich_feed_forward_step.
#include <catch2/catch.hpp>

#include <models/izhikevich.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("izhikevich: first step by hand from rest") {
  // v = -70, u = -14, x = 0: dv = 0.04 * 4900 - 350 + 140 + 14 = 0; du = 0.02 * (-14 + 14) = 0
  auto r = test::run<models::izhikevich, double>(1, 1, {0.0});
  CHECK_THAT(r.states[0][0], WithinAbs(-70.0, 1e-9));
  CHECK_THAT(r.states[1][0], WithinAbs(-14.0, 1e-9));
  // x = 10: v' = -70 + 0.25 * 10
  auto s = test::run<models::izhikevich, double>(1, 1, {10.0});
  CHECK_THAT(s.states[0][0], WithinRel(-67.5, 1e-12));
}

TEST_CASE("izhikevich: tonic spiking under constant drive, reset to c, u jumps by d") {
  const std::size_t T = 1000;
  std::vector<double> x(T, 14.0);
  auto r = test::run<models::izhikevich, double>(1, T, x);
  double v = -70, u = -14;
  int spikes = 0;
  for (std::size_t t = 0; t < T; ++t) {
    const double v1 = v + 0.001 * 250 * (0.04 * v * v + 5 * v + 140 - u + x[t]);
    const double u1 = u + 0.001 * 250 * 0.02 * (0.2 * v - u);
    const double z = v1 - 30 > 0 ? 1 : 0;
    v = (1 - z) * v1 + z * -65;
    u = (1 - z) * u1 + z * (u1 + 6);
    spikes += int(z);
    REQUIRE(r.out[t] == z);
    REQUIRE_THAT(r.states[0][t], WithinAbs(v, 1e-9));
    REQUIRE_THAT(r.states[1][t], WithinAbs(u, 1e-9));
    if (z == 1.0) REQUIRE(r.states[0][t] == -65.0);
  }
  CHECK(spikes >= 5);
}
