#include <catch2/catch.hpp>

#include <codegen/evaluate.hpp>
#include <dsl/dsl.hpp>

#include <cmath>

using namespace norn;
using namespace norn::dsl;
using Catch::Matchers::WithinRel;

namespace {
// A two-symbol environment: a = 0.7, b = -1.3.
struct ab_env {
  double a = 0.7, b = -1.3;
  template <class S>
  double get() const {
    return S::name.view() == "a" ? a : b;
  }
  codegen::forward_only policy() const { return {}; }
};
constexpr state<"a"> a{};
constexpr state<"b"> b{};

template <class E>
double value(E, const ab_env& env = {}) {
  return codegen::eval<double>(node_t<E>{}, env);
}
}  // namespace

TEST_CASE("evaluate: arithmetic") {
  CHECK(value(a + b) == 0.7 + -1.3);
  CHECK(value(a - b) == 0.7 - -1.3);
  CHECK(value(a * b) == 0.7 * -1.3);
  CHECK(value(a / b) == 0.7 / -1.3);
  CHECK(value(-a) == -0.7);
  CHECK(value(2.5_c * a) == 2.5 * 0.7);
}

TEST_CASE("evaluate: elementary functions") {
  CHECK(value(exp(b)) == std::exp(-1.3));
  CHECK(value(log(a)) == std::log(0.7));
  CHECK(value(sqrt(a)) == std::sqrt(0.7));
  CHECK(value(tanh(b)) == std::tanh(-1.3));
  CHECK_THAT(value(sigmoid(b)), WithinRel(1 / (1 + std::exp(1.3)), 1e-15));
  CHECK(value(abs(b)) == 1.3);
  CHECK_THAT(value(pow(a, 3_c)), WithinRel(0.7 * 0.7 * 0.7, 1e-15));
  CHECK_THAT(value(pow(a, b)), WithinRel(std::pow(0.7, -1.3), 1e-15));
  CHECK_THAT(value(pow(a, -2_c)), WithinRel(1 / (0.7 * 0.7), 1e-15));
}

TEST_CASE("evaluate: piecewise, comparisons, heaviside and select") {
  CHECK(value(relu(a)) == 0.7);
  CHECK(value(relu(b)) == 0.0);
  CHECK(value(min(a, b)) == -1.3);
  CHECK(value(max(a, b)) == 0.7);
  CHECK(value(a > b) == 1.0);
  CHECK(value(a < b) == 0.0);
  CHECK(value(a >= a) == 1.0);
  CHECK(value(a <= b) == 0.0);
  CHECK(value(heaviside(a)) == 1.0);
  CHECK(value(heaviside(b)) == 0.0);
  CHECK(value(heaviside(a - a)) == 0.0);  // H(0) = 0
  CHECK(value(spike_fn(a)) == 1.0);
  CHECK(value(spike_fn(a - a)) == 0.0);
  CHECK(value(detach(b)) == -1.3);
  CHECK(value(select(a, a, b)) == 0.7);
  CHECK(value(select(b, a, b)) == -1.3);
}
