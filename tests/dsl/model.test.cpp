#include <catch2/catch.hpp>

#include <models/lif.hpp>
#include <models/li.hpp>
#include <models/lif_refrac.hpp>

#include <type_traits>

using namespace norn;
using namespace norn::dsl;

TEST_CASE("built-in declarations pass the model checks") {
  STATIC_REQUIRE(check_model<models::lif>());
  STATIC_REQUIRE(check_model<models::li>());
  STATIC_REQUIRE(check_model<models::lif_refrac>());
}

TEST_CASE("a model is spiking exactly when it has a spike phase") {
  STATIC_REQUIRE(is_spiking_v<models::lif>);
  STATIC_REQUIRE_FALSE(is_spiking_v<models::li>);
}

TEST_CASE("assignments and ODEs record their target and expression") {
  constexpr state<"v"> v{};
  constexpr parameter<"k"> k{2.0};
  using A = decltype(v = k * v);
  STATIC_REQUIRE(std::is_same_v<A::target, symbol<symbol_kind::state, "v">>);
  STATIC_REQUIRE(std::is_same_v<A::expr, binary<mul_op, symbol<symbol_kind::parameter, "k">,
                                                symbol<symbol_kind::state, "v">>>);
  using O = decltype(ddt(v) = -v);
  STATIC_REQUIRE(std::is_same_v<O, ode<symbol<symbol_kind::state, "v">, unary<neg_op, symbol<symbol_kind::state, "v">>>>);
}

TEST_CASE("symbols_of lists the symbols an expression reads, in order") {
  constexpr state<"v"> v{};
  constexpr parameter<"k"> k{};
  constexpr auto syms = symbols_of(node_t<decltype(k * v + input)>{});
  STATIC_REQUIRE(syms == hana::tuple_t<symbol<symbol_kind::parameter, "k">, symbol<symbol_kind::state, "v">,
                                       symbol<symbol_kind::input, "x">>);
}
