// Every layer kind of layers/list.cpp, from its example configuration: shapes, and its
// parameter and input gradients against central differences.
#include <catch2/catch.hpp>

#include <runtime/core/registry.hpp>
#include <runtime/train/layer_kind.hpp>

#include <random>

using namespace norn;

namespace {
/// L = Σ w ⊙ y for fixed random w: its gradient dL/dy is w.
double weighted(const sequence& y, const sequence& w) { return double((y.values.array() * w.values.array()).sum()); }
}  // namespace

TEST_CASE("layer kinds: every kind builds from its example and its gradients match central differences") {
  const std::size_t T = 5, B = 2;
  for (const auto* kind : layer_kinds()) {
    INFO(kind->name);
    const layer_context context{builtin_models(), 0.001, kind->example_input};
    std::size_t F = 1;
    for (auto d : kind->example_input) F *= d;
    const auto j = nlohmann::json::parse(kind->example);
    const layer_plan plan = kind->parse(j, {"test", "layer"}, context);
    REQUIRE(plan.in_features() == F);
    auto l = plan.build(3);
    l->set_noise(11);  // training noise (dropout), the same mask for every forward below
    CHECK(l->in_features() == F);
    CHECK(l->out_features() == plan.out_features());
    std::mt19937 gen(1);
    std::uniform_real_distribution<float> u(-1, 1);
    sequence x(T, B, F), w(T, B, plan.out_features()), y, dx;
    for (float& v : x.span()) v = u(gen);
    for (float& v : w.span()) v = u(gen);
    l->zero_grad();
    l->forward(x, y, true);
    REQUIRE(y.steps == T);
    REQUIRE(y.features() == plan.out_features());
    l->backward(w, &dx);
    auto loss_at = [&](const sequence& input) {
      sequence out;
      l->forward(input, out, false);
      return weighted(out, w);
    };
    const double h = 1e-2;
    for (std::size_t k = 0; k < x.size(); ++k) {
      sequence up = x, down = x;
      up.span()[k] += float(h);
      down.span()[k] -= float(h);
      INFO("input " << k);
      CHECK_THAT(dx.span()[k], Catch::Matchers::WithinAbs((loss_at(up) - loss_at(down)) / (2 * h), 2e-3));
    }
    auto params = l->parameters();
    for (auto& p : params)
      for (std::size_t k = 0; k < p.value.size(); k += 3) {
        const float keep = p.value[k];
        const double step = h * std::max(1.0, std::abs(double(keep)));
        p.value[k] = float(keep + step);
        const double up = loss_at(x);
        p.value[k] = float(keep - step);
        const double down = loss_at(x);
        p.value[k] = keep;
        INFO("parameter " << p.name << "[" << k << "]");
        CHECK_THAT(p.grad[k], Catch::Matchers::WithinRel((up - down) / (2 * step), 2e-2) ||
                                  Catch::Matchers::WithinAbs((up - down) / (2 * step), 2e-3));
      }
  }
}

TEST_CASE("layer kinds: unknown types and keys name the choices") {
  for (const auto* kind : layer_kinds()) {
    INFO(kind->name);
    const layer_context context{builtin_models(), 0.001, kind->example_input};
    auto j = nlohmann::json::parse(kind->example);
    j["no_such_key"] = 1;
    CHECK_THROWS_WITH(kind->parse(j, {"net.json", "layers[0]"}, context),
                      Catch::Contains("net.json: layers[0]: unknown key 'no_such_key'"));
  }
}
