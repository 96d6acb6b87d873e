// `norn train`: trains a network described by a JSON configuration (runtime/train/config.hpp;
// the contract is in the README).

#include <runtime/cli/commands.hpp>
#include <runtime/core/resources.hpp>
#include <runtime/io/output_set.hpp>
#include <runtime/train/checkpoint.hpp>

#include <runtime/train/config.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/train/trainer.hpp>
#include <runtime/train/dataset.hpp>
#include <runtime/train/nir.hpp>

#include <fmt/core.h>

#include <csignal>
#include <type_traits>
#include <signal.h>

#include <memory>
#include <optional>

namespace norn::cli {

namespace {

std::optional<std::filesystem::path> path_or_none(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return std::filesystem::path(s);
}

}  // namespace

void train_command(const train_options& o, std::span<const model_entry> models) {
  // with --nir, the layers and their initial parameters come from a NIR file, the rest
  // (loss, optimizer, schedule, data) from the configuration, when one is given
  std::optional<nir::imported> graph;
  auto take_graph = [&](nlohmann::json& j, const std::string& source) {
    if (j.contains("layers")) fail("norn: {} has \"layers\": with --nir the layers come from {}", source, o.nir);
    std::optional<double> dt = o.dt;
    if (!dt && j.contains("dt") && j["dt"].is_number()) dt = j["dt"].get<double>();
    graph = nir::import_graph(hdf5::read(o.nir), dt, o.nir);
    j["dt"] = graph->dt;
    j["input_shape"] = graph->config["input_shape"];
    j["layers"] = graph->config["layers"];
  };
  train_config c;
  if (o.nir.empty()) {
    if (o.config.empty()) fail("norn: train needs a configuration (CONFIG.json), or --nir FILE.nir");
    if (o.dt) fail("norn: --dt is for --nir; a configuration gives its own \"dt\"");
    c = load_config(o.config, models);
  } else if (o.config.empty()) {
    nlohmann::json j = nlohmann::json::object();
    take_graph(j, "");
    c = parse_config(j, o.nir, models);
  } else {
    c = load_config(o.config, models, [&](nlohmann::json& j) { take_graph(j, o.config); });
  }
  const std::string config_name = o.config.empty() ? o.nir : o.config;
  if (o.epochs) c.epochs = *o.epochs;
  if (o.seed) c.seed = *o.seed;
  // paths first: a mistake there is found before any data is read or any epoch run
  if (!o.out.empty()) output_set::check(o.out, "--out");
  if (!o.checkpoint.empty()) prepare_checkpoint_path(o.checkpoint);
  if (!o.resume.empty()) checkpoint_to_resume(o.resume);
  const auto data = o.data.empty() ? c.data : std::optional<std::filesystem::path>(o.data);
  if (!data) fail("norn: train needs --data X.npy (or \"data\" in {})", config_name);
  const auto targets = o.targets.empty() ? c.targets : std::optional<std::filesystem::path>(o.targets);
  const dataset d = load_dataset(*data, targets, c);
  require_memory(network_bytes(c, d.steps, true),
                 fmt::format("training this network (batch {}, {} steps)", c.batch_size, d.steps));
  const auto test_data = o.test_data.empty() ? c.test_data : std::optional<std::filesystem::path>(o.test_data);
  const auto test_targets = o.test_targets.empty() ? c.test_targets : std::optional<std::filesystem::path>(o.test_targets);
  if (test_targets && !test_data) fail("norn: --test-targets without --test-data");
  std::optional<dataset> test;
  if (test_data) test = load_dataset(*test_data, test_targets, c, "--test-data");
  run_options r;
  r.init = path_or_none(o.init);
  r.checkpoint = path_or_none(o.checkpoint);
  r.resume = path_or_none(o.resume);
  r.dump_gradients = path_or_none(o.dump_gradients);
  r.out = path_or_none(o.out);
  r.progress = !o.quiet;
  // SIGINT and SIGTERM finish the current step (and write a checkpoint) instead of killing
  // the run mid-write
  static volatile std::sig_atomic_t stop = 0;
  struct sigaction action {};
  action.sa_handler = [](int signal_number) { stop = signal_number; };
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  r.stop = &stop;
  auto run = [&]<class Real>(std::type_identity<Real>) {
    basic_network<Real> net = build_network<Real>(c);
    if (graph) nir::apply_parameters(net, *graph);
    basic_optimizer<Real> opt(c.optimizer);
    train(net, opt, d, c, r, test ? &*test : nullptr);
  };
  try {
    if (c.double_precision) run(std::type_identity<double>{});
    else run(std::type_identity<float>{});
  } catch (const interrupted& e) {
    throw stopped(128 + e.signal,
                  fmt::format("norn: interrupted by {} after {} epochs and {} batches{}", e.signal == SIGINT ? "SIGINT" : "SIGTERM",
                              e.epochs_done, e.batches_done,
                              r.checkpoint ? fmt::format("; resume with --resume {}", r.checkpoint->string())
                                           : std::string("; nothing kept (no --checkpoint)")));
  }
}

namespace {
/// The evaluation of the network read from `init`, computing in Real.
template <class Real>
evaluation evaluate_with(const train_config& c, const std::filesystem::path& init, const dataset& d) {
  basic_network<Real> net = build_network<Real>(c);
  load_parameters(net, init, true);
  return evaluate(net, d, c);
}
}  // namespace

void eval_command(const eval_options& o, std::span<const model_entry> models) {
  if (!o.out.empty()) output_set::check(o.out, "--out");
  const auto c = load_config(o.config, models);
  const auto data = o.data.empty() ? c.data : std::optional<std::filesystem::path>(o.data);
  if (!data) fail("norn: eval needs --data X.npy (or \"data\" in {})", o.config);
  const auto targets = o.targets.empty() ? c.targets : std::optional<std::filesystem::path>(o.targets);
  const dataset d = load_dataset(*data, targets, c);
  require_memory(network_bytes(c, d.steps, false),
                 fmt::format("evaluating this network (batch {}, {} steps)", c.batch_size, d.steps));
  const auto e = c.double_precision ? evaluate_with<double>(c, o.init, d) : evaluate_with<float>(c, o.init, d);
  fmt::print("loss {:.6g}{}\n", e.loss, e.accuracy >= 0 ? fmt::format(" accuracy {:.4f} ({} samples)", e.accuracy, d.samples) : "");
  if (!o.out.empty()) write_evaluation(e, o.out);
}

}  // namespace norn::cli
