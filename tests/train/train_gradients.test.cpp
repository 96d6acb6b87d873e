// `norn train --epochs 0 --dump-gradients` against an independent computation: the same
// network evaluated on dual numbers (forward mode) through the models' declared steps,
// with loops instead of GEMMs. Agreement to 1e-4 relative, per parameter and overall; a
// float64 run ("precision": "float64") to 1e-9, and its gradient files are float64.
#include <catch2/catch.hpp>

#include <cli_support.hpp>
#include <network_reference.hpp>
#include <runtime/core/random.hpp>
#include <runtime/io/npy.hpp>

#include <fmt/format.h>

#include <fstream>

#include <random>

using namespace norn;
using test::run_norn;

namespace {
constexpr std::size_t D = 8;
using V = test::dvalue<D>;

struct param_file {
  std::string name;
  std::vector<std::size_t> shape;
  std::vector<double> values;
};

std::size_t numel(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

/// Writes random initial parameters, returns them as dual parameters whose direction k
/// (k < count) is a random vector on parameter k alone, and direction D−1 on all of them.
std::map<std::string, test::dparam<D>> write_init(const std::filesystem::path& dir, std::vector<param_file> params,
                                                  std::mt19937& gen) {
  std::filesystem::create_directories(dir);
  std::normal_distribution<double> normal;
  std::map<std::string, test::dparam<D>> out;
  for (std::size_t k = 0; k < params.size(); ++k) {
    auto& p = params[k];
    std::vector<float> f(p.values.begin(), p.values.end());
    npy::write(dir / (p.name + ".npy"), f, p.shape);
    test::dparam<D> d;
    d.value.assign(f.begin(), f.end());  // exactly what norn reads
    d.tangent.resize(f.size());
    for (auto& t : d.tangent) {
      t[k] = normal(gen);
      t[D - 1] = normal(gen);
    }
    out[p.name] = d;
  }
  return out;
}

std::vector<double> random_values(std::size_t n, std::mt19937& gen, double mean, double spread) {
  std::normal_distribution<double> normal(mean, spread);
  std::vector<double> v(n);
  for (auto& x : v) x = normal(gen);
  return v;
}

/// Σ grad · tangent[k] over every parameter file in `grad_dir`.
std::array<double, D> projected(const std::filesystem::path& grad_dir, const std::map<std::string, test::dparam<D>>& params) {
  std::array<double, D> p{};
  for (const auto& [name, d] : params) {
    const auto g = npy::read(grad_dir / (name + ".npy"));
    REQUIRE(g.size() == d.value.size());
    for (std::size_t i = 0; i < g.size(); ++i)
      for (std::size_t k = 0; k < D; ++k) p[k] += g.values[i] * d.tangent[i][k];
  }
  return p;
}

void compare(const std::array<double, D>& norn, const V& loss, std::size_t directions, bool float64) {
  const double tolerance = float64 ? 1e-9 : 1e-4;
  for (std::size_t k : {std::size_t(D - 1)}) {
    INFO("all parameters along one random direction: norn " << norn[k] << ", dual numbers " << loss.d[k]);
    CHECK(std::abs(norn[k] - loss.d[k]) <= tolerance * std::max(std::abs(loss.d[k]), 1e-6));
  }
  for (std::size_t k = 0; k < directions; ++k) {
    INFO("parameter " << k << " along a random direction: norn " << norn[k] << ", dual numbers " << loss.d[k]);
    CHECK(std::abs(norn[k] - loss.d[k]) <= tolerance * std::max(std::abs(loss.d[k]), 1e-6));
  }
}

/// The configuration key of a float64 run.
std::string precision_key(bool float64) { return float64 ? R"("precision": "float64", )" : ""; }

/// The gradient files of a float64 run are float64, those of a float32 run float32.
void check_dtype(const std::filesystem::path& grad_dir, bool float64) {
  CHECK(npy::read(grad_dir / "0.weight.npy").dtype == (float64 ? "<f8" : "<f4"));
}

test::drows<D> rows_of(const std::vector<double>& x, std::size_t samples, std::size_t steps, std::size_t features) {
  // [S][T][F] as a batch of all samples: row t·S + s
  test::drows<D> r(steps * samples, std::vector<V>(features));
  for (std::size_t s = 0; s < samples; ++s)
    for (std::size_t t = 0; t < steps; ++t)
      for (std::size_t f = 0; f < features; ++f) r[t * samples + s][f] = V(double(float(x[(s * steps + t) * features + f])));
  return r;
}
}  // namespace

TEST_CASE("train gradients: feed-forward lif → li with mse, per-neuron and shared neuron parameters") {
  const bool float64 = GENERATE(false, true);
  const auto dir = test::scratch(float64 ? "train_grad_ff64" : "train_grad_ff");
  std::mt19937 gen(1);
  const std::size_t S = 3, T = 30, F = 6, H = 10, O = 4;
  const auto params = write_init(dir / "init",
                                 {{"0.weight", {H, F}, random_values(H * F, gen, 0.8, 1.0)},
                                  {"0.bias", {H}, random_values(H, gen, 0.5, 0.5)},
                                  {"1.tau_mem_inv", {H}, random_values(H, gen, 100, 10)},
                                  {"1.v_th", {1}, {0.6}},
                                  {"2.weight", {O, H}, random_values(O * H, gen, 0.0, 0.5)},
                                  {"3.tau_syn_inv", {O}, random_values(O, gen, 200, 20)}},
                                 gen);
  const auto x = random_values(S * T * F, gen, 1.0, 1.0), y = random_values(S * T * O, gen, 0.1, 0.1);
  std::vector<float> xf(x.begin(), x.end()), yf(y.begin(), y.end());
  const std::size_t xs[3] = {S, T, F}, ys[3] = {S, T, O};
  npy::write(dir / "x.npy", xf, xs);
  npy::write(dir / "y.npy", yf, ys);
  std::ofstream(dir / "net.json") << "{" << precision_key(float64) << R"("batch_size": 3, "shuffle": false,
    "layers": [{"type": "linear", "in": 6, "out": 10},
               {"type": "lif", "train": {"tau_mem_inv": "neuron", "v_th": "shared"}},
               {"type": "linear", "out": 4, "bias": false},
               {"type": "li", "train": ["tau_syn_inv"]}],
    "loss": {"type": "mse"}, "optimizer": {"type": "adam", "lr": 0.01}})";
  const auto r = run_norn(fmt::format("train {} --data {} --targets {} --init {} --epochs 0 --dump-gradients {}",
                                      (dir / "net.json").string(), (dir / "x.npy").string(), (dir / "y.npy").string(),
                                      (dir / "init").string(), (dir / "grads").string()));
  INFO(r.err);
  REQUIRE(r.code == 0);
  // the reference: every sample in one batch, rows t·S + s
  std::vector<double> target(S * T * O);
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t o = 0; o < O; ++o) target[(t * S + s) * O + o] = double(float(y[(s * T + t) * O + o]));
  auto h = test::linear_forward<D>(rows_of(x, S, T, F), params.at("0.weight"), &params.at("0.bias"), F, H);
  auto z = test::population_forward_by_name<D>("lif", h, T, S, H,
                                               {{"tau_mem_inv", params.at("1.tau_mem_inv")}, {"v_th", params.at("1.v_th")}},
                                               {}, nullptr, false);
  double spikes = 0;
  for (const auto& row : z)
    for (const auto& v : row) spikes += v.v;
  CHECK(spikes > 20);
  auto u = test::linear_forward<D>(z, params.at("2.weight"), nullptr, H, O);
  auto out = test::population_forward_by_name<D>("li", u, T, S, O, {{"tau_syn_inv", params.at("3.tau_syn_inv")}}, {}, nullptr, false);
  const V loss = test::mse(out, target);
  check_dtype(dir / "grads", float64);
  compare(projected(dir / "grads", params), loss, params.size(), float64);
}

