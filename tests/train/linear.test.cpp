#include <catch2/catch.hpp>

#include <runtime/train/layers/linear.hpp>
#include <runtime/train/layers/population.hpp>

#include <cmath>

using namespace norn;
using Catch::Matchers::WithinAbs;

TEST_CASE("linear: PyTorch's default initialization bounds, y = x Wᵀ + b over the sequence") {
  linear_layer<float> l(50, 20, true, 7);
  const float bound = float(1 / std::sqrt(50.0));
  CHECK(l.weight().maxCoeff() <= bound);
  CHECK(l.weight().minCoeff() >= -bound);
  CHECK(l.weight().maxCoeff() > 0.8f * bound);
  CHECK(l.bias().cwiseAbs().maxCoeff() <= bound);
  sequence x(3, 2, 50);
  x.values.setRandom();
  sequence y;
  l.forward(x, y, true);
  CHECK(y.values.rows() == 6);
  CHECK(y.values.cols() == 20);
  const float expect = x.values.row(4).dot(l.weight().row(7)) + l.bias()(7);
  CHECK_THAT(y.values(4, 7), WithinAbs(expect, 1e-5));
}

TEST_CASE("linear: gradients of weight, bias and input against finite differences") {
  linear_layer<float> l(4, 3, true, 1);
  sequence x(2, 2, 4);
  x.values.setRandom();
  sequence y, dy(2, 2, 3), dx;
  dy.values.setRandom();
  l.forward(x, y, true);
  l.zero_grad();
  l.backward(dy, &dx);
  auto loss = [&] {
    sequence out;
    l.forward(x, out, false);
    return double((out.values.array() * dy.values.array()).sum());
  };
  auto params = l.parameters();
  for (auto& p : params)
    for (std::size_t k = 0; k < p.value.size(); ++k) {
      const float keep = p.value[k];
      p.value[k] = keep + 1e-2f;
      const double up = loss();
      p.value[k] = keep - 1e-2f;
      const double down = loss();
      p.value[k] = keep;
      REQUIRE_THAT(p.grad[k], WithinAbs((up - down) / 2e-2, 1e-3));
    }
  for (std::size_t k = 0; k < x.size(); ++k) {
    const float keep = x.span()[k];
    x.span()[k] = keep + 1e-2f;
    const double up = loss();
    x.span()[k] = keep - 1e-2f;
    const double down = loss();
    x.span()[k] = keep;
    REQUIRE_THAT(dx.span()[k], WithinAbs((up - down) / 2e-2, 1e-3));
  }
}

#include <models/lif.hpp>
#include <runtime/core/random.hpp>
#include <runtime/train/network.hpp>
#include <runtime/core/registry.hpp>

#include <omp.h>

namespace {
sequence spikes(std::size_t T, std::size_t B, std::size_t F, double p, unsigned seed) {
  sequence x(T, B, F);
  fill_bernoulli(x.span(), p, 1.0, seed);
  return x;
}
}  // namespace

TEST_CASE("linear: event-driven products agree with the dense GEMM, forward and backward") {
  for (const auto& [in, out] : {std::pair<std::size_t, std::size_t>{70, 45}, {33, 64}, {128, 100}}) {
    linear_layer<float> events(in, out, true, 3), dense(in, out, true, 3);
    dense.set_event_driven(false);
    const auto x = spikes(12, 5, in, 0.05, 1);
    sequence ye, yd, dy(12, 5, out), dxe, dxd;
    dy.values.setRandom();
    events.forward(x, ye, true);
    dense.forward(x, yd, true);
    CHECK(events.last_forward_event_driven());
    CHECK_FALSE(dense.last_forward_event_driven());
    REQUIRE((ye.values - yd.values).cwiseAbs().maxCoeff() < 1e-5f);
    events.zero_grad();
    dense.zero_grad();
    events.backward(dy, &dxe);
    dense.backward(dy, &dxd);
    auto pe = events.parameters(), pd = dense.parameters();
    for (std::size_t k = 0; k < pe.size(); ++k)
      for (std::size_t i = 0; i < pe[k].grad.size(); ++i) REQUIRE(std::abs(pe[k].grad[i] - pd[k].grad[i]) < 1e-4f);
    REQUIRE((dxe.values - dxd.values).cwiseAbs().maxCoeff() < 1e-5f);
  }
}

