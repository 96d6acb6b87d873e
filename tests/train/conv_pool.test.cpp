// The 2-D layers (conv2d, maxpool2d, avgpool2d) against references written here from their
// definitions, in double: outputs to float rounding, and every input, weight and bias
// gradient against central differences of the double reference to 1e-4 relative; dense
// inputs (GEMM) and spike inputs (scatter) alike, and static (repeated) inputs.
#include <catch2/catch.hpp>

#include <runtime/core/registry.hpp>
#include <runtime/train/layer_kind.hpp>

#include <cmath>
#include <functional>
#include <random>

using namespace norn;

namespace {

struct map3 {
  std::size_t c, h, w;
};

std::unique_ptr<layer> build(const std::string& config, std::vector<std::size_t> shape, std::vector<std::size_t>* out_shape = nullptr) {
  const auto j = nlohmann::json::parse(config);
  const layer_context context{builtin_models(), 0.001, shape};
  for (const auto* kind : layer_kinds())
    for (const auto& type : types_of(*kind, context)) {
      if (type != j.at("type").get<std::string>()) continue;
      const auto plan = kind->parse(j, {"test", "layer"}, context);
      if (out_shape) *out_shape = plan.out_shape;
      return plan.build(5);
    }
  FAIL("no kind " << config);
  return nullptr;
}

/// Reference of one row: y = f(x, parameters), everything in double.
using reference = std::function<std::vector<double>(const std::vector<double>& x, const std::vector<std::vector<double>>& p)>;

/// y[o, oh, ow] = b[o] + Σ_{c, ki, kj} W[o, c, ki, kj] x[c, oh·s − pad + ki, ow·s − pad + kj]
reference conv(map3 in, std::size_t O, std::size_t k, std::size_t sh, std::size_t sw, std::size_t pad) {
  return [=](const std::vector<double>& x, const std::vector<std::vector<double>>& p) {
    const std::size_t Ho = (in.h + 2 * pad - k) / sh + 1, Wo = (in.w + 2 * pad - k) / sw + 1;
    std::vector<double> y(O * Ho * Wo);
    for (std::size_t o = 0; o < O; ++o)
      for (std::size_t oh = 0; oh < Ho; ++oh)
        for (std::size_t ow = 0; ow < Wo; ++ow) {
          double s = p.size() > 1 ? p[1][o] : 0.0;
          for (std::size_t c = 0; c < in.c; ++c)
            for (std::size_t ki = 0; ki < k; ++ki)
              for (std::size_t kj = 0; kj < k; ++kj) {
                const long ih = long(oh * sh + ki) - long(pad), iw = long(ow * sw + kj) - long(pad);
                if (ih < 0 || iw < 0 || ih >= long(in.h) || iw >= long(in.w)) continue;
                s += p[0][((o * in.c + c) * k + ki) * k + kj] * x[(c * in.h + std::size_t(ih)) * in.w + std::size_t(iw)];
              }
          y[(o * Ho + oh) * Wo + ow] = s;
        }
    return y;
  };
}

/// Max or mean (padding counted as zero; the sum when `sum`) of each k × k window moved by k.
reference pool(map3 in, std::size_t k, bool max, std::size_t pad = 0, bool sum = false) {
  return [=](const std::vector<double>& x, const std::vector<std::vector<double>>&) {
    const std::size_t Ho = (in.h + 2 * pad - k) / k + 1, Wo = (in.w + 2 * pad - k) / k + 1;
    std::vector<double> y(in.c * Ho * Wo);
    for (std::size_t c = 0; c < in.c; ++c)
      for (std::size_t oh = 0; oh < Ho; ++oh)
        for (std::size_t ow = 0; ow < Wo; ++ow) {
          double s = max ? -INFINITY : 0.0;
          for (std::size_t ki = 0; ki < k; ++ki)
            for (std::size_t kj = 0; kj < k; ++kj) {
              const long ih = long(oh * k + ki) - long(pad), iw = long(ow * k + kj) - long(pad);
              if (ih < 0 || iw < 0 || ih >= long(in.h) || iw >= long(in.w)) continue;
              const double v = x[(c * in.h + std::size_t(ih)) * in.w + std::size_t(iw)];
              s = max ? std::max(s, v) : s + v;
            }
          y[(c * Ho + oh) * Wo + ow] = max || sum ? s : s / double(k * k);
        }
    return y;
  };
}

void check_close(double got, double want, const std::string& what) {
  INFO(what << ": got " << got << ", want " << want);
  CHECK(std::abs(got - want) <= 1e-4 * std::max(std::abs(want), 1e-2));
}

/// Checks l's forward against `ref` and its gradients of L = Σ w ⊙ y against central
/// differences of `ref`, for input x (steps × batch rows, or batch rows when repeated).
void check_layer(layer& l, const reference& ref, const sequence& x, std::mt19937& gen) {
  std::uniform_real_distribution<double> u(-1, 1);
  sequence y;
  l.zero_grad();
  l.forward(x, y, true);
  const std::size_t T = x.steps, B = x.batch, F = x.features(), Y = y.features();
  CHECK(y.repeated == x.repeated);
  sequence w(T, B, Y), dx;
  for (float& v : w.span()) v = float(u(gen));
  l.backward(w, &dx);
  auto params = l.parameters();
  std::vector<std::vector<double>> p;
  for (const auto& q : params) p.emplace_back(q.value.begin(), q.value.end());
  // L(x, p) = Σ_{t, b} w_tb · ref(x_b or x_tb, p)
  auto loss = [&](const std::vector<std::vector<double>>& rows, const std::vector<std::vector<double>>& pp) {
    double L = 0;
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t b = 0; b < B; ++b) {
        const auto yr = ref(rows[x.repeated ? b : t * B + b], pp);
        for (std::size_t k = 0; k < Y; ++k) L += double(w.values(Eigen::Index(t * B + b), Eigen::Index(k))) * yr[k];
      }
    return L;
  };
  std::vector<std::vector<double>> rows(std::size_t(x.values.rows()));
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t k = 0; k < F; ++k) rows[r].push_back(double(x.values(Eigen::Index(r), Eigen::Index(k))));
  // forward
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto yr = ref(rows[r], p);
    for (std::size_t k = 0; k < Y; ++k) check_close(double(y.values(Eigen::Index(r), Eigen::Index(k))), yr[k], "output");
  }
  // input gradient (repeated: one row per batch entry, the sum over steps)
  REQUIRE(dx.values.rows() == x.values.rows());
  const double h = 1e-4;
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t k = 0; k < F; ++k) {
      auto up = rows, down = rows;
      up[r][k] += h, down[r][k] -= h;
      check_close(double(dx.values(Eigen::Index(r), Eigen::Index(k))), (loss(up, p) - loss(down, p)) / (2 * h),
                  "dL/dx[" + std::to_string(r) + "][" + std::to_string(k) + "]");
    }
  for (std::size_t q = 0; q < params.size(); ++q)
    for (std::size_t k = 0; k < p[q].size(); ++k) {
      auto up = p, down = p;
      up[q][k] += h, down[q][k] -= h;
      check_close(double(params[q].grad[k]), (loss(rows, up) - loss(rows, down)) / (2 * h),
                  "dL/d" + params[q].name + "[" + std::to_string(k) + "]");
    }
}