TEST_CASE("train gradients: recurrent lif_refrac → li readout with cross entropy on the max over time") {
  const bool float64 = GENERATE(false, true);
  const auto dir = test::scratch(float64 ? "train_grad_rec64" : "train_grad_rec");
  std::mt19937 gen(2);
  const std::size_t S = 4, T = 40, F = 5, H = 8, O = 3;
  auto recurrent = random_values(H * H, gen, 0.0, 0.5);
  for (std::size_t n = 0; n < H; ++n) recurrent[n * H + n] = 0;  // no autapses
  const auto params = write_init(dir / "init",
                                 {{"0.weight", {H, F}, random_values(H * F, gen, 0.9, 1.0)},
                                  {"1.recurrent_weight", {H, H}, recurrent},
                                  {"1.tau_syn_inv", {H}, random_values(H, gen, 200, 20)},
                                  {"2.weight", {O, H}, random_values(O * H, gen, 0.0, 1.0)},
                                  {"2.bias", {O}, random_values(O, gen, 0.0, 0.1)}},
                                 gen);
  auto rec = params.at("1.recurrent_weight");
  for (std::size_t n = 0; n < H; ++n) rec.tangent[n * H + n] = {};  // the diagonal is not trained
  const auto x = random_values(S * T * F, gen, 1.0, 1.0);
  std::vector<float> xf(x.begin(), x.end());
  const std::vector<float> labels{0, 2, 1, 2};
  const std::size_t xs[3] = {S, T, F}, ls[1] = {S};
  npy::write(dir / "x.npy", xf, xs);
  npy::write(dir / "y.npy", labels, ls);
  std::ofstream(dir / "net.json") << "{" << precision_key(float64) << R"("batch_size": 4, "shuffle": false,
    "layers": [{"type": "linear", "in": 5, "out": 8, "bias": false},
               {"type": "lif_refrac", "recurrent": true, "params": {"rho_reset": 3}, "train": ["tau_syn_inv"]},
               {"type": "linear", "out": 3},
               {"type": "li"}],
    "loss": {"type": "cross_entropy", "reduction": "max"}, "optimizer": {"type": "sgd", "lr": 0.1, "momentum": 0.9}})";
  const auto r = run_norn(fmt::format("train {} --data {} --targets {} --init {} --epochs 0 --dump-gradients {}",
                                      (dir / "net.json").string(), (dir / "x.npy").string(), (dir / "y.npy").string(),
                                      (dir / "init").string(), (dir / "grads").string()));
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto h = test::linear_forward<D>(rows_of(x, S, T, F), params.at("0.weight"), nullptr, F, H);
  auto z = test::population_forward_by_name<D>("lif_refrac", h, T, S, H, {{"tau_syn_inv", params.at("1.tau_syn_inv")}},
                                               {{"rho_reset", 3.0}}, &rec, /*detach_reset=*/true);
  double spikes = 0;
  for (const auto& row : z)
    for (const auto& v : row) spikes += v.v;
  CHECK(spikes > 20);
  auto u = test::linear_forward<D>(z, params.at("2.weight"), &params.at("2.bias"), H, O);
  auto out = test::population_forward_by_name<D>("li", u, T, S, O, {}, {}, nullptr, false);
  const V loss = test::cross_entropy_max<D>(out, T, S, {0, 2, 1, 2});
  auto grads_params = params;
  grads_params["1.recurrent_weight"] = rec;
  check_dtype(dir / "grads", float64);
  compare(projected(dir / "grads", grads_params), loss, params.size(), float64);
}