TEST_CASE("linear: dense inputs take the GEMM, non-binary sparse inputs the weighted events, narrow layers the GEMM") {
  linear_layer<float> l(40, 48, false, 2);
  sequence dense_x(4, 3, 40), y;
  dense_x.values.setRandom();
  l.forward(dense_x, y, false);
  CHECK_FALSE(l.last_forward_event_driven());
  auto weighted = spikes(4, 3, 40, 0.05, 4);
  weighted.values *= 2.5f;
  l.forward(weighted, y, false);
  CHECK(l.last_forward_event_driven());
  const float expect = weighted.values.row(5).dot(l.weight().row(9));
  CHECK_THAT(y.values(5, 9), WithinAbs(expect, 1e-5));
  linear_layer<float> readout(40, 10, false, 2);  // ≤ 32 outputs: too few to pay for finding events
  readout.forward(weighted, y, false);
  CHECK_FALSE(readout.last_forward_event_driven());
  CHECK_THAT(y.values(5, 9), WithinAbs(weighted.values.row(5).dot(readout.weight().row(9)), 1e-5));
}

TEST_CASE("linear → population: the fused forward gives the bits of the unfused one, for any thread count") {
  population_options o;
  o.model = &find_model(builtin_models(), "lif");
  o.neurons = 150;
  network net;
  net.add(std::make_unique<linear_layer<float>>(90, 150, true, 5));
  net.add(make_population_layer(o));
  auto x = spikes(40, 3, 90, 0.08, 6);
  x.values *= 4.0f;
  const sequence kept = net.forward(x, true);  // unfused: keeps for a backward
  const sequence fused = net.forward(x, false);
  CHECK(fused.values == kept.values);
  CHECK(fused.values.sum() > 10);  // some spikes
  omp_set_num_threads(1);
  const sequence one = net.forward(x, false);
  omp_set_num_threads(2);
  CHECK(one.values == fused.values);
}

TEST_CASE("linear: a repeated (static) input gives the outputs and gradients of that input copied to every step") {
  // the direct encoder's batches: x stored once for T steps; the layer computes its product
  // once, and its gradients are those of the expanded sequence (dx summed over steps)
  for (const bool spikes : {false, true}) {  // dense GEMM and event-driven paths
    INFO("spikes " << spikes);
    const std::size_t T = 7, B = 3, F = 40, O = 9;
    sequence once;
    once.reshape_repeated(T, B, F);
    once.values.setRandom();
    if (spikes) once.values = (once.values.array() > 0.8f).cast<float>();
    sequence full;
    expand_steps(once, full);
    linear_layer<float> a(F, O, true, 4), b(F, O, true, 4);
    sequence ya, yb, dy(T, B, O), dxa, dxb;
    dy.values.setRandom();
    a.forward(once, ya, true);
    b.forward(full, yb, true);
    REQUIRE(ya.repeated);
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t k = 0; k < B; ++k)
        for (Eigen::Index o = 0; o < Eigen::Index(O); ++o) CHECK_THAT(ya.row(t, k)(o), WithinAbs(yb.row(t, k)(o), 1e-5));
    a.zero_grad();
    b.zero_grad();
    a.backward(dy, &dxa);
    b.backward(dy, &dxb);
    const auto pa = a.parameters(), pb = b.parameters();
    for (std::size_t p = 0; p < pa.size(); ++p)
      for (std::size_t k = 0; k < pa[p].grad.size(); ++k) CHECK_THAT(pa[p].grad[k], WithinAbs(pb[p].grad[k], 1e-4));
    REQUIRE(dxa.repeated);
    const matrix summed = sum_steps(dxb);
    CHECK(dxa.values.isApprox(summed, 1e-5f));
  }
}