sequence random_input(std::size_t T, std::size_t B, std::size_t F, double spike_density, bool repeated, std::mt19937& gen) {
  sequence x(repeated ? 1 : T, B, F);
  x.steps = T;
  x.repeated = repeated;
  std::uniform_real_distribution<float> u(-1, 1), v(0, 1);
  for (float& e : x.span()) e = spike_density > 0 ? float(v(gen) < spike_density) : u(gen);
  return x;
}

}  // namespace

TEST_CASE("conv2d: outputs and gradients equal the reference, dense (GEMM) and spikes (scatter)") {
  std::mt19937 gen(4);
  const map3 in{3, 7, 6};
  for (double density : {0.0, 0.05}) {
    for (auto [k, sh, sw, pad] : {std::array<std::size_t, 4>{3, 1, 1, 0}, {3, 2, 1, 1}, {2, 2, 2, 0}}) {
      INFO("density " << density << ", kernel " << k << ", stride " << sh << "×" << sw << ", padding " << pad);
      const auto l = build(fmt::format(R"({{"type": "conv2d", "in_channels": 3, "out_channels": 5, "kernel": {},
                                         "stride": [{}, {}], "padding": {}}})", k, sh, sw, pad),
                           {in.c, in.h, in.w});
      check_layer(*l, conv(in, 5, k, sh, sw, pad), random_input(3, 2, in.c * in.h * in.w, density, false, gen), gen);
    }
  }
}

