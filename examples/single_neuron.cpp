// Reference tutorial 000 (Norse's single-neuron experiments): one lif neuron driven by
// fixed Poisson spike trains through trainable weights learns (1) to fire a target number
// of spikes and (2) to fire at target times, by gradient descent on the generated adjoint;
// the adjoint traces λ_v and λ_i are plotted as the tutorial does.
//
//   norn-single-neuron [--out DIR] [--seed S] [--epochs E]
//
// Writes DIR/count_{adjoint,voltage,loss}.png, DIR/times_{voltage,adjoint}.png and
// DIR/summary.json.

#include <models/lif.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/core/builtin_kernels.hpp>
#include <runtime/core/population.hpp>
#include <runtime/core/random.hpp>
#include <runtime/io/plot.hpp>
#include <runtime/train/loss.hpp>

#include <example_args.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace norn;

namespace {

constexpr std::size_t T = 1000;

/// One neuron fed by K Poisson inputs through weights w: the tutorial's `Neurons` module
/// (Norse's lif_step, whose reset is detached, with SuperSpike alpha = 100).
struct single_neuron {
  std::size_t K;
  std::vector<float> spikes;  // [T][K], fixed
  std::vector<float> w;       // [K]
  population<models::lif> neuron{1};
  std::vector<float> x, z, v, i, lambda_v, lambda_i, grad_x;
  tape<float> kept;

  single_neuron(std::size_t inputs, std::uint64_t seed) : K(inputs), spikes(bernoulli_spikes(T, inputs, 0.04, 1.0, seed)) {
    for (std::size_t k = 0; k < K; ++k) w.push_back(float(normal01(seed + 1, k) * std::sqrt(2.0)));
    neuron.gradient_rule().detach_reset = true;
    x.resize(T), z.resize(T), v.resize(T), i.resize(T), lambda_v.resize(T), lambda_i.resize(T), grad_x.resize(T);
  }
  void forward() {
    for (std::size_t t = 0; t < T; ++t) {
      x[t] = 0;
      for (std::size_t k = 0; k < K; ++k) x[t] += w[k] * spikes[t * K + k];
    }
    neuron.reset();
    kept.start(1);
    neuron.forward(T, x, z, kept, {std::span<float>(v), std::span<float>(i)});
  }
  /// Backward of dL/dz (and dL/dv), then one SGD step on w with learning rate lr.
  void backward_and_step(const std::vector<float>& grad_z, const std::vector<float>& grad_v, float lr) {
    auto io = neuron.gradients();
    io.grad_out = grad_z;
    if (!grad_v.empty()) io.grad_state[0] = grad_v;
    io.grad_x = grad_x;
    io.record_lambda = {std::span<float>(lambda_v), std::span<float>(lambda_i)};
    neuron.backward(kept, x, io);
    for (std::size_t k = 0; k < K; ++k) {
      double g = 0;
      for (std::size_t t = 0; t < T; ++t) g += double(grad_x[t]) * spikes[t * K + k];
      w[k] -= lr * float(g);
    }
  }
  std::size_t count() const {
    std::size_t n = 0;
    for (float s : z) n += s != 0;
    return n;
  }
};

/// A loss of `norn train` and `norn simulate --loss` on the neuron's last forward: L, with
/// dL/dz into grad_z and, for losses that read the membrane, dL/dv into grad_v.
double evaluate(const loss& l, const single_neuron& n, std::vector<float>& grad_z, std::vector<float>& grad_v) {
  sequence z(T, 1, 1), v(T, 1, 1);
  std::copy(n.z.begin(), n.z.end(), z.values.data());
  std::copy(n.v.begin(), n.v.end(), v.values.data());
  const float threshold[1] = {1.0f};
  loss_gradient g;
  const double value = l.evaluate({z, l.reads_membrane() ? &v : nullptr, threshold}, {}, g).value;
  std::copy_n(g.dy.values.data(), T, grad_z.begin());
  if (l.reads_membrane()) std::copy_n(g.dmembrane.values.data(), T, grad_v.begin());
  return value;
}

plot::series trace(const std::string& label, const std::vector<float>& values) {
  plot::series s{label, {}, {}};
  for (std::size_t t = 0; t < values.size(); ++t) s.x.push_back(double(t)), s.y.push_back(values[t]);
  return s;
}

}  // namespace

