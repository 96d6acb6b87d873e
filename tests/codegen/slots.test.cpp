#include <catch2/catch.hpp>

#include <codegen/slots.hpp>
#include <models/lif.hpp>
#include <models/lif_refrac.hpp>

using namespace norn;
using namespace norn::dsl;

TEST_CASE("slots: states, parameters, input, dt, then locals") {
  using S = codegen::slots<models::lif>;
  STATIC_REQUIRE(S::state_count == 2);
  STATIC_REQUIRE(S::parameter_count == 5);
  STATIC_REQUIRE(S::of<symbol<symbol_kind::state, "v">> == 0);
  STATIC_REQUIRE(S::of<symbol<symbol_kind::state, "i">> == 1);
  STATIC_REQUIRE(S::of<symbol<symbol_kind::parameter, "v_reset">> == 6);
  STATIC_REQUIRE(S::input_slot == 7);
  STATIC_REQUIRE(S::dt_slot == 8);
  STATIC_REQUIRE(S::of<symbol<symbol_kind::local, "z">> == 9);
  STATIC_REQUIRE(S::count == 10);
  CHECK(S::find(symbol_kind::parameter, "tau_mem_inv") == 3);
  CHECK(S::find(symbol_kind::parameter, "nope") == S::count);
}

TEST_CASE("slots: locals get one slot each, in order of first assignment") {
  using S = codegen::slots<models::lif_refrac>;
  STATIC_REQUIRE(S::local_count == 3);  // v_before, r, z
  STATIC_REQUIRE(S::of<symbol<symbol_kind::local, "v_before">> == S::first_local);
  STATIC_REQUIRE(S::of<symbol<symbol_kind::local, "r">> == S::first_local + 1);
  STATIC_REQUIRE(S::of<symbol<symbol_kind::local, "z">> == S::first_local + 2);
}