TEST_CASE("conv2d: a static (repeated) input is convolved once and its gradients are those of every step") {
  std::mt19937 gen(5);
  const map3 in{1, 6, 6};
  for (double density : {0.0, 0.05}) {
    const auto l = build(R"({"type": "conv2d", "out_channels": 4, "kernel": 3, "bias": false})", {1, 6, 6});
    CHECK(l->parameters().size() == 1);  // no bias
    check_layer(*l, conv(in, 4, 3, 1, 1, 0), random_input(4, 3, 36, density, true, gen), gen);
  }
}

TEST_CASE("maxpool2d, avgpool2d and sumpool2d: outputs and gradients equal the reference") {
  std::mt19937 gen(6);
  const map3 in{2, 6, 5};
  for (bool repeated : {false, true}) {
    INFO("repeated " << repeated);
    std::vector<std::size_t> shape;
    const auto m = build(R"({"type": "maxpool2d", "kernel": 2})", {2, 6, 5}, &shape);
    CHECK(shape == std::vector<std::size_t>{2, 3, 2});
    check_layer(*m, pool(in, 2, true), random_input(3, 2, 60, 0, repeated, gen), gen);
    const auto a = build(R"({"type": "avgpool2d", "kernel": 3, "padding": 1})", {2, 6, 5}, &shape);
    CHECK(shape == std::vector<std::size_t>{2, 2, 2});
    check_layer(*a, pool(in, 3, false, 1), random_input(3, 2, 60, 0, repeated, gen), gen);
    const auto s = build(R"({"type": "sumpool2d", "kernel": 3, "padding": 1})", {2, 6, 5}, &shape);
    CHECK(shape == std::vector<std::size_t>{2, 2, 2});
    CHECK(s->type() == "sumpool2d");
    check_layer(*s, pool(in, 3, false, 1, true), random_input(3, 2, 60, 0, repeated, gen), gen);
  }
}

TEST_CASE("maxpool2d: of equal values the first in the window takes the gradient, as PyTorch") {
  const auto m = build(R"({"type": "maxpool2d", "kernel": 2})", {1, 2, 2});
  sequence x(1, 1, 4), y, dx, dy(1, 1, 1);
  x.values << 0, 1, 1, 0;  // spikes: a tie
  dy.values << 1;
  m->forward(x, y, true);
  m->backward(dy, &dx);
  CHECK(dx.values(0, 1) == 1.0f);
  CHECK(dx.values(0, 2) == 0.0f);
}

TEST_CASE("dropout: a mask per sample for every step, scaled by 1/(1 - p), off in evaluation") {
  const auto d = build(R"({"type": "dropout", "p": 0.25})", {1000});
  sequence x(3, 2, 1000), y, dx;
  x.values.setOnes();
  d->set_noise(42);
  d->forward(x, y, true);
  std::size_t dropped = 0;
  for (Eigen::Index k = 0; k < 2000; ++k) {
    const float v = y.values(k / 1000, k % 1000);
    CHECK((v == 0.0f || v == Approx(1 / 0.75)));
    dropped += v == 0.0f;
    for (Eigen::Index t = 1; t < 3; ++t) CHECK(y.values(t * 2 + k / 1000, k % 1000) == v);  // same at every step
  }
  CHECK(dropped > 430);  // 500 expected of 2,000
  CHECK(dropped < 570);
  d->backward(x, &dx);
  CHECK(dx.values == y.values);  // linear: dL/dx = mask ⊙ dL/dy
  sequence again;
  d->forward(x, again, false);
  CHECK(again.values == y.values);  // the same noise seed, the same mask
  d->set_noise(43);
  d->forward(x, again, false);
  CHECK(again.values != y.values);
  d->set_noise(std::nullopt);
  d->forward(x, again, false);
  CHECK(again.values == x.values);
}

