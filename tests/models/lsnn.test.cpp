// lsnn against Norse's lsnn_feed_forward_step: threshold b adapts, input jumps last.
#include <catch2/catch.hpp>

#include <models/lsnn.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("lsnn: the input enters the current after the step (one step of delay)") {
  auto r = test::run<models::lsnn, double>(1, 2, {10.0, 0.0});
  CHECK(r.states[0][0] == 0.0);  // v does not see this step's input
  CHECK(r.states[1][0] == 10.0);
  CHECK_THAT(r.states[0][1], WithinRel(1.0, 1e-12));  // 0.1 * 10
}

TEST_CASE("lsnn: each spike raises the threshold by beta, which then relaxes to v_th") {
  const std::size_t T = 300;
  std::vector<double> x(T, 0.0);
  for (std::size_t t = 0; t < T; t += 3) x[t] = 8.0;
  auto r = test::run<models::lsnn, double>(1, T, x, {{"tau_adapt_inv", 20.0}});
  double v = 0, i = 0, b = 1;
  int spikes = 0;
  for (std::size_t t = 0; t < T; ++t) {
    const double v1 = v + 0.001 * 100 * ((0 - v) + i);
    const double i1 = i - 0.001 * 200 * i;
    const double b1 = b + 0.001 * 20 * (1 - b);
    const double z = v1 - b1 > 0 ? 1 : 0;
    v = (1 - z) * v1;
    b = b1 + z * 1.8;
    i = i1 + x[t];
    spikes += int(z);
    REQUIRE(r.out[t] == z);
    REQUIRE_THAT(r.states[0][t], WithinAbs(v, 1e-12));
    REQUIRE_THAT(r.states[2][t], WithinAbs(b, 1e-12));
  }
  CHECK(spikes >= 2);
}
