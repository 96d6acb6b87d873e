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

TEST_CASE("population layers: per-neuron parameters and an untrained scale are read and kept, not trained") {
  const auto c = parse_config(nlohmann::json::parse(R"({"seed": 1, "layers": [
      {"type": "linear", "in": 6, "out": 5},
      {"type": "scale", "train": false},
      {"type": "nir_lif", "params": {"r": 20}, "per_neuron": ["tau", "v_threshold"], "train": ["r"]},
      {"type": "linear", "out": 2}, {"type": "nir_li"}],
      "loss": {"type": "cross_entropy", "reduction": "max"}, "optimizer": {"type": "sgd", "lr": 0.5}})"),
                              "test", builtin_models());
  network net = build_network(c);
  std::vector<std::string> names;
  for (const auto& p : net.parameters()) names.push_back(p.name + (p.trained ? "" : " (fixed)"));
  CHECK(names == std::vector<std::string>{"0.weight", "0.bias", "1.scale (fixed)", "2.r", "2.tau (fixed)",
                                          "2.v_threshold (fixed)", "3.weight", "3.bias"});
  // per-neuron values set through the parameter views reach the neurons
  auto params = net.parameters();
  const std::vector<float> tau{0.01f, 0.02f, 0.005f, 0.01f, 0.03f};
  std::copy(tau.begin(), tau.end(), params[4].value.begin());
  for (float& s : params[2].value) s = 2.0f;
  CHECK(net.at(2).neuron_parameter(*net.at(2).model()->parameter_index("tau")) == tau);
  batch b;
  b.x = sequence(20, 3, 6);
  fill_bernoulli(b.x.span(), 0.4, 1.0, 5);
  b.targets = {{}, {0.0f, 1.0f, 0.0f}};
  net.zero_grad();
  REQUIRE(std::isfinite(forward_backward(net, *c.loss_function, b).value));
  optimizer opt(c.optimizer);
  const std::vector<float> r_before(params[3].value.begin(), params[3].value.end());
  opt.step(params);
  CHECK(std::vector<float>(params[4].value.begin(), params[4].value.end()) == tau);  // fixed
  for (float s : params[2].value) CHECK(s == 2.0f);
  CHECK(std::vector<float>(params[3].value.begin(), params[3].value.end()) != r_before);  // trained
}

TEST_CASE("population layers: a parameter is trained or held per neuron, not both") {
  for (const auto& [layer, message] :
       {std::pair{R"({"type": "nir_lif", "per_neuron": ["tau"], "train": ["tau"]})", "trained or held per neuron"},
        std::pair{R"({"type": "nir_lif", "per_neuron": ["tau_mem"]})", "has no parameter 'tau_mem'"},
        std::pair{R"({"type": "nir_lif", "per_neuron": "tau"})", "expected a list"}}) {
    INFO(layer);
    try {
      parse_config(nlohmann::json::parse(fmt::format(R"({{"layers": [{{"type": "linear", "in": 2, "out": 3}}, {}]}})", layer)),
                   "test", builtin_models());
      FAIL("accepted");
    } catch (const bad_input& e) {
      CHECK_THAT(e.what(), Catch::Matchers::Contains(message));
    }
  }
}

TEST_CASE("population layers: a recurrent bias acts as a constant input, forward and backward") {
  // u_t = x_t + W z_{t−1} + b: the same as input x_t + b without the bias, and dL/db = Σ_t,b dL/dx
  auto build = [](bool bias) {
    const auto c = parse_config(nlohmann::json::parse(fmt::format(
                                    R"({{"seed": 2, "layers": [{{"type": "nir_lif", "neurons": 6, "params": {{"r": 8}},
                                        "recurrent": true, "recurrent_bias": {}}}]}})",
                                    bias)),
                                "test", builtin_models());
    return build_network(c);
  };
  network with = build(true), without = build(false);
  auto p = with.parameters(), q = without.parameters();
  REQUIRE(p[0].name == "0.recurrent_weight");
  REQUIRE(p[1].name == "0.recurrent_bias");
  std::copy(q[0].value.begin(), q[0].value.end(), p[0].value.begin());
  const std::vector<float> b{0.3f, -0.2f, 0.5f, 0.0f, 0.1f, -0.4f};
  std::copy(b.begin(), b.end(), p[1].value.begin());
  sequence x(30, 2, 6), shifted;
  fill_bernoulli(x.span(), 0.3, 0.8, 9);
  shifted = x;
  for (Eigen::Index r = 0; r < shifted.values.rows(); ++r)
    for (Eigen::Index n = 0; n < 6; ++n) shifted.values(r, n) += b[std::size_t(n)];
  sequence y1, y2, dy(30, 2, 6), dx1, dx2;
  with.at(0).forward(x, y1, true);
  without.at(0).forward(shifted, y2, true);
  CHECK(y1.values == y2.values);
  CHECK(y1.values.sum() > 0);  // spikes
  fill_bernoulli(dy.span(), 0.5, 1.0, 10);
  with.zero_grad();
  without.zero_grad();
  with.at(0).backward(dy, &dx1);
  without.at(0).backward(dy, &dx2);
  // u is summed in another order (x + W z + b against (x + b) + W z): equal to rounding
  CHECK((dx1.values - dx2.values).cwiseAbs().maxCoeff() <= 1e-5f * dx2.values.cwiseAbs().maxCoeff());
  for (std::size_t n = 0; n < 6; ++n)
    CHECK(p[1].grad[n] == Approx(dx1.values.col(Eigen::Index(n)).sum()).epsilon(1e-5));
}
