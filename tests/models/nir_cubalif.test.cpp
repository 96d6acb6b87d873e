// nir_cubalif against forward-Euler steps of NIR's CubaLIF equations, computed here by hand
// (both derivatives at the state before the step).
#include <catch2/catch.hpp>

#include <models/nir_cubalif.hpp>
#include <support.hpp>

using namespace norn;
using Catch::Matchers::WithinRel;

TEST_CASE("nir_cubalif: the synaptic current feeds the membrane one step later") {
  // tau_syn = 0.005 (dt / tau_syn = 0.2), tau_mem = 0.01 (0.1), r = 2, w_in = 3, x = 10, 10, 10, 0:
  // i1 = 0.2 · 30 = 6, v1 = 0 (i0 = 0)
  // i2 = 6 + 0.2 (30 - 6) = 10.8, v2 = 0.1 · 2 · 6 = 1.2 > 1 → spike, reset to 0
  // i3 = 10.8 + 0.2 (30 - 10.8) = 14.64, v3 = 0 + 0.1 · 2 · 10.8 = 2.16 → spike
  // i4 = 14.64 - 0.2 · 14.64 = 11.712, v4 = 0.1 · 2 · 14.64 = 2.928 → spike
  auto r = test::run<models::nir_cubalif, double>(1, 4, {10, 10, 10, 0}, {{"r", 2.0}, {"w_in", 3.0}});
  const auto v = r.states[0], i = r.states[1];
  CHECK_THAT(i[0], WithinRel(6.0, 1e-12));
  CHECK(v[0] == 0.0);
  CHECK(r.out[0] == 0.0);
  CHECK_THAT(i[1], WithinRel(10.8, 1e-12));
  CHECK(r.out[1] == 1.0);
  CHECK(v[1] == 0.0);
  CHECK_THAT(i[2], WithinRel(14.64, 1e-12));
  CHECK(r.out[2] == 1.0);
  CHECK_THAT(i[3], WithinRel(11.712, 1e-12));
}

TEST_CASE("nir_cubalif: leak and reset potentials") {
  // no input, v_leak = 0.5: v1 = 0.05, v2 = 0.05 + 0.1 (0.5 - 0.05) = 0.095
  auto r = test::run<models::nir_cubalif, double>(1, 2, {0, 0}, {{"v_leak", 0.5}});
  CHECK_THAT(r.states[0][0], WithinRel(0.05, 1e-12));
  CHECK_THAT(r.states[0][1], WithinRel(0.095, 1e-12));
  auto s = test::run<models::nir_cubalif, double>(1, 3, {100, 0, 0}, {{"v_reset", -0.5}});
  // i1 = 20, v2 = 0.1 · 20 = 2 → spike, v = -0.5
  CHECK(s.out[1] == 1.0);
  CHECK(s.states[0][1] == -0.5);
}
