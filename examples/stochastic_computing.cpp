// Reference tutorial 004 (Norse's stochastic-computing workshop): a recurrent population of
// refractory lif neurons driven by Poisson noise is trained so that the joint refractory
// states of three of its neurons sample a target distribution over {0,1}³; the loss is the
// KL divergence between the target and the sampled distribution (≈ 0.02–0.04 after 40
// epochs in the workshop).
//
//   norn-stochastic-computing [--out DIR] [--seed S] [--epochs E]
//
// N = 32 neurons, H = 256 Poisson inputs (rate 0.3 · 100 Hz), batch B = 32, T = 1,000 steps,
// rho_reset = 10, v_leak = 1, initial v = 0.9, SuperSpike α = 100, Adam (lr 1e-3). Writes
// DIR/{sampling,distribution,kl}.png and DIR/summary.json.

#include <codegen/dual.hpp>
#include <dsl/surrogates.hpp>
#include <runtime/core/random.hpp>
#include <runtime/core/registry.hpp>
#include <runtime/io/plot.hpp>
#include <runtime/train/config.hpp>
#include <runtime/train/layers/linear.hpp>
#include <runtime/train/layers/population.hpp>
#include <runtime/train/optimizers.hpp>

#include <example_args.hpp>
#include <three_point.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace norn;
using examples::three_point_distribution;
using examples::three_point_kl;

namespace {

constexpr std::size_t N = 32, H = 256, B = 32, T = 1000;

/// Input weights [N, H] ~ N(0, 2/N) and a recurrent lif_refrac population, as the
/// workshop's LIFRefracRecurrentCell.
network make_network(std::uint64_t seed) {
  network net;
  net.add(std::make_unique<linear_layer<float>>(H, N, false, seed, std::sqrt(2.0 / N)));
  population_options o;
  o.model = &find_model(builtin_models(), "lif_refrac");
  o.neurons = N;
  o.set = {{"v_leak", 1.0}, {"rho_reset", 10.0}};
  o.initial = {{"v", 0.9}};
  o.recurrent = true;
  o.gradient.detach_reset = true;  // Norse's recurrent steps detach the reset
  o.seed = seed + 1;
  net.add(make_population_layer(o));
  net.at(1).record_states({"rho", "v"});
  return net;
}

/// Poisson noise [T·B, H]: spikes where uniform < dt · f_max · 0.3.
sequence noise(std::uint64_t seed) {
  sequence x(T, B, H);
  const std::vector<float> rates(B * H, 0.3f);
  const auto spikes = poisson_encode(rates, T, 100.0, 0.001, seed);
  std::copy(spikes.begin(), spikes.end(), x.values.data());
  return x;
}

/// r = H(rho): refractory or not, per neuron and step.
sequence refractory(const sequence& rho) {
  sequence r = rho;
  r.values = (rho.values.array() > 0.0f).cast<float>();
  return r;
}

}  // namespace

