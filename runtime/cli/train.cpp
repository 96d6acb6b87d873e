// `norn train`: trains a network described by a JSON configuration (see runtime/config.hpp
// and DESIGN.md's contract).

#include <runtime/cli/commands.hpp>

#include <runtime/config.hpp>
#include <runtime/errors.hpp>
#include <runtime/trainer.hpp>

#include <fmt/core.h>

#include <memory>
#include <optional>

namespace norn::cli {

namespace {

struct train_options {
  std::string config;
  std::string data, targets, init, dump_gradients, checkpoint, resume, out;
  std::optional<std::size_t> epochs;
  std::optional<std::uint64_t> seed;
  bool quiet = false;
};

std::optional<std::filesystem::path> path_or_none(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return std::filesystem::path(s);
}

void train_command(const train_options& o, std::span<const model_entry> models) {
  auto c = load_config(o.config, models);
  if (o.epochs) c.epochs = *o.epochs;
  if (o.seed) c.seed = *o.seed;
  const auto data = o.data.empty() ? c.data : std::optional<std::filesystem::path>(o.data);
  if (!data) fail("norn: train needs --data X.npy (or \"data\" in {})", o.config);
  const auto targets = o.targets.empty() ? c.targets : std::optional<std::filesystem::path>(o.targets);
  const dataset d = load_dataset(*data, targets, c);
  network net = build_network(c, models);
  const auto loss = make_loss(c);
  optimizer opt(c.optimizer);
  run_options r;
  r.init = path_or_none(o.init);
  r.checkpoint = path_or_none(o.checkpoint);
  r.resume = path_or_none(o.resume);
  r.dump_gradients = path_or_none(o.dump_gradients);
  r.out = path_or_none(o.out);
  r.progress = !o.quiet;
  if (r.resume && !std::filesystem::exists(*r.resume) && !std::filesystem::exists(r.resume->string() + ".old"))
    fail("norn: --resume {}: no such checkpoint", r.resume->string());
  train(net, *loss, opt, d, c, r);
}

}  // namespace

action add_train(CLI::App& app, std::span<const model_entry> models) {
  auto o = std::make_shared<train_options>();
  auto* cmd = app.add_subcommand("train", "Train a network described by a JSON configuration");
  cmd->add_option("config", o->config, "Configuration (JSON)")->required();
  cmd->add_option("--data", o->data, "Inputs: .npy float array [samples, steps, features]");
  cmd->add_option("--targets", o->targets,
                  "Targets: [samples, steps, outputs] (mse), [samples] labels (cross_entropy), [samples, outputs] (spike_count)");
  cmd->add_option("--init", o->init, "Read initial parameters <name>.npy from this directory");
  cmd->add_option("--epochs", o->epochs, "Override the configuration's epochs (0 with --dump-gradients: stop after)");
  cmd->add_option("--dump-gradients", o->dump_gradients,
                  "Write the gradient of the loss on the first batch, before any update, as <name>.npy");
  cmd->add_option("--checkpoint", o->checkpoint, "Write checkpoints (atomically) into this directory");
  cmd->add_option("--resume", o->resume, "Continue from a checkpoint directory");
  cmd->add_option("--seed", o->seed, "Override the configuration's seed");
  cmd->add_option("--out", o->out, "Write final parameters, metrics.csv, batches.csv and loss.png here");
  cmd->add_flag("--quiet", o->quiet, "No progress output");
  return [o, cmd, models] {
    if (cmd->parsed()) train_command(*o, models);
  };
}

}  // namespace norn::cli
