// Population layers: gradients with and without checkpoints, feed-forward and recurrent.
#include <catch2/catch.hpp>

#include <runtime/core/random.hpp>
#include <runtime/train/config.hpp>
#include <runtime/train/trainer.hpp>

#include <fmt/format.h>

using namespace norn;

namespace {
/// The gradients of every parameter and of the input after one backward of a network with
/// population states kept every `interval` steps.
std::vector<std::vector<float>> gradients(const std::string& population, std::size_t interval) {
  const auto c = parse_config(nlohmann::json::parse(fmt::format(R"({{"seed": 3, "layers": [
      {{"type": "linear", "in": 12, "out": 40}},
      {{"type": "lif_refrac", {}"checkpoint_every": {}, "train": ["tau_mem_inv"]}},
      {{"type": "linear", "out": 3}}, {{"type": "li"}}],
      "loss": {{"type": "cross_entropy", "reduction": "max"}}}})",
                                                            population, interval)),
                              "test", builtin_models());
  network net = build_network(c);
  batch b;
  b.x = sequence(90, 4, 12);
  fill_bernoulli(b.x.span(), 0.3, 3.0, 7);
  b.targets = {{}, {0.0f, 1.0f, 2.0f, 1.0f}};
  net.zero_grad();
  const auto report = forward_backward(net, *c.loss_function, b);
  REQUIRE(std::isfinite(report.value));
  std::vector<std::vector<float>> out;
  for (const auto& p : net.parameters()) out.emplace_back(p.grad.begin(), p.grad.end());
  return out;
}
}  // namespace

TEST_CASE("population layers: checkpoints give bit-identical gradients, feed-forward and recurrent") {
  for (const std::string kind : {"", R"("recurrent": true, )"}) {
    INFO(kind);
    const auto every = gradients(kind, 1);
    for (std::size_t interval : {7u, 32u, 200u}) CHECK(gradients(kind, interval) == every);
    double total = 0;
    for (const auto& g : every)
      for (float v : g) total += std::abs(v);
    CHECK(total > 0);
  }
}