int main(int argc, char** argv) try {
  const auto args = examples::args::parse(argc, argv, "results/stochastic_computing", "Reference tutorial 004: stochastic computing with refractory neurons");
  const std::string out = args.out;
  const std::uint64_t seed = args.seed;
  const std::size_t epochs = args.epochs.value_or(40);
  const std::filesystem::path dir = out;
  std::filesystem::create_directories(dir);
  const std::array<std::size_t, 3> units{0, 1, 2};

  // the target: what three neurons of another random network sample, batch entry 0
  std::vector<double> target(8);
  {
    network teacher = make_network(seed + 1000);
    teacher.forward(noise(seed + 2000), false);
    const matrix p = three_point_distribution(refractory(*teacher.at(1).recorded("rho")), units);
    for (int k = 0; k < 8; ++k) target[std::size_t(k)] = p(0, k);
  }

  network net = make_network(seed);
  optimizer_options oo;  // Adam, PyTorch's defaults
  optimizer opt(oo);
  using superspike = std::remove_cvref_t<decltype(dsl::surrogates::superspike)>;
  std::vector<double> losses;
  matrix sampled;
  sequence last_rho, last_v;
  for (std::size_t e = 0; e < epochs; ++e) {
    net.zero_grad();
    const sequence input = noise(seed * 7919 + e);  // kept alive: backward reads it
    const sequence& z = net.forward(input, true);
    const sequence& rho = *net.at(1).recorded("rho");
    sequence dr;
    const double kl = three_point_kl(refractory(rho), units, target, dr);
    // r = H(rho) passes gradient through the SuperSpike surrogate, as the workshop's superspike_fn
    sequence drho = dr;
    for (std::size_t k = 0; k < drho.size(); ++k) {
      const double g = codegen::eval<double>(superspike::derivative{}, codegen::surrogate_point<double>{rho.span()[k], 100.0});
      drho.span()[k] = float(dr.span()[k] * g);
    }
    net.at(1).add_state_gradient("rho", drho);
    sequence dz(z.steps, z.batch, z.features());
    net.backward(dz);
    auto params = net.parameters();
    opt.step(params);
    losses.push_back(kl);
    fmt::print("epoch {:2}/{} KL {:.4f}\n", e + 1, epochs, kl);
    if (e + 1 == epochs) {
      sampled = three_point_distribution(refractory(rho), units);
      last_rho = rho;
      last_v = *net.at(1).recorded("v");
    }
  }

  // pictures: (A) three neurons' voltage with refractory periods, (B) sampled vs target, (C) KL
  std::vector<plot::series> traces;
  for (std::size_t u = 0; u < 3; ++u) {
    plot::series v{fmt::format("v_{}", u + 1), {}, {}}, r{"", {}, {}};
    for (std::size_t t = 200; t < 400; ++t) {
      v.x.push_back(double(t));
      v.y.push_back(last_v.row(t, 0)(Eigen::Index(u)) + 1.2 * double(u));
      r.x.push_back(double(t));
      r.y.push_back((last_rho.row(t, 0)(Eigen::Index(u)) > 0 ? 1.0 : 0.0) + 1.2 * double(u));
    }
    v.colour = r.colour = int(u);
    traces.push_back(v);
    traces.push_back(r);
  }
  plot::lines(dir / "sampling.png", traces, {"A: voltage of three neurons, refractory state as a step (offset 1.2 each)", "T [ms]", "neuron"});
  plot::series ps{"p_s (sampled, batch mean)", {}, {}}, pt{"p_t (target)", {}, {}};
  for (int k = 0; k < 8; ++k) {
    ps.y.push_back(sampled.col(k).mean());
    pt.y.push_back(target[std::size_t(k)]);
  }
  plot::bars(dir / "distribution.png", {"000", "001", "010", "011", "100", "101", "110", "111"}, {ps, pt},
             {"B: sampled and target distribution of (z1, z2, z3)", "z", "p(z)"});
  plot::series kl{"KL(p_t || p_s)", {}, {}};
  for (std::size_t k = 0; k < losses.size(); ++k) kl.x.push_back(double(k + 1)), kl.y.push_back(losses[k]);
  plot::options ko{"C: Kullback-Leibler divergence", "Epoch", "KL"};
  ko.log_y = true;
  plot::lines(dir / "kl.png", {kl}, ko);
  nlohmann::json summary{{"kl", losses}, {"final_kl", losses.empty() ? 0.0 : losses.back()}, {"target", target}};
  std::ofstream(dir / "summary.json") << summary.dump(1) << "\n";
  fmt::print("final KL {:.4f}; wrote {}/{{sampling,distribution,kl}}.png\n", losses.empty() ? 0.0 : losses.back(), out);
  return 0;
} catch (const bad_input& e) {
  fmt::print(stderr, "{}\n", e.what());
  return 2;
} catch (const std::exception& e) {
  fmt::print(stderr, "norn-stochastic-computing: internal error: {}\n", e.what());
  return 1;
}
