#include <catch2/catch.hpp>

#include <codegen/substitute.hpp>
#include <dsl/dsl.hpp>

using namespace norn;
using namespace norn::dsl;

TEST_CASE("substitute: replaces a symbol at every depth and simplifies") {
  constexpr state<"v"> v{};
  using X = symbol<symbol_kind::state, "v">;
  using U = symbol<symbol_kind::surrogate, "u">;
  // alpha * relu(1 - |u|) with u := v
  using G = std::remove_cvref_t<decltype(surrogates::triangle)>::derivative;
  using R = codegen::substituted_t<U, X, G>;
  STATIC_REQUIRE(std::is_same_v<R, binary<mul_op, symbol<symbol_kind::surrogate, "alpha">,
                                          unary<relu_op, binary<sub_op, constant<1.0>, unary<abs_op, X>>>>>);
  // u * 1 + 0 with u := v collapses to v
  using H = node_t<decltype(u * 1_c + 0_c)>;
  STATIC_REQUIRE(std::is_same_v<codegen::substituted_t<U, X, H>, X>);
  (void)v;
}
