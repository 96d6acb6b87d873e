// A surrogate a user declares as an expression gets its adjoint like the built-in ones.
#include <catch2/catch.hpp>

#include <setups.hpp>

namespace {
using namespace norn::literals;
using norn::dsl::alpha;
using norn::dsl::u;
// 1 / (1 + alpha |u|): a wider relative of SuperSpike
inline constexpr auto mine = norn::dsl::make_surrogate<"mine", 5.0>(1_c / (1_c + alpha * abs(u)));
}  // namespace

TEMPLATE_TEST_CASE("gradients: a user-declared surrogate, adjoint equals dual numbers", "", norn::models::lif,
                   norn::models::lsnn, norn::models::leaky) {
  norn::test::check_model_with_surrogate<TestType, std::remove_cvref_t<decltype(mine)>>();
}
