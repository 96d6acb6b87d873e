// Reference tutorial 001 (Norse's parameter-learning workshop): a 100 → 200 → 100 lif network
// learns to make every fifth output neuron fire, once with fixed neuron parameters and once
// training each neuron's tau_mem_inv; both loss curves go on one plot.
//
//   norn-odd-firing [--out DIR] [--seed S]
//
// Writes DIR/data/{x,y}.npy (the configurations in examples/odd_firing/ read them, so
// `norn train examples/odd_firing/trained_tau.json --data DIR/data/x.npy --targets ...`
// runs the same training), DIR/losses.png, DIR/{fixed_tau,trained_tau}.csv and
// DIR/summary.json.

#include <runtime/train/config.hpp>
#include <runtime/io/npy.hpp>
#include <runtime/io/plot.hpp>
#include <runtime/train/trainer.hpp>

#include <example_args.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace norn;

int main(int argc, char** argv) try {
  const auto args = examples::args::parse(argc, argv, "results/odd_firing", "Reference tutorial 001: odd-firing network with and without trained tau_mem_inv");
  const std::string out = args.out;
  const std::uint64_t seed = args.seed;

  // data: 20 samples of 32 steps of constant input 1 on 100 features; targets: the pattern
  // 0 0 0 0 1 repeated over the 100 outputs at every step
  const std::size_t S = 20, T = 32, F = 100;
  std::vector<float> x(S * T * F, 1.0f), y(S * T * F);
  for (std::size_t k = 0; k < y.size(); ++k) y[k] = (k % F) % 5 == 4 ? 1.0f : 0.0f;
  const std::filesystem::path dir = out;
  std::filesystem::create_directories(dir / "data");
  const std::size_t shape[3] = {S, T, F};
  npy::write(dir / "data" / "x.npy", x, shape);
  npy::write(dir / "data" / "y.npy", y, shape);

  const std::filesystem::path here = std::filesystem::path(NORN_EXAMPLES_DIR) / "odd_firing";
  std::vector<plot::series> curves;
  nlohmann::json summary;
  for (const char* variant : {"fixed_tau", "trained_tau"}) {
    auto c = load_config(here / (std::string(variant) + ".json"), builtin_models());
    c.seed = seed;
    const auto data = load_dataset(dir / "data" / "x.npy", dir / "data" / "y.npy", c);
    network net = build_network(c);
    optimizer opt(c.optimizer);
    run_options r;
    r.progress = false;
    const auto history = train(net, opt, data, c, r);
    plot::series s{variant == std::string("fixed_tau") ? "without neuron parameter optimization"
                                                       : "with tau_mem_inv optimized per neuron", {}, {}};
    std::string csv = "step,loss\n";
    for (std::size_t k = 0; k < history[0].batch_losses.size(); ++k) {
      s.x.push_back(double(k));
      s.y.push_back(history[0].batch_losses[k]);
      csv += fmt::format("{},{:.9g}\n", k, history[0].batch_losses[k]);
    }
    std::ofstream(dir / (std::string(variant) + ".csv")) << csv;
    summary[variant] = {{"first_loss", s.y.front()}, {"last_loss", s.y.back()}, {"seconds", history[0].seconds}};
    fmt::print("{:12} loss {:.4f} → {:.4f} over {} steps ({:.3f} s)\n", variant, s.y.front(), s.y.back(), s.y.size(),
               history[0].seconds);
    curves.push_back(std::move(s));
  }
  plot::lines(dir / "losses.png", curves, {"odd-firing network: training loss (mse)", "training step", "loss"});
  std::ofstream(dir / "summary.json") << summary.dump(2) << "\n";
  fmt::print("wrote {}/losses.png\n", out);
  return 0;
} catch (const bad_input& e) {
  fmt::print(stderr, "{}\n", e.what());
  return 2;
} catch (const std::exception& e) {
  fmt::print(stderr, "norn-odd-firing: internal error: {}\n", e.what());
  return 1;
}
