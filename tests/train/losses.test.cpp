// Every loss kind: its gradient against central differences (for every kind in the list),
// and each kind's value against its definition.
#include <catch2/catch.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/train/loss.hpp>

#include <cmath>
#include <random>

using namespace norn;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
sequence random_sequence(std::size_t T, std::size_t B, std::size_t F, unsigned seed, double lo = -1, double hi = 1) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u{float(lo), float(hi)};
  sequence s(T, B, F);
  for (float& v : s.span()) v = u(gen);
  return s;
}

std::unique_ptr<loss> make(const std::string& text) {
  const auto j = nlohmann::json::parse(text);
  return parse_loss(&j, {"test", "loss"});
}

/// Central differences of L with respect to every element of `x`, in double.
template <class F>
void check_gradient(sequence x, const sequence& dx, F&& value, double tolerance = 1e-3) {
  for (std::size_t k = 0; k < x.size(); ++k) {
    const float keep = x.span()[k];
    const float h = 1e-3f;
    x.span()[k] = keep + h;
    const double up = value(x);
    x.span()[k] = keep - h;
    const double down = value(x);
    x.span()[k] = keep;
    INFO("element " << k);
    REQUIRE_THAT(dx.span()[k], WithinAbs((up - down) / (2 * double(h)), tolerance));
  }
}
}  // namespace

TEST_CASE("losses: every kind's gradient, dL/dy and dL/d(membrane), against central differences") {
  const std::size_t T = 6, B = 3, O = 4;
  for (const auto* kind : loss_kinds()) {
    INFO(kind->name);
    const auto l = make(std::string(kind->example));
    CHECK(l->name() == kind->name);
    l->check_steps(T);
    targets t;
    if (const auto layout = l->target_layout_for(T, O)) {
      t.shape = layout->shape;
      std::mt19937 gen(5);
      for (std::size_t k = 0; k < B * t.per_sample(); ++k)
        t.values.push_back(layout->labels ? float(gen() % O) : float(std::uniform_real_distribution<>(-1, 1)(gen)));
      l->check_targets(t, O, "test");
    }
    const auto y = random_sequence(T, B, O, 1, -2, 2);
    const auto membrane = random_sequence(T, B, O, 2);
    const std::vector<float> threshold{1.0f, 0.5f, 2.0f, 1.5f};
    auto value = [&](const sequence& yy, const sequence& mm) {
      loss_gradient g;
      return l->evaluate({yy, l->reads_membrane() ? &mm : nullptr, threshold}, t, g).value;
    };
    loss_gradient g;
    l->evaluate({y, l->reads_membrane() ? &membrane : nullptr, threshold}, t, g);
    REQUIRE(g.dy.size() == y.size());
    check_gradient(y, g.dy, [&](const sequence& v) { return value(v, membrane); });
    if (l->reads_membrane()) check_gradient(membrane, g.dmembrane, [&](const sequence& v) { return value(y, v); });
  }
}

TEST_CASE("losses: mse is the mean over all elements, as torch's mse_loss") {
  const auto y = random_sequence(4, 2, 3, 1);
  targets t{{4, 3}, {}};  // [B][T][O]
  std::mt19937 gen(2);
  for (int k = 0; k < 24; ++k) t.values.push_back(std::uniform_real_distribution<float>(-1, 1)(gen));
  loss_gradient g;
  const double l = make(R"({"type": "mse"})")->evaluate({y}, t, g).value;
  double expect = 0;
  for (std::size_t s = 0; s < 4; ++s)
    for (std::size_t b = 0; b < 2; ++b)
      for (std::size_t o = 0; o < 3; ++o)
        expect += std::pow(double(y.row(s, b)(Eigen::Index(o))) - t.values[(b * 4 + s) * 3 + o], 2) / 24.0;
  CHECK_THAT(l, WithinRel(expect, 1e-6));
}

TEST_CASE("losses: cross entropy over max, mean and last readout values") {
  // by hand for one entry: logits = last values
  sequence one(1, 1, 2);
  one.values << 1.0f, 3.0f;
  const targets label{{}, {0.0f}};
  for (const char* r : {"max", "mean", "last"}) {
    loss_gradient g;
    const auto report = make(fmt::format(R"({{"type": "cross_entropy", "reduction": "{}"}})", r))->evaluate({one}, label, g);
    CHECK(report.has_accuracy);
    CHECK(report.correct == 0);
    CHECK_THAT(report.value, WithinRel(std::log(1 + std::exp(2.0)), 1e-6));
  }
  CHECK_THROWS_WITH(make(R"({"type": "cross_entropy", "reduction": "median"})"), Catch::Contains("reduction"));
  const auto l = make(R"({"type": "cross_entropy"})");
  CHECK_THROWS_WITH(l->check_targets({{}, {0.0f, 2.0f}}, 2, "y.npy"), Catch::Contains("label 2"));
  CHECK_THROWS_WITH(l->check_targets({{}, {0.5f}}, 2, "y.npy"), Catch::Contains("label 0.5"));
}