int main(int argc, char** argv) try {
  const auto args = examples::args::parse(argc, argv, "results/single_neuron", "Reference tutorial 000: a single neuron learns a spike count and spike times");
  const std::string out = args.out;
  const std::uint64_t seed = args.seed;
  const std::size_t epochs = args.epochs.value_or(100);
  const std::filesystem::path dir = out;
  std::filesystem::create_directories(dir);
  nlohmann::json summary;

  // (1) a target number of spikes: L = |count − 6|, SGD with lr 0.1, stop at L = 0
  {
    single_neuron n(20, seed);
    const auto objective = parse_loss_shorthand("spike_count=6");
    std::vector<float> grad_z(T), none, before_v, before_i;
    std::vector<double> losses;
    for (std::size_t e = 0; e < epochs; ++e) {
      n.forward();
      const double l = evaluate(*objective, n, grad_z, none);
      losses.push_back(l);
      if (l == 0) break;
      n.backward_and_step(grad_z, {}, 0.1f);
      before_v = n.lambda_v, before_i = n.lambda_i;  // the traces of the last step taken
    }
    fmt::print("target spike count 6: {} spikes after {} gradient steps (loss {})\n", n.count(), losses.size() - 1, losses.back());
    summary["spike_count"] = {{"target", 6}, {"spikes", n.count()}, {"steps", losses.size() - 1}, {"losses", losses}};
    if (!before_v.empty())
      plot::lines(dir / "count_adjoint.png", {trace("lambda_v", before_v), trace("lambda_i", before_i)},
                  {"target spike count: adjoint traces of the last gradient step", "Time [ms]", "adjoint"});
    plot::options vo{"target spike count: membrane voltage after training", "Time [ms]", "v"};
    vo.hline = 1.0;
    plot::lines(dir / "count_voltage.png", {trace("v", n.v)}, vo);
    plot::series l{"|count − 6|", {}, {}};
    for (std::size_t k = 0; k < losses.size(); ++k) l.x.push_back(double(k)), l.y.push_back(losses[k]);
    plot::lines(dir / "count_loss.png", {l}, {"target spike count: loss", "gradient step", "loss"});
  }

  // (2) target spike times 100, 300, 500, 700: voltage pulled to 1.1 at those steps plus
  // the spike-count error, 50 inputs
  {
    const std::vector<std::size_t> targets{100, 300, 500, 700};
    const auto objective = parse_loss_shorthand("spike_times=100,300,500,700");
    single_neuron n(50, seed + 7);
    std::vector<float> grad_z(T), grad_v(T);
    std::vector<double> losses;
    for (std::size_t e = 0; e < epochs; ++e) {
      n.forward();
      const double l = evaluate(*objective, n, grad_z, grad_v);
      losses.push_back(l);
      if (l == 0) break;
      n.backward_and_step(grad_z, grad_v, 0.1f);
    }
    std::vector<double> times;
    for (std::size_t t = 0; t < T; ++t)
      if (n.z[t] != 0) times.push_back(double(t));
    fmt::print("target spike times 100 300 500 700: spikes at {} after {} steps (loss {:.4f})\n", fmt::join(times, " "),
               losses.size(), losses.back());
    summary["spike_times"] = {{"targets", targets}, {"spikes", times}, {"losses", losses}};
    plot::options vo{"target spike times (dashed): membrane voltage after training", "Time [ms]", "v"};
    vo.hline = 1.0;
    for (auto t : targets) vo.vlines.push_back(double(t));
    plot::lines(dir / "times_voltage.png", {trace("v", n.v)}, vo);
    plot::lines(dir / "times_adjoint.png", {trace("lambda_v", n.lambda_v)},
                {"target spike times: adjoint of v in the last gradient step", "Time [ms]", "adjoint"});
  }
  std::ofstream(dir / "summary.json") << summary.dump(1) << "\n";
  fmt::print("wrote {}/count_adjoint.png and the other pictures\n", out);
  return 0;
} catch (const bad_input& e) {
  fmt::print(stderr, "{}\n", e.what());
  return 2;
} catch (const std::exception& e) {
  fmt::print(stderr, "norn-single-neuron: internal error: {}\n", e.what());
  return 1;
}
