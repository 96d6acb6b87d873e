#include <catch2/catch.hpp>

#include <codegen/simplify.hpp>
#include <dsl/dsl.hpp>

#include <type_traits>

using namespace norn;
using namespace norn::dsl;
using codegen::make;
using codegen::simplify;

namespace {
using X = symbol<symbol_kind::state, "x">;
using Y = symbol<symbol_kind::parameter, "y">;
template <double V>
using c = constant<V>;
template <class A, class B>
constexpr bool same = std::is_same_v<A, B>;
}  // namespace

TEST_CASE("simplify: identities of + and -") {
  STATIC_REQUIRE(same<decltype(make<add_op>(c<0.0>{}, X{})), X>);
  STATIC_REQUIRE(same<decltype(make<add_op>(X{}, c<0.0>{})), X>);
  STATIC_REQUIRE(same<decltype(make<sub_op>(X{}, c<0.0>{})), X>);
  STATIC_REQUIRE(same<decltype(make<sub_op>(c<0.0>{}, X{})), unary<neg_op, X>>);
  STATIC_REQUIRE(same<decltype(make<sub_op>(X{}, X{})), c<0.0>>);
  STATIC_REQUIRE(same<decltype(make<add_op>(X{}, unary<neg_op, Y>{})), binary<sub_op, X, Y>>);
  STATIC_REQUIRE(same<decltype(make<sub_op>(X{}, unary<neg_op, Y>{})), binary<add_op, X, Y>>);
}

TEST_CASE("simplify: identities of * and /") {
  STATIC_REQUIRE(same<decltype(make<mul_op>(c<0.0>{}, X{})), c<0.0>>);
  STATIC_REQUIRE(same<decltype(make<mul_op>(X{}, c<0.0>{})), c<0.0>>);
  STATIC_REQUIRE(same<decltype(make<mul_op>(c<1.0>{}, X{})), X>);
  STATIC_REQUIRE(same<decltype(make<mul_op>(X{}, c<1.0>{})), X>);
  STATIC_REQUIRE(same<decltype(make<mul_op>(c<-1.0>{}, X{})), unary<neg_op, X>>);
  STATIC_REQUIRE(same<decltype(make<mul_op>(X{}, c<2.0>{})), binary<mul_op, c<2.0>, X>>);  // constants first
  STATIC_REQUIRE(same<decltype(make<mul_op>(unary<neg_op, X>{}, unary<neg_op, Y>{})), binary<mul_op, X, Y>>);
  STATIC_REQUIRE(same<decltype(make<div_op>(c<0.0>{}, X{})), c<0.0>>);
  STATIC_REQUIRE(same<decltype(make<div_op>(X{}, c<1.0>{})), X>);
  STATIC_REQUIRE(same<decltype(make<pow_op>(X{}, c<1.0>{})), X>);
  STATIC_REQUIRE(same<decltype(make<pow_op>(X{}, c<0.0>{})), c<1.0>>);
}

TEST_CASE("simplify: negation and constant folding") {
  STATIC_REQUIRE(same<decltype(make<neg_op>(unary<neg_op, X>{})), X>);
  STATIC_REQUIRE(same<decltype(make<neg_op>(c<2.0>{})), c<-2.0>>);
  STATIC_REQUIRE(same<decltype(make<add_op>(c<2.0>{}, c<3.0>{})), c<5.0>>);
  STATIC_REQUIRE(same<decltype(make<mul_op>(c<2.0>{}, c<3.0>{})), c<6.0>>);
  STATIC_REQUIRE(same<decltype(make<div_op>(c<3.0>{}, c<2.0>{})), c<1.5>>);
  STATIC_REQUIRE(same<decltype(make<div_op>(c<3.0>{}, c<0.0>{})), binary<div_op, c<3.0>, c<0.0>>>);  // not folded
  STATIC_REQUIRE(same<decltype(make<gt_op>(c<3.0>{}, c<2.0>{})), c<1.0>>);
  STATIC_REQUIRE(same<decltype(make<heaviside_op>(c<0.0>{})), c<0.0>>);
  STATIC_REQUIRE(same<decltype(make<min_op>(c<3.0>{}, c<2.0>{})), c<2.0>>);
  STATIC_REQUIRE(same<decltype(make<select_op>(c<1.0>{}, X{}, Y{})), X>);
  STATIC_REQUIRE(same<decltype(make<select_op>(c<0.0>{}, X{}, Y{})), Y>);
}

TEST_CASE("simplify: whole trees collapse bottom-up") {
  constexpr state<"x"> x{};
  // (0 * x + 1 * x) - (x - 0) → x - x → 0
  using E = node_t<decltype((0_c * x + 1_c * x) - (x - 0_c))>;
  STATIC_REQUIRE(same<decltype(simplify(E{})), c<0.0>>);
  // 2 * 3 * x → 6 * x
  using F = node_t<decltype(2_c * 3_c * x)>;
  STATIC_REQUIRE(same<decltype(simplify(F{})), binary<mul_op, c<6.0>, X>>);
}

TEST_CASE("simplify: reaches binary nodes below unary ones and back") {
  constexpr state<"x"> x{};
  constexpr parameter<"y"> y{};
  using E = node_t<decltype(exp(0_c * x + y) * relu(1_c * x - 0_c))>;
  STATIC_REQUIRE(same<decltype(simplify(E{})), binary<mul_op, unary<exp_op, Y>, unary<relu_op, X>>>);
}