TEST_CASE("losses: spike count is the absolute count error with sign gradients") {
  sequence z(4, 1, 2);
  z.values << 1, 0, 1, 1, 0, 0, 1, 0;  // counts 3 and 1
  loss_gradient g;
  CHECK(make(R"({"type": "spike_count", "target": 2})")->evaluate({z}, {}, g).value == 2.0);
  CHECK(g.dy.values(0, 0) == 1.0f);
  CHECK(g.dy.values(0, 1) == -1.0f);
  // targets from a file instead: [samples, outputs]
  const auto per_output = make(R"({"type": "spike_count"})");
  REQUIRE(per_output->target_layout_for(4, 2));
  CHECK(per_output->evaluate({z}, {{2}, {3.0f, 0.0f}}, g).value == 1.0);
}

TEST_CASE("losses: spike times pull the membrane to 1.1 times the threshold at the chosen steps") {
  sequence z(3, 1, 1), v(3, 1, 1);
  z.values << 0, 1, 1;  // two spikes, one target: count error 1
  v.values << 0.5f, 2.0f, 0.0f;
  const float threshold[1] = {1.0f};
  loss_gradient g;
  const auto l = make(R"({"type": "spike_times", "times": [0]})");
  CHECK(l->reads_membrane());
  CHECK_THAT(l->evaluate({z, &v, threshold}, {}, g).value, WithinRel(1.0 + 0.05 * 0.36, 1e-6));
  CHECK_THAT(g.dmembrane.values(0, 0), WithinRel(0.1f * (0.5f - 1.1f), 1e-6f));
  CHECK(g.dmembrane.values(1, 0) == 0.0f);
  CHECK_THROWS_WITH(l->check_steps(0), Catch::Contains("step 0"));
}

TEST_CASE("losses: unknown kinds and keys, and simulate's short forms") {
  CHECK_THROWS_WITH(make(R"({"type": "hinge"})"), Catch::Contains("unknown loss 'hinge'") && Catch::Contains("mse"));
  CHECK_THROWS_WITH(make(R"({"type": "mse", "target": 3})"), Catch::Contains("unknown key 'target'"));
  CHECK(parse_loss_shorthand("spike-count=6")->name() == "spike_count");
  CHECK(parse_loss_shorthand("spike_times=1,5")->name() == "spike_times");
  CHECK_THROWS_WITH(parse_loss_shorthand("mse=1"), Catch::Contains("targets from a file"));
  CHECK_THROWS_WITH(parse_loss_shorthand("spike-count=x"), Catch::Contains("must be a number"));
  CHECK_THROWS_WITH(parse_loss_shorthand("spike-rate=3"), Catch::Contains("unknown --loss"));
}

TEST_CASE("losses: huber is quadratic within delta and linear beyond, mean over all elements") {
  sequence y(3, 1, 1);
  y.values << 0.2f, 3.0f, -1.7f;
  const targets t{{3, 1}, {0.0f, 0.0f, 0.5f}};  // d = 0.2, 3, -2.2
  loss_gradient g;
  const double l = make(R"({"type": "huber", "delta": 1.0})")->evaluate({y}, t, g).value;
  CHECK_THAT(l, WithinRel((0.5 * 0.04 + (3.0 - 0.5) + (2.2 - 0.5)) / 3.0, 1e-6));
  CHECK_THAT(g.dy.values(0, 0), WithinRel(0.2f / 3.0f, 1e-5f));
  CHECK_THAT(g.dy.values(1, 0), WithinRel(1.0f / 3.0f, 1e-6f));
  CHECK_THAT(g.dy.values(2, 0), WithinRel(-1.0f / 3.0f, 1e-6f));
}

TEST_CASE("losses: cross entropy summed over steps, ce_rate and mse_count as snnTorch computes them") {
  // two steps, one batch entry, two outputs; label 1
  sequence y(2, 1, 2);
  y.values << 1, 0,  //
      0, 1;
  const targets label{{}, {1.0f}};
  loss_gradient g;
  const double ce_wrong = std::log(1 + std::exp(1.0)), ce_right = std::log(1 + std::exp(-1.0));
  // sum: CE(step 0) + CE(step 1); the summed readout ties, the first maximum wins (torch.argmax)
  auto r = make(R"({"type": "cross_entropy", "reduction": "sum"})")->evaluate({y}, label, g);
  CHECK_THAT(r.value, WithinRel(ce_wrong + ce_right, 1e-6));
  REQUIRE(r.predicted.size() == 1);
  CHECK(r.predicted[0] == 0);
  // ce_rate: the mean over steps of the same
  r = make(R"({"type": "ce_rate"})")->evaluate({y}, label, g);
  CHECK_THAT(r.value, WithinRel((ce_wrong + ce_right) / 2, 1e-6));
  CHECK_THAT(double(g.dy.row(0, 0)(1)), WithinRel((1 / (1 + std::exp(1.0)) - 1) / 2, 1e-5));
  // mse_count: counts (1, 1) against targets (int(2 · 0.2), int(2 · 0.8)) = (0, 1): mean of (1, 0) squared, over T
  r = make(R"({"type": "mse_count", "correct_rate": 0.8, "incorrect_rate": 0.2})")->evaluate({y}, label, g);
  CHECK_THAT(r.value, WithinRel(0.5 / 2, 1e-6));
  CHECK_THAT(double(g.dy.row(1, 0)(0)), WithinRel(2 * 1.0 / 2 / 2, 1e-6));
  CHECK(g.dy.row(1, 0)(1) == 0.0f);
  CHECK_THROWS_WITH(make(R"({"type": "mse_count", "correct_rate": 0.2, "incorrect_rate": 0.8})"), Catch::Contains("incorrect_rate"));
}
