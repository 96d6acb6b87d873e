#include <catch2/catch.hpp>

#include <runtime/losses.hpp>

#include <cmath>
#include <random>

using namespace norn;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
sequence random_sequence(std::size_t T, std::size_t B, std::size_t F, unsigned seed, double lo = -1, double hi = 1) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u{float(lo), float(hi)};
  sequence s(T, B, F);
  for (float& v : s.span()) v = u(gen);
  return s;
}

/// Central differences of a loss with respect to every element of y, in double.
template <class F>
void check_gradient(sequence y, const sequence& dy, F&& loss, double tolerance = 1e-3) {
  for (std::size_t k = 0; k < y.size(); ++k) {
    const float keep = y.span()[k];
    const float h = 1e-3f;
    y.span()[k] = keep + h;
    const double up = loss(y);
    y.span()[k] = keep - h;
    const double down = loss(y);
    y.span()[k] = keep;
    INFO("element " << k);
    REQUIRE_THAT(dy.span()[k], WithinAbs((up - down) / (2 * double(h)), tolerance));
  }
}
}  // namespace

TEST_CASE("losses: mse is the mean over all elements, as torch's mse_loss") {
  auto y = random_sequence(4, 2, 3, 1);
  batch_targets t{random_sequence(4, 2, 3, 2)};
  sequence dy;
  const double l = mse_loss().evaluate(y, t, dy).value;
  double expect = 0;
  for (std::size_t k = 0; k < y.size(); ++k) expect += std::pow(double(y.span()[k]) - t.values.span()[k], 2) / double(y.size());
  CHECK_THAT(l, WithinRel(expect, 1e-6));
  check_gradient(y, dy, [&](const sequence& v) { sequence d; return mse_loss().evaluate(v, t, d).value; });
}

TEST_CASE("losses: cross entropy over max, mean and last readout values") {
  auto y = random_sequence(5, 3, 4, 3, -2, 2);
  batch_targets t;
  t.labels = {2, 0, 3};
  for (auto r : {time_reduction::max, time_reduction::mean, time_reduction::last}) {
    cross_entropy_loss ce(r);
    sequence dy;
    const auto report = ce.evaluate(y, t, dy);
    CHECK(report.has_accuracy);
    CHECK(report.correct <= 3);
    check_gradient(y, dy, [&](const sequence& v) { sequence d; return ce.evaluate(v, t, d).value; });
  }
  // by hand for one entry: logits = last values
  sequence one(1, 1, 2);
  one.values << 1.0f, 3.0f;
  batch_targets lab;
  lab.labels = {0};
  sequence d;
  const auto r = cross_entropy_loss(time_reduction::last).evaluate(one, lab, d);
  CHECK_THAT(r.value, WithinRel(std::log(1 + std::exp(2.0)), 1e-6));
  CHECK(r.correct == 0);
}

TEST_CASE("losses: spike count is the absolute count error with sign gradients") {
  sequence z(4, 1, 2);
  z.values << 1, 0, 1, 1, 0, 0, 1, 0;  // counts 3 and 1
  batch_targets t;
  t.counts = matrix::Constant(1, 2, 2.0f);
  sequence dy;
  CHECK(spike_count_loss().evaluate(z, t, dy).value == 2.0);
  CHECK(dy.values(0, 0) == 1.0f);
  CHECK(dy.values(0, 1) == -1.0f);
}

TEST_CASE("losses: three-point distribution and its KL divergence") {
  sequence r(2, 1, 3);
  r.values << 1, 0, 1, 0, 0, 1;  // states 101 and 001
  const matrix p = three_point_distribution(r, {0, 1, 2});
  CHECK(p(0, 5) == 0.5f);
  CHECK(p(0, 1) == 0.5f);
  CHECK(p.sum() == 1.0f);
  auto soft = random_sequence(30, 2, 4, 7, 0.05, 0.95);
  const std::vector<double> target{0.2, 0.1, 0.05, 0.15, 0.1, 0.1, 0.2, 0.1};
  sequence dr;
  const double l = three_point_kl(soft, {0, 2, 3}, target, dr);
  CHECK(l > 0);
  check_gradient(soft, dr, [&](const sequence& v) { sequence d; return three_point_kl(v, {0, 2, 3}, target, d); }, 1e-4);
  for (std::size_t t = 0; t < 30; ++t) CHECK(dr.row(t, 0)(1) == 0.0f);  // unit 1 is not read
}
