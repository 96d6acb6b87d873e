// li against Norse's li_feed_forward_step: lif's v and i updates without threshold; outputs v'.
#include <catch2/catch.hpp>

#include <models/li.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("li: hand-computed trace, output is the voltage, never reset") {
  // x = 30 then 0: i_j = 30 → v' = 3, i' = 24; then i_j = 24 → v' = 3 + 0.1 * (−3 + 24) = 5.1
  auto r = test::run<models::li, double>(1, 3, {30, 0, 0});
  CHECK_THAT(r.out[0], WithinRel(3.0, 1e-12));
  CHECK_THAT(r.states[1][0], WithinRel(24.0, 1e-12));
  CHECK_THAT(r.out[1], WithinRel(5.1, 1e-12));
  CHECK_THAT(r.states[1][1], WithinRel(19.2, 1e-12));
  CHECK_THAT(r.out[2], WithinRel(5.1 + 0.1 * (-5.1 + 19.2), 1e-12));
  for (std::size_t t = 0; t < 3; ++t) CHECK(r.out[t] == r.states[0][t]);  // no threshold, no reset
}

TEST_CASE("li: relaxes to v_leak without input") {
  std::vector<double> x(2000, 0.0);
  x[0] = 1.0;
  auto r = test::run<models::li, double>(1, 2000, x, {{"v_leak", 0.3}});
  CHECK_THAT(r.out.back(), WithinRel(0.3, 1e-6));
}
