#include <catch2/catch.hpp>

#include <models/lif.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/core/builtin_kernels.hpp>
#include <runtime/core/population.hpp>

using namespace norn;

TEST_CASE("population: starts at the declared initial state with default parameters") {
  population<models::lif> p(4, 2);
  CHECK(p.state("v").size() == 8);
  for (float v : p.state("v")) CHECK(v == 0.0f);
  for (float v : p.parameter("tau_mem_inv")) CHECK(v == 100.0f);
  CHECK(p.parameter("v_th").size() == 4);
}

TEST_CASE("population: per-neuron parameters act on their neuron only") {
  population<models::lif> p(3);
  const std::vector<float> th{0.05f, 1.0f, 1.0f};
  p.set_parameter("v_th", th);
  std::vector<float> x(3, 1.0f), out(3);
  p.step(x, out);  // v' = 0.1 for all
  CHECK(out == std::vector<float>{1.0f, 0.0f, 0.0f});
}

TEST_CASE("population: unknown names and bad values are bad input") {
  population<models::lif> p(3);
  CHECK_THROWS_WITH(p.set_parameter("tau", 1.0), Catch::Contains("no parameter 'tau'") && Catch::Contains("tau_mem_inv"));
  CHECK_THROWS_AS(p.set_parameter("v_th", std::nan("")), bad_input);
  const std::vector<float> two{1.0f, 2.0f};
  CHECK_THROWS_WITH(p.set_parameter("v_th", two), Catch::Contains("needs 3 values"));
  CHECK_THROWS_AS(p.state("w"), bad_input);
  std::vector<float> x(5), out(3);
  CHECK_THROWS_AS(p.step(x, out), bad_input);
}

TEST_CASE("population: reset() restores the initial state") {
  population<models::lif> p(2);
  std::vector<float> x(2, 5.0f), out(2);
  p.step(x, out);
  CHECK(p.state("i")[0] != 0.0f);
  p.reset();
  CHECK(p.state("i")[0] == 0.0f);
  CHECK(p.state("v")[1] == 0.0f);
}
