#include <catch2/catch.hpp>

#include <dsl/literals.hpp>

using namespace norn::literals;

TEST_CASE("_c literals are the correctly rounded doubles") {
  STATIC_REQUIRE(decltype(0.04_c)::value == 0.04);
  STATIC_REQUIRE(decltype(1_c)::value == 1.0);
  STATIC_REQUIRE(decltype(140_c)::value == 140.0);
  STATIC_REQUIRE(decltype(1e-3_c)::value == 1e-3);
  STATIC_REQUIRE(decltype(2.5E+2_c)::value == 250.0);
  STATIC_REQUIRE(decltype(0.1_c)::value == 0.1);
  STATIC_REQUIRE(decltype(1'000_c)::value == 1000.0);
  STATIC_REQUIRE(decltype(3.14159265358979_c)::value == 3.14159265358979);
}
