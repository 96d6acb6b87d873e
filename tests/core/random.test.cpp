#include <catch2/catch.hpp>

#include <runtime/core/random.hpp>

#include <cmath>
#include <numeric>

using namespace norn;

TEST_CASE("random: uniform numbers lie in 0 <= u < 1 and look uniform") {
  double sum = 0, sum_sq = 0;
  const int n = 200000;
  for (int k = 0; k < n; ++k) {
    const float u = uniform01(42, std::uint64_t(k));
    REQUIRE(u >= 0.0f);
    REQUIRE(u < 1.0f);
    sum += u;
    sum_sq += double(u) * u;
  }
  CHECK(std::abs(sum / n - 0.5) < 0.005);
  CHECK(std::abs(sum_sq / n - 1.0 / 3.0) < 0.005);
  CHECK(uniform01(1, 5) != uniform01(2, 5));
}

TEST_CASE("random: Bernoulli spikes have rate p, height w, and depend only on the seed") {
  const auto x = bernoulli_spikes(1000, 1000, 0.01, 2.0, 7);
  double events = 0;
  for (float v : x) {
    REQUIRE((v == 0.0f || v == 2.0f));
    events += v != 0.0f;
  }
  CHECK(std::abs(events / 1e6 - 0.01) < 0.0005);
  CHECK(bernoulli_spikes(1000, 1000, 0.01, 2.0, 7) == x);
  CHECK(bernoulli_spikes(1000, 1000, 0.01, 2.0, 8) != x);
}

TEST_CASE("random: Poisson encoding spikes with probability dt * f_max * value") {
  const std::vector<float> values{0.0f, 0.5f, 1.0f};
  const auto x = poisson_encode(values, 20000, 100.0, 0.001, 3);
  double counts[3] = {0, 0, 0};
  for (std::size_t t = 0; t < 20000; ++t)
    for (std::size_t k = 0; k < 3; ++k) counts[k] += x[t * 3 + k];
  CHECK(counts[0] == 0);
  CHECK(std::abs(counts[1] / 20000 - 0.05) < 0.005);
  CHECK(std::abs(counts[2] / 20000 - 0.1) < 0.006);
}

TEST_CASE("random: normal numbers have mean 0 and variance 1") {
  double sum = 0, sum_sq = 0;
  const int n = 100000;
  for (int k = 0; k < n; ++k) {
    const double v = normal01(11, std::uint64_t(k));
    sum += v;
    sum_sq += v * v;
  }
  CHECK(std::abs(sum / n) < 0.02);
  CHECK(std::abs(sum_sq / n - 1) < 0.02);
}
