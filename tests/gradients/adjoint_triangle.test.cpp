// The generated adjoint of every built-in model, with the triangle surrogate, against
// forward-mode dual numbers over the same declaration.
#include <catch2/catch.hpp>

#include <setups.hpp>

TEMPLATE_LIST_TEST_CASE("gradients: adjoint equals dual numbers, triangle surrogate", "", norn::models::all) {
  norn::test::check_model_with_surrogate<TestType, std::remove_cvref_t<decltype(norn::dsl::surrogates::triangle)>>();
}
