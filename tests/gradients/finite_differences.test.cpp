// The generated adjoint of every built-in model against central finite differences, where
// the step is smooth: li, and the spiking models on a run that stays below threshold.
#include <catch2/catch.hpp>

#include <setups.hpp>

TEMPLATE_LIST_TEST_CASE("gradients: adjoint equals finite differences where the step is smooth", "", norn::models::all) {
  for (unsigned seed : {3u, 4u}) norn::test::check_adjoint_against_finite_differences<TestType>(norn::test::gradient_setup<TestType>::quiet, 50, seed);
}
