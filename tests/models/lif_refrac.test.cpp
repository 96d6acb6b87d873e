// lif_refrac against Norse's lif_refrac_feed_forward_step: after a spike the voltage is held and spikes are blocked
// for rho_reset steps.
#include <catch2/catch.hpp>

#include <models/lif_refrac.hpp>
#include <support.hpp>

#include <random>

using namespace norn;
using Catch::Matchers::WithinAbs;

namespace {
struct lif_refrac_reference {
  double tau_syn_inv = 200, tau_mem_inv = 100, v_leak = 0, v_th = 1, v_reset = 0, rho_reset = 5, dt = 0.001;
  double v = 0, i = 0, rho = 0;
  double step(double x) {
    const double v_before = v;
    const double ij = i + x;
    double v1 = v + dt * tau_mem_inv * ((v_leak - v) + ij);
    i = ij - dt * tau_syn_inv * ij;
    double z = v1 - v_th > 0 ? 1 : 0;
    v1 = (1 - z) * v1 + z * v_reset;
    const double r = rho > 0 ? 1 : 0;
    v = (1 - r) * v1 + r * v_before;
    z = (1 - r) * z;
    rho = (1 - z) * std::max(rho - r, 0.0) + z * rho_reset;
    return z;
  }
};
}  // namespace

TEST_CASE("lif_refrac: a spike starts rho_reset refractory steps with the voltage held") {
  // a strong constant drive would spike every step; refractoriness spaces spikes 6 apart
  std::vector<double> x(20, 40.0);
  auto r = test::run<models::lif_refrac, double>(1, 20, x);
  std::vector<std::size_t> spike_steps;
  for (std::size_t t = 0; t < 20; ++t)
    if (r.out[t] == 1.0) spike_steps.push_back(t);
  REQUIRE(spike_steps.size() >= 3);
  for (std::size_t k = 1; k < spike_steps.size(); ++k) CHECK(spike_steps[k] - spike_steps[k - 1] == 6);
  const std::size_t s = spike_steps[0];
  CHECK(r.states[2][s] == 5.0);  // rho = rho_reset after the spike
  for (std::size_t t = s + 1; t <= s + 5; ++t) {
    CHECK(r.states[2][t] == double(5 - (t - s)));  // counts down by one per step
    CHECK(r.states[0][t] == r.states[0][s]);       // voltage held at its value before the step
  }
}

TEST_CASE("lif_refrac: matches Norse's equations over a long random run") {
  const std::size_t T = 400;
  std::mt19937 gen(3);
  std::uniform_real_distribution<double> u(0.0, 6.0);
  std::vector<double> x(T);
  for (auto& v : x) v = u(gen);
  auto r = test::run<models::lif_refrac, double>(1, T, x, {{"rho_reset", 3}});
  lif_refrac_reference ref;
  ref.rho_reset = 3;
  int spikes = 0;
  for (std::size_t t = 0; t < T; ++t) {
    const double z = ref.step(x[t]);
    spikes += int(z);
    REQUIRE(r.out[t] == z);
    REQUIRE_THAT(r.states[0][t], WithinAbs(ref.v, 1e-12));
    REQUIRE_THAT(r.states[1][t], WithinAbs(ref.i, 1e-12));
    REQUIRE(r.states[2][t] == ref.rho);
  }
  CHECK(spikes > 10);
}
