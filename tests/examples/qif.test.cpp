// The example model of examples/custom_model/qif.hpp, declared outside Norn, runs through the
// same generated kernels as the built-in models.
#include <catch2/catch.hpp>

#include <custom_model/qif.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("example qif: hand-computed first steps") {
  // x = 5: i_j = 5, v' = 0 + 0.1 * (0 * -1 + 5) = 0.5, i' = 4
  auto r = test::run<lab::qif, double>(1, 2, {5.0, 0.0});
  CHECK_THAT(r.states[0][0], WithinRel(0.5, 1e-12));
  CHECK_THAT(r.states[1][0], WithinRel(4.0, 1e-12));
  // v' = 0.5 + 0.1 * (0.5 * -0.5 + 4) = 0.875
  CHECK_THAT(r.states[0][1], WithinRel(0.875, 1e-12));
}

TEST_CASE("example qif: above v_crit the voltage blows up, spikes and resets") {
  std::vector<double> x(200, 0.0);
  x[0] = 20.0;
  auto r = test::run<lab::qif, double>(1, 200, x);
  std::size_t spikes = 0;
  for (std::size_t t = 0; t < 200; ++t) {
    if (r.out[t] == 1.0) {
      ++spikes;
      CHECK(r.states[0][t] == 0.0);
    }
  }
  CHECK(spikes >= 1);
  // below v_crit and without input it relaxes to v_rest
  auto q = test::run<lab::qif, double>(1, 500, std::vector<double>(500, 0.0));
  CHECK(q.out == std::vector<double>(500, 0.0));
}

#include <gradient_law.hpp>

TEST_CASE("example qif: its generated adjoint equals dual numbers and finite differences, with no extra code") {
  using Sg = std::remove_cvref_t<decltype(norn::dsl::surrogates::superspike)>;
  const test::drive spiking{20.0, 5.0, 0.2};
  CHECK(test::check_adjoint_against_duals<lab::qif, Sg>(spiking, 60, 1) >= 2);
  test::check_adjoint_against_duals<lab::qif, Sg>(spiking, 60, 1, /*detach_reset=*/true);
  test::check_adjoint_against_finite_differences<lab::qif>(test::drive{0.05, 0.02}, 50, 2);
}