TEST_CASE("2-D layers: shapes flow through the configuration and mistakes are named") {
  std::vector<std::size_t> shape;
  build(R"({"type": "conv2d", "in_channels": 1, "out_channels": 12, "kernel": 5})", {1, 28, 28}, &shape);
  CHECK(shape == std::vector<std::size_t>{12, 24, 24});
  build(R"({"type": "conv2d", "out_channels": 2, "kernel": [3, 1], "stride": 2, "padding": [1, 0]})", {28, 28}, &shape);
  CHECK(shape == std::vector<std::size_t>{2, 14, 14});
  build(R"({"type": "flatten"})", {64, 4, 4}, &shape);
  CHECK(shape == std::vector<std::size_t>{1024});
  build(R"({"type": "leaky"})", {12, 12, 12}, &shape);
  CHECK(shape == std::vector<std::size_t>{12, 12, 12});  // a population keeps its input's shape
  CHECK_THROWS_WITH(build(R"({"type": "conv2d", "out_channels": 2, "kernel": 3})", {}),
                    Catch::Contains("needs the shape of the data: give \"input_shape\""));
  CHECK_THROWS_WITH(build(R"({"type": "conv2d", "out_channels": 2, "kernel": 3})", {784}),
                    Catch::Contains("takes a [channels, height, width] map, but its input is [784]"));
  CHECK_THROWS_WITH(build(R"({"type": "conv2d", "in_channels": 2, "out_channels": 2, "kernel": 3})", {1, 8, 8}),
                    Catch::Contains("in_channels: 2 channels, but the input [1, 8, 8] has 1"));
  CHECK_THROWS_WITH(build(R"({"type": "conv2d", "out_channels": 2, "kernel": 9})", {1, 8, 8}),
                    Catch::Contains("a 9×9 kernel does not fit the 8×8 input"));
  CHECK_THROWS_WITH(build(R"({"type": "maxpool2d"})", {1, 8, 8}), Catch::Contains("needs \"kernel\""));
  CHECK_THROWS_WITH(build(R"({"type": "maxpool2d", "kernel": 2, "padding": 2})", {1, 8, 8}),
                    Catch::Contains("padding 2×2 is more than half the kernel 2×2"));
  CHECK_THROWS_WITH(build(R"({"type": "dropout", "p": 1})", {4}), Catch::Contains("expected a probability in [0, 1)"));
  CHECK_THROWS_WITH(build(R"({"type": "leaky", "train": {"beta": "channel"}})", {40}),
                    Catch::Contains("\"channel\" needs an input of channels"));
}

TEST_CASE("population on a map: a parameter trained per channel has one value and the summed gradient of its channel") {
  std::vector<std::size_t> shape;
  const auto per_channel = build(R"({"type": "leaky", "train": {"beta": "channel"}})", {3, 2, 2}, &shape);
  const auto per_neuron = build(R"({"type": "leaky", "train": ["beta"]})", {3, 2, 2});
  std::mt19937 gen(7);
  const auto x = random_input(6, 2, 12, 0, false, gen);
  sequence y1, y2, dx;
  sequence w(6, 2, 12);
  w.values.setConstant(0.5f);
  for (auto* l : {per_channel.get(), per_neuron.get()}) {
    l->zero_grad();
    l->forward(x, l == per_channel.get() ? y1 : y2, true);
    l->backward(w, &dx);
  }
  CHECK(y1.values == y2.values);
  const auto c = per_channel->parameters().at(0), n = per_neuron->parameters().at(0);
  REQUIRE(c.shape == std::vector<std::size_t>{3});
  REQUIRE(n.shape == std::vector<std::size_t>{12});
  for (std::size_t ch = 0; ch < 3; ++ch)
    CHECK(c.grad[ch] == Approx(n.grad[4 * ch] + n.grad[4 * ch + 1] + n.grad[4 * ch + 2] + n.grad[4 * ch + 3]).epsilon(1e-5));
}
