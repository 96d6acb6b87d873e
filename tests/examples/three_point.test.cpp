// The stochastic-computing example's loss: the three-point distribution and its KL divergence.
#include <catch2/catch.hpp>

#include <three_point.hpp>

#include <random>

using namespace norn;
using namespace norn::examples;

TEST_CASE("three point: distribution and its KL divergence, gradient against central differences") {
  sequence r(2, 1, 3);
  r.values << 1, 0, 1, 0, 0, 1;  // states 101 and 001
  const matrix p = three_point_distribution(r, {0, 1, 2});
  CHECK(p(0, 5) == 0.5f);
  CHECK(p(0, 1) == 0.5f);
  CHECK(p.sum() == 1.0f);
  sequence soft(30, 2, 4);
  std::mt19937 gen(7);
  for (float& v : soft.span()) v = std::uniform_real_distribution<float>(0.05f, 0.95f)(gen);
  const std::vector<double> target{0.2, 0.1, 0.05, 0.15, 0.1, 0.1, 0.2, 0.1};
  sequence dr;
  const double l = three_point_kl(soft, {0, 2, 3}, target, dr);
  CHECK(l > 0);
  for (std::size_t k = 0; k < soft.size(); ++k) {
    sequence up = soft, down = soft, unused;
    up.span()[k] += 1e-3f;
    down.span()[k] -= 1e-3f;
    const double fd = (three_point_kl(up, {0, 2, 3}, target, unused) - three_point_kl(down, {0, 2, 3}, target, unused)) / 2e-3;
    INFO("element " << k);
    REQUIRE_THAT(dr.span()[k], Catch::Matchers::WithinAbs(fd, 1e-4));
  }
  for (std::size_t t = 0; t < 30; ++t) CHECK(dr.row(t, 0)(1) == 0.0f);  // unit 1 is not read
}
