#include <catch2/catch.hpp>

#include <runtime/layers/linear.hpp>

#include <cmath>

using namespace norn;
using Catch::Matchers::WithinAbs;

TEST_CASE("linear: PyTorch's default initialization bounds, y = x Wᵀ + b over the sequence") {
  linear_layer l(50, 20, true, 7);
  const float bound = float(1 / std::sqrt(50.0));
  CHECK(l.weight().maxCoeff() <= bound);
  CHECK(l.weight().minCoeff() >= -bound);
  CHECK(l.weight().maxCoeff() > 0.8f * bound);
  CHECK(l.bias().cwiseAbs().maxCoeff() <= bound);
  sequence x(3, 2, 50);
  x.values.setRandom();
  sequence y;
  l.forward(x, y, true);
  CHECK(y.values.rows() == 6);
  CHECK(y.values.cols() == 20);
  const float expect = x.values.row(4).dot(l.weight().row(7)) + l.bias()(7);
  CHECK_THAT(y.values(4, 7), WithinAbs(expect, 1e-5));
}

TEST_CASE("linear: gradients of weight, bias and input against finite differences") {
  linear_layer l(4, 3, true, 1);
  sequence x(2, 2, 4);
  x.values.setRandom();
  sequence y, dy(2, 2, 3), dx;
  dy.values.setRandom();
  l.forward(x, y, true);
  l.zero_grad();
  l.backward(dy, &dx);
  auto loss = [&] {
    sequence out;
    l.forward(x, out, false);
    return double((out.values.array() * dy.values.array()).sum());
  };
  auto params = l.parameters();
  for (auto& p : params)
    for (std::size_t k = 0; k < p.value.size(); ++k) {
      const float keep = p.value[k];
      p.value[k] = keep + 1e-2f;
      const double up = loss();
      p.value[k] = keep - 1e-2f;
      const double down = loss();
      p.value[k] = keep;
      REQUIRE_THAT(p.grad[k], WithinAbs((up - down) / 2e-2, 1e-3));
    }
  for (std::size_t k = 0; k < x.size(); ++k) {
    const float keep = x.span()[k];
    x.span()[k] = keep + 1e-2f;
    const double up = loss();
    x.span()[k] = keep - 1e-2f;
    const double down = loss();
    x.span()[k] = keep;
    REQUIRE_THAT(dx.span()[k], WithinAbs((up - down) / 2e-2, 1e-3));
  }
}
